// Shows: a service that owns its background task. Creating it starts nothing; `start`
// spawns the task under a child token; `shutdown` cancels it and waits for it to end.
// Run: cargo run -p ch03-34-explicit-start-shutdown
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

struct Service {
    name: String,
    background: Option<(CancellationToken, JoinHandle<u32>)>,
}

impl Service {
    fn new(name: &str) -> Service {
        Service {
            name: name.to_string(),
            background: None, // constructing does nothing but construct
        }
    }

    /// Starts the background task; `parent` cancels it too, as Go's `ctx` would.
    fn start(&mut self, parent: &CancellationToken) {
        let token = parent.child_token();
        let task = tokio::spawn({
            let token = token.clone();
            async move {
                let mut refreshes = 0;
                loop {
                    tokio::select! {
                        _ = token.cancelled() => return refreshes,
                        _ = tokio::time::sleep(Duration::from_secs(30)) => refreshes += 1,
                    }
                }
            }
        });
        self.background = Some((token, task));
    }

    /// Stops the background task and waits until it has stopped.
    async fn shutdown(mut self) {
        if let Some((token, task)) = self.background.take() {
            token.cancel();
            let refreshes = task.await.expect("the background task panicked");
            println!("{}: stopped after {refreshes} refreshes", self.name);
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // A safety net, not a substitute for `shutdown`: cancel, even though we can't wait.
        if let Some((token, _)) = &self.background {
            token.cancel();
        }
    }
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let root = CancellationToken::new();
    let mut services: Vec<Service> = ["users", "orders", "billing"]
        .into_iter()
        .map(Service::new)
        .collect();
    println!("created 3 services, tasks alive: {}", alive_tasks());

    for service in &mut services {
        service.start(&root);
    }
    println!("started them, tasks alive: {}", alive_tasks());

    for service in services {
        service.shutdown().await;
    }
    println!("shut them down, tasks alive: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    /// Awaits `step`. On the paused clock, a step that never ends lets the clock run to
    /// the deadline, and the test fails at once instead of hanging.
    async fn within_an_hour<T>(step: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(3600), step)
            .await
            .expect("still waiting after an hour")
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_leaves_no_task() {
        let mut service = Service::new("test");
        service.start(&CancellationToken::new());
        tokio::task::yield_now().await; // the task runs, and sleeps
        assert_eq!(alive_tasks(), 1);
        within_an_hour(service.shutdown()).await;
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_the_parent_stops_every_service() {
        let root = CancellationToken::new();
        let mut a = Service::new("a");
        let mut b = Service::new("b");
        a.start(&root);
        b.start(&root);
        root.cancel();
        let (_, task_a) = a.background.take().unwrap();
        let (_, task_b) = b.background.take().unwrap();
        assert_eq!(within_an_hour(task_a).await.unwrap(), 0);
        assert_eq!(within_an_hour(task_b).await.unwrap(), 0);
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_a_started_service_cancels_its_task() {
        let mut service = Service::new("test");
        service.start(&CancellationToken::new());
        let (token, task) = service.background.as_ref().unwrap();
        let (token, task_id) = (token.clone(), task.id());
        drop(service); // no shutdown: the Drop safety net cancels
        assert!(token.is_cancelled());
        // An hour on the paused clock: a task that missed the cancellation is still alive.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(alive_tasks(), 0, "task {task_id} still alive");
    }
}
