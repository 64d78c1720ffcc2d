// Shows: the fix for the leak. Closing the channel (dropping every sender) ends a
// processor; a CancellationToken ends it even if a sender is still held somewhere.
// Run: cargo run -p ch03-17-leak-closed-or-cancelled
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

fn start_processor(token: CancellationToken, mut data: mpsc::Receiver<u32>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                item = data.recv() => match item {
                    Some(item) => println!("processing {item}"),
                    None => return, // closed: every sender is gone
                },
            }
        }
    })
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = CancellationToken::new();
    let (first_tx, first_rx) = mpsc::channel(16);
    let (second_tx, second_rx) = mpsc::channel(16);
    let first = start_processor(token.clone(), first_rx);
    let second = start_processor(token.clone(), second_rx);
    tokio::task::yield_now().await;
    println!("alive tasks: {}", alive_tasks());

    drop(first_tx); // way out 1: close the channel
    first.await.unwrap();
    println!("after closing the first feed: {}", alive_tasks());

    token.cancel(); // way out 2: cancel, although `second_tx` is still alive
    second.await.unwrap();
    println!("after cancelling: {}", alive_tasks());
    drop(second_tx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Waits for the processor to end. On the paused clock, one that never ends makes the
    /// runtime idle, the clock jumps to the deadline, and the test fails at once.
    async fn ended(processor: JoinHandle<()>) {
        tokio::time::timeout(Duration::from_secs(60), processor)
            .await
            .expect("the processor never ended")
            .expect("the processor panicked");
    }

    #[tokio::test(start_paused = true)]
    async fn closing_the_channel_ends_the_processor() {
        let (tx, rx) = mpsc::channel(1);
        let processor = start_processor(CancellationToken::new(), rx);
        tokio::task::yield_now().await; // the processor runs, and waits
        assert_eq!(alive_tasks(), 1);
        drop(tx);
        ended(processor).await;
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_ends_the_processor_while_a_sender_lives() {
        let token = CancellationToken::new();
        let (_tx, rx) = mpsc::channel::<u32>(1);
        let processor = start_processor(token.clone(), rx);
        tokio::task::yield_now().await;
        assert_eq!(alive_tasks(), 1);
        token.cancel();
        ended(processor).await;
        assert_eq!(alive_tasks(), 0);
    }
}
