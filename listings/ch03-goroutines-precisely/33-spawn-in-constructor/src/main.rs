// Shows: spawning in a constructor. `Service::new` starts a task that nothing owns and
// nothing can stop, so dropping the service leaves the task running.
// Run: cargo run -p ch03-33-spawn-in-constructor
use std::time::Duration;
use tokio::runtime::Handle;

struct Service {
    name: String,
}

impl Service {
    fn new(name: &str) -> Service {
        tokio::spawn(async {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await; // refresh a cache, say
            }
        }); // the handle is dropped: the task now belongs to no one
        Service {
            name: name.to_string(),
        }
    }
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    for name in ["users", "orders", "billing"] {
        let service = Service::new(name);
        println!("created {}, then dropped it", service.name);
    }
    tokio::task::yield_now().await;
    println!("services alive: 0, tasks alive: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn dropping_the_service_leaves_its_task() {
        drop(Service::new("test"));
        // An hour on the paused clock: the task wakes 120 times, and never ends.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(alive_tasks(), 1);
    }
}
