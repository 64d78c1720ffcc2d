// Shows: what `log` can do when the buffer is full. `send().await` waits for room, so the
// producer slows to the writer's pace and nothing is lost (backpressure); `try_send` never
// waits, so the entry is dropped and counted, as Go's `select` with a `default:` case does.
// Run: cargo run -p ch05-10-wait-or-drop
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::task::JoinHandle;
use tokio::time::{self, Duration};

/// What `log` does when the buffer is full.
#[derive(Debug, Clone, Copy)]
enum WhenFull {
    Wait,
    Drop,
}

struct Logger {
    buffer: mpsc::Sender<u32>,
    when_full: WhenFull,
    dropped: AtomicUsize,
}

impl Logger {
    fn new(buffer: mpsc::Sender<u32>, when_full: WhenFull) -> Logger {
        let dropped = AtomicUsize::new(0);
        Logger {
            buffer,
            when_full,
            dropped,
        }
    }

    async fn log(&self, entry: u32) {
        match self.when_full {
            WhenFull::Wait => self.buffer.send(entry).await.expect("the writer stopped"),
            WhenFull::Drop => match self.buffer.try_send(entry) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
                Err(TrySendError::Closed(_)) => panic!("the writer stopped"),
            },
        }
    }

    fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// A writer that takes a millisecond per entry, slower than the producer.
fn slow_writer(mut entries: mpsc::Receiver<u32>) -> JoinHandle<Vec<u32>> {
    tokio::spawn(async move {
        let mut written = Vec::new();
        while let Some(entry) = entries.recv().await {
            time::sleep(Duration::from_millis(1)).await;
            written.push(entry);
        }
        written
    })
}

/// Logs a burst of `n` entries into a buffer of 4, then waits for the writer to finish.
/// Returns what it wrote and how many entries were dropped.
async fn burst(n: u32, when_full: WhenFull) -> (Vec<u32>, usize) {
    let (sender, receiver) = mpsc::channel(4);
    let writer = slow_writer(receiver);
    let logger = Logger::new(sender, when_full);
    for entry in 0..n {
        logger.log(entry).await;
    }
    let dropped = logger.dropped();
    drop(logger); // closes the channel: the writer stops once it has taken everything
    (writer.await.unwrap(), dropped)
}

// One thread: during the burst, the writer runs only while the producer waits.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    for when_full in [WhenFull::Wait, WhenFull::Drop] {
        let (written, dropped) = burst(10, when_full).await;
        println!("{when_full:?}: logged 10, dropped {dropped}, wrote {written:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::poll;
    use std::pin::pin;

    #[tokio::test]
    async fn waiting_writes_every_entry_in_order() {
        let (written, dropped) = burst(10, WhenFull::Wait).await;
        assert_eq!(written, (0..10).collect::<Vec<_>>());
        assert_eq!(dropped, 0);
    }

    #[tokio::test]
    async fn a_full_buffer_makes_log_wait_for_room() {
        let (sender, mut receiver) = mpsc::channel(4);
        let logger = Logger::new(sender, WhenFull::Wait);
        for entry in 0..4 {
            logger.log(entry).await; // fills the buffer: nobody is reading yet
        }
        {
            let mut fifth = pin!(logger.log(4));
            assert!(poll!(&mut fifth).is_pending(), "log did not wait for room");
            assert_eq!(receiver.recv().await, Some(0)); // the reader takes one entry...
            fifth.await; // ...and the waiting call goes through
        }
        drop(logger);
        let mut rest = Vec::new();
        while let Some(entry) = receiver.recv().await {
            rest.push(entry);
        }
        assert_eq!(rest, [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn dropping_never_waits_and_counts_every_drop() {
        let (sender, mut receiver) = mpsc::channel(4);
        let logger = Logger::new(sender, WhenFull::Drop);
        for entry in 0..10 {
            // Ready the first time it is polled: the call returned without waiting.
            assert!(
                poll!(pin!(logger.log(entry))).is_ready(),
                "log {entry} waited"
            );
        }
        assert_eq!(logger.dropped(), 6);
        drop(logger);
        let mut kept = Vec::new();
        while let Some(entry) = receiver.recv().await {
            kept.push(entry);
        }
        assert_eq!(kept, [0, 1, 2, 3]); // the first four fit; the newer six were dropped
    }
}
