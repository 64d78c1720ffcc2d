// Exercise 2: create a task leak on purpose and detect it with the runtime's live-task
// count, Rust's `runtime.NumGoroutine()`. The tests turn the check into a leak detector.
// Run: cargo run -p ch03-44-exercise-detect-a-leak
use tokio::runtime::Handle;
use tokio::sync::mpsc;

/// Spawns a task that waits for a message. The caller keeps the sender and never sends:
/// unless the sender is dropped, the task never ends.
fn start_listener() -> mpsc::Sender<String> {
    let (tx, mut rx) = mpsc::channel::<String>(1);
    tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            println!("heard {message}");
        }
    });
    tx
}

fn live_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let before = live_tasks();
    let _forgotten: Vec<_> = (0..5).map(|_| start_listener()).collect();
    tokio::task::yield_now().await;
    println!("live tasks before: {before}, after: {}", live_tasks());
    println!("leaked: {}", live_tasks() - before);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeping_the_sender_leaks_the_task() {
        let _sender = start_listener();
        tokio::task::yield_now().await;
        assert_eq!(live_tasks(), 1, "the listener should still be waiting");
    }

    #[tokio::test]
    async fn dropping_the_sender_ends_the_task() {
        drop(start_listener());
        tokio::task::yield_now().await; // the listener sees the closed channel and returns
        assert_eq!(live_tasks(), 0, "a task leaked");
    }
}
