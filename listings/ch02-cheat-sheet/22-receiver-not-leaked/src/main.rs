// Shows: Go's textbook leak, a goroutine waiting on a channel that nobody will ever
// send on, written in Rust. It does not leak: the sender is dropped when the function
// returns, and the waiting task wakes up with `None` and ends.
// Run: cargo run -p ch02-22-receiver-not-leaked
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

fn wait_for_a_value() -> JoinHandle<Option<i32>> {
    let (_tx, mut rx) = mpsc::channel::<i32>(1);
    tokio::spawn(async move { rx.recv().await }) // Go: `val := <-ch`, blocked forever
} // `_tx`, the only sender, is dropped here: the channel is closed

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let waiting = wait_for_a_value();
    println!("received: {:?}", waiting.await.unwrap());
    println!(
        "tasks still alive: {}",
        Handle::current().metrics().num_alive_tasks()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    // On the paused clock, a task that waits forever leaves the runtime idle, so the
    // clock jumps to the one-minute limit and the test fails at once, not hangs.
    #[tokio::test(start_paused = true)]
    async fn the_waiting_task_ends_by_itself() {
        let waiting = tokio::time::timeout(Duration::from_secs(60), wait_for_a_value());
        let received = waiting.await.expect("the task is still waiting");
        assert_eq!(received.unwrap(), None);
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
