// A batching log observer: any task can `log` entries; one background Tokio task writes them
// to a sink in batches, when a batch is full and once per flush interval. `close` returns
// only after every accepted entry has reached the sink. Test it: cargo test -p ch05-02-observer
use std::fmt;
use std::future::Future;
use std::mem;
use std::sync::{Mutex, MutexGuard, PoisonError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{self, Duration, Instant, MissedTickBehavior};

/// Where batches go: a file, a socket, a test's vector.
///
/// The worker waits for each `write` to finish before it takes the next entry, so a slow
/// sink makes `log` wait (once the buffer is full) instead of losing entries. Any closure
/// `FnMut(Vec<T>)` is a sink; it runs on the worker task, so it must not block.
pub trait Sink<T>: Send + 'static {
    /// Writes one batch, which is never empty.
    fn write(&mut self, batch: Vec<T>) -> impl Future<Output = ()> + Send;
}

impl<T, F> Sink<T> for F
where
    F: FnMut(Vec<T>) + Send + 'static,
{
    fn write(&mut self, batch: Vec<T>) -> impl Future<Output = ()> + Send {
        self(batch);
        std::future::ready(())
    }
}

/// How the observer batches.
#[derive(Debug, Clone)]
pub struct Config {
    /// A batch is written as soon as it holds this many entries.
    pub batch_size: usize,
    /// A batch that is not full is written at the next tick of this interval.
    pub flush_interval: Duration,
    /// How many entries can wait for the worker; `log` waits while they fill it.
    pub buffer: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            batch_size: 100,
            flush_interval: Duration::from_secs(1),
            buffer: 1024,
        }
    }
}

/// Why a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The observer was closed before this call.
    Closed,
    /// The worker stopped before writing everything: the sink panicked, or the
    /// runtime shut down.
    WorkerDied,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Closed => f.write_str("the observer is closed"),
            Error::WorkerDied => f.write_str("the observer's worker stopped early"),
        }
    }
}

impl std::error::Error for Error {}

enum Message<T> {
    Entry(T),
    Flush(oneshot::Sender<()>),
}

enum Worker {
    Running(JoinHandle<()>),
    Stopped(Result<(), Error>),
}

/// A batching observer. Share it with `Arc` to log from many tasks or threads.
///
/// ```
/// use ch05_02_observer::{Config, Observer};
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sizes = Arc::new(Mutex::new(Vec::new()));
/// let seen = Arc::clone(&sizes);
/// let sink = move |batch: Vec<String>| seen.lock().unwrap().push(batch.len());
/// let observer = Observer::new(Config { batch_size: 2, ..Config::default() }, sink);
/// for word in ["a", "b", "c"] {
///     observer.log(word.to_string()).await.unwrap();
/// }
/// observer.close().await.unwrap();
/// // "a" and "b" filled a batch; closing wrote "c".
/// assert_eq!(*sizes.lock().unwrap(), [2, 1]);
/// # }
/// ```
///
/// Dropping an observer closes it without waiting: the worker still writes every accepted
/// entry, in the background, for as long as the runtime runs. Call [`close`](Self::close)
/// to wait for it.
pub struct Observer<T> {
    // `None` once closed. The channel closes when the last clone of this sender is dropped.
    sender: Mutex<Option<mpsc::Sender<Message<T>>>>,
    worker: tokio::sync::Mutex<Worker>,
}

