// Shows: how to test a worker that flushes on a ticker, with no real sleeps: the paused
// clock, a flush that answers when it is done, and timeouts that fail with a message.
// Run: cargo test -p ch05-08-testing-without-sleeps
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{self, Duration, Instant};

pub enum Message {
    Entry(u32),
    Flush(oneshot::Sender<()>),
}

/// A small batching worker: it sends what it has collected to `out` at every tick of
/// `interval`, on `Flush`, and when every sender is gone.
pub fn spawn_batcher(
    interval: Duration,
    out: mpsc::UnboundedSender<Vec<u32>>,
) -> (mpsc::Sender<Message>, JoinHandle<()>) {
    let (sender, mut receiver) = mpsc::channel(16);
    let worker = tokio::spawn(async move {
        let mut ticker = time::interval_at(Instant::now() + interval, interval);
        let mut batch = Vec::new();
        loop {
            tokio::select! {
                biased;
                _ = ticker.tick() => send(&out, &mut batch),
                message = receiver.recv() => match message {
                    Some(Message::Entry(entry)) => batch.push(entry),
                    Some(Message::Flush(ack)) => {
                        send(&out, &mut batch);
                        let _ = ack.send(());
                    }
                    None => {
                        send(&out, &mut batch);
                        return;
                    }
                },
            }
        }
    });
    (sender, worker)
}

fn send(out: &mpsc::UnboundedSender<Vec<u32>>, batch: &mut Vec<u32>) {
    if !batch.is_empty() {
        let _ = out.send(std::mem::take(batch));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    /// The Go guide's way: log, sleep, look. The sleep waits for 100 ms, not for the write,
    /// and nothing ties the two: here the write comes at the tick, 1 s in.
    #[tokio::test(start_paused = true)]
    async fn a_sleep_waits_for_time_not_for_the_write() {
        let (out, mut batches) = mpsc::unbounded_channel();
        let (sender, _worker) = spawn_batcher(Duration::from_secs(1), out);
        sender.send(Message::Entry(1)).await.unwrap();
        time::sleep(Duration::from_millis(100)).await; // "wait for logs to be processed"
        assert!(
            batches.try_recv().is_err(),
            "the sleep happened to be long enough"
        );
    }

    /// On the paused clock, time jumps to the next timer whenever every task is waiting:
    /// each flush happens at an exact simulated instant, and the test takes no real time.
    #[tokio::test(start_paused = true)]
    async fn ticks_flush_at_exact_times() {
        let start = Instant::now();
        let (out, mut batches) = mpsc::unbounded_channel();
        let (sender, _worker) = spawn_batcher(Duration::from_secs(1), out);
        sender.send(Message::Entry(1)).await.unwrap();
        sender.send(Message::Entry(2)).await.unwrap();
        assert_eq!(batches.recv().await, Some(vec![1, 2]));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        sender.send(Message::Entry(3)).await.unwrap();
        assert_eq!(batches.recv().await, Some(vec![3]));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    /// Exact counts: one entry every 250 ms for 10 s gives ten batches of four.
    #[tokio::test(start_paused = true)]
    async fn ten_seconds_make_ten_batches() {
        let start = Instant::now();
        let (out, mut batches) = mpsc::unbounded_channel();
        let (sender, worker) = spawn_batcher(Duration::from_secs(1), out);
        time::sleep(Duration::from_millis(100)).await; // entries at 0.1 s, 0.35 s, ...
        for entry in 0..40 {
            sender.send(Message::Entry(entry)).await.unwrap();
            time::sleep(Duration::from_millis(250)).await;
        }
        drop(sender);
        worker.await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(10_100));
        let mut sizes = Vec::new();
        while let Some(batch) = batches.recv().await {
            sizes.push(batch.len());
        }
        assert_eq!(sizes, [4; 10]);
    }

    /// An explicit flush: the worker answers once the batch is out. No clock involved.
    #[tokio::test]
    async fn a_flush_answers_when_it_is_done() {
        let (out, mut batches) = mpsc::unbounded_channel();
        let (sender, _worker) = spawn_batcher(Duration::from_secs(3600), out);
        sender.send(Message::Entry(1)).await.unwrap();
        let (ack, done) = oneshot::channel();
        sender.send(Message::Flush(ack)).await.unwrap();
        done.await.unwrap();
        assert_eq!(batches.try_recv(), Ok(vec![1])); // already there
    }

    /// Awaits `future`, or fails the test with a message after `limit` (simulated time on
    /// the paused clock, so a hang fails at once instead of stalling the test run).
    async fn within<F: Future>(limit: Duration, what: &str, future: F) -> F::Output {
        match time::timeout(limit, future).await {
            Ok(output) => output,
            Err(_) => panic!("{what} within {limit:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "the worker did not stop within 5s")]
    async fn a_hang_fails_loudly() {
        let (out, _batches) = mpsc::unbounded_channel();
        let (sender, worker) = spawn_batcher(Duration::from_secs(1), out);
        let _forgotten = sender.clone(); // the bug: a sender is still alive
        drop(sender);
        within(Duration::from_secs(5), "the worker did not stop", worker)
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn the_worker_stops_when_its_sender_is_dropped() {
        let (out, mut batches) = mpsc::unbounded_channel();
        let (sender, worker) = spawn_batcher(Duration::from_secs(1), out);
        sender.send(Message::Entry(1)).await.unwrap();
        drop(sender);
        within(Duration::from_secs(5), "the worker did not stop", worker)
            .await
            .unwrap();
        assert_eq!(batches.recv().await, Some(vec![1])); // written on the way out
    }
}
