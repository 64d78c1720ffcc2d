// Shows: how a task does leak in Rust. It waits on a channel whose sender is kept alive
// and never used, here in a list of pending requests that nothing ever answers.
// Run: cargo run -p ch02-23-task-leak
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// Senders for replies we mean to send "later". Later never comes.
type Pending = Vec<oneshot::Sender<u32>>;

fn wait_for_reply(pending: &mut Pending) {
    let (tx, rx) = oneshot::channel();
    pending.push(tx); // the sender lives on, so the channel stays open
    tokio::spawn(async move {
        if let Ok(reply) = rx.await {
            println!("reply: {reply}");
        }
    });
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut pending = Pending::new();
    for _ in 0..3 {
        wait_for_reply(&mut pending);
    }
    tokio::task::yield_now().await; // let the tasks start waiting
    println!("tasks waiting for a reply: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn the_waiting_tasks_never_end() {
        let mut pending = Pending::new();
        for _ in 0..3 {
            wait_for_reply(&mut pending);
        }
        // An hour, on the paused clock: time enough for anything that could finish.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(alive_tasks(), 3);
    }
}
