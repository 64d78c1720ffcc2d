// Shows: the Go guide's observer worker, translated line for line. When `done` is closed,
// `select!` may pick it while entries are still waiting in the buffer, and they are lost.
// Run: cargo run -p ch05-01-translated-worker
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{self, Duration, Instant};
use tokio_util::sync::CancellationToken;

type Entry = String;
type Sink = Box<dyn FnMut(Vec<Entry>) + Send>;

struct Observer {
    buffer: mpsc::Sender<Entry>,           // buffer chan *Entry
    done: CancellationToken,               // done chan struct{}
    closed: Mutex<bool>,                   // closed bool, guarded by mu
    worker: Mutex<Option<JoinHandle<()>>>, // what wg waits for
}

impl Observer {
    fn new(buffer_size: usize, flush_interval: Duration, sink: Sink) -> Observer {
        let (buffer, entries) = mpsc::channel(buffer_size);
        let done = CancellationToken::new();
        // wg.Add(1); go obs.worker(cfg.FlushInterval)
        let worker = tokio::spawn(worker(entries, done.clone(), flush_interval, sink));
        Observer {
            buffer,
            done,
            closed: Mutex::new(false),
            worker: Mutex::new(Some(worker)),
        }
    }

    async fn log(&self, entry: Entry) -> Result<(), mpsc::error::SendError<Entry>> {
        self.buffer.send(entry).await
    }

    async fn close(&self) {
        {
            let mut closed = self.closed.lock().unwrap();
            if *closed {
                return;
            }
            *closed = true;
            self.done.cancel(); // close(o.done)
        }
        // o.wg.Wait()
        let worker = self.worker.lock().unwrap().take();
        if let Some(worker) = worker {
            worker.await.unwrap();
        }
    }
}

async fn worker(
    mut buffer: mpsc::Receiver<Entry>,
    done: CancellationToken,
    interval: Duration,
    mut flush: Sink,
) {
    // Like time.NewTicker, the first tick comes after one interval.
    let mut ticker = time::interval_at(Instant::now() + interval, interval);
    let mut entries = Vec::new();
    loop {
        // Not Go's rule (a uniform pick among the ready cases): select! starts at a random
        // branch, then takes the first ready one in the order written, wrapping round.
        tokio::select! {
            Some(entry) = buffer.recv() => entries.push(entry),
            _ = ticker.tick() => {
                if !entries.is_empty() {
                    flush(std::mem::take(&mut entries));
                }
            }
            _ = done.cancelled() => {
                if !entries.is_empty() {
                    flush(entries);
                }
                return; // entries still in `buffer` are dropped with it
            }
        }
    }
}

/// Logs `n` entries into a buffer of `n`, then closes. Returns (accepted, delivered).
async fn fill_then_close(n: usize) -> (usize, usize) {
    let delivered = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&delivered);
    let sink: Sink = Box::new(move |batch| *counter.lock().unwrap() += batch.len());
    let observer = Observer::new(n, Duration::from_secs(1), sink);
    let mut accepted = 0;
    for i in 0..n {
        // The buffer has room, so each send completes without yielding: on this
        // single-threaded runtime the worker cannot run before `close`.
        if observer.log(format!("entry {i}")).await.is_ok() {
            accepted += 1;
        }
    }
    observer.close().await;
    let delivered = *delivered.lock().unwrap();
    (accepted, delivered)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (accepted, delivered) = fill_then_close(64).await;
    println!("logged {accepted} entries, and every call returned Ok");
    println!("closed the observer: its worker has stopped");
    if delivered < accepted {
        println!("the sink received fewer than {accepted}: the rest were dropped");
    } else {
        println!("the sink received all {accepted}");
    }
}

#[cfg(test)]
mod tests {
    use super::fill_then_close;

    #[tokio::test]
    async fn entries_queued_before_close_are_lost() {
        // Each run keeps every entry only if select! picks the buffer 64 times in a row.
        for run in 0..20 {
            let (accepted, delivered) = fill_then_close(64).await;
            assert_eq!(accepted, 64);
            assert!(delivered < accepted, "run {run}: nothing was lost");
        }
    }
}
