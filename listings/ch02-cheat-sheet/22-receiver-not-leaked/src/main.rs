// Shows: Go's textbook leak, a goroutine waiting on a channel that nobody will ever send on,
// written in Rust. It does not leak: the sender is dropped when the function returns, and
// the waiting task wakes up with `None` and ends.
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

    #[tokio::test]
    async fn the_waiting_task_ends_by_itself() {
        let waiting = wait_for_a_value();
        assert_eq!(waiting.await.unwrap(), None);
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