impl<T: Send + 'static> Observer<T> {
    /// Starts the worker task on the current Tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, or if `batch_size` or `buffer` is 0.
    pub fn new(config: Config, sink: impl Sink<T>) -> Self {
        assert!(config.batch_size > 0, "batch_size must be at least 1");
        assert!(config.buffer > 0, "buffer must be at least 1");
        let (sender, receiver) = mpsc::channel(config.buffer);
        let worker = tokio::spawn(run(receiver, sink, config));
        Observer {
            sender: Mutex::new(Some(sender)),
            worker: tokio::sync::Mutex::new(Worker::Running(worker)),
        }
    }

    /// Queues an entry, waiting while the buffer is full. `Ok` means the entry will
    /// reach the sink, unless the sink panics. After `close`, returns `Err(Closed)` at once.
    ///
    /// ```
    /// # use ch05_02_observer::{Config, Error, Observer};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let observer = Observer::new(Config::default(), |_batch: Vec<u32>| {});
    /// observer.close().await.unwrap();
    /// assert_eq!(observer.log(1).await, Err(Error::Closed));
    /// # }
    /// ```
    pub async fn log(&self, entry: T) -> Result<(), Error> {
        self.send(Message::Entry(entry)).await
    }

    /// Writes the current batch now, and returns once the sink has it: every entry
    /// this task logged before has then been written.
    ///
    /// ```
    /// # use ch05_02_observer::{Config, Observer};
    /// # use std::sync::{Arc, Mutex};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let written = Arc::new(Mutex::new(Vec::new()));
    /// let sink = {
    ///     let written = Arc::clone(&written);
    ///     move |batch: Vec<u32>| written.lock().unwrap().extend(batch)
    /// };
    /// let observer = Observer::new(Config::default(), sink);
    /// observer.log(7).await.unwrap();
    /// observer.flush().await.unwrap();
    /// assert_eq!(*written.lock().unwrap(), [7]); // no sleep needed
    /// # }
    /// ```
    pub async fn flush(&self) -> Result<(), Error> {
        let (ack, acked) = oneshot::channel();
        self.send(Message::Flush(ack)).await?;
        acked.await.map_err(|_| Error::WorkerDied)
    }

    /// Stops accepting entries, and returns once the worker has written every accepted
    /// entry and stopped. Any number of tasks may call it, at once or again later: each
    /// call waits for the same worker and returns the same result.
    pub async fn close(&self) -> Result<(), Error> {
        // Dropping our sender closes the channel as soon as the `log` calls in flight have
        // sent their entries; the worker then drains the buffer and returns.
        drop(self.lock_sender().take());
        let mut worker = self.worker.lock().await;
        let outcome = match &mut *worker {
            Worker::Running(handle) => handle.await.map_err(|_| Error::WorkerDied),
            Worker::Stopped(outcome) => return *outcome,
        };
        *worker = Worker::Stopped(outcome);
        outcome
    }

    async fn send(&self, message: Message<T>) -> Result<(), Error> {
        // Clone the sender and let go of the lock before waiting for room in the buffer.
        let sender = self.lock_sender().clone().ok_or(Error::Closed)?;
        sender.send(message).await.map_err(|_| Error::WorkerDied)
    }

    fn lock_sender(&self) -> MutexGuard<'_, Option<mpsc::Sender<Message<T>>>> {
        // Nothing can panic while this lock is held, but never let a poisoned lock panic `log`.
        self.sender.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn run<T, S: Sink<T>>(mut receiver: mpsc::Receiver<Message<T>>, mut sink: S, config: Config) {
    let period = config.flush_interval;
    let mut ticker = time::interval_at(Instant::now() + period, period);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            // Ticks first: a busy buffer never postpones a due flush.
            biased;
            _ = ticker.tick() => write(&mut sink, &mut batch).await,
            message = receiver.recv() => match message {
                Some(Message::Entry(entry)) => {
                    batch.push(entry);
                    if batch.len() >= config.batch_size {
                        write(&mut sink, &mut batch).await;
                    }
                }
                Some(Message::Flush(ack)) => {
                    write(&mut sink, &mut batch).await;
                    let _ = ack.send(()); // the caller may have stopped waiting
                }
                // Every sender is gone and the buffer is empty: nothing more can come.
                None => {
                    write(&mut sink, &mut batch).await;
                    return;
                }
            },
        }
    }
}

async fn write<T, S: Sink<T>>(sink: &mut S, batch: &mut Vec<T>) {
    if !batch.is_empty() {
        sink.write(mem::take(batch)).await;
    }
}
