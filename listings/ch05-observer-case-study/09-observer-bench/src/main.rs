// Measures: entries per second from `log` to the sink, for a few batch sizes, with one
// producer task and with four, on a two-worker runtime. `observer` below is the chapter's
// observer library without its doc comments. `BENCH_QUICK=1` runs tiny counts, same rows.
// Run: cargo run --release -p ch05-09-observer-bench
use std::fs::File;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

use observer::{Config, Observer};

const BATCH_SIZES: [usize; 4] = [1, 10, 100, 1000];
const PRODUCERS: [usize; 2] = [1, 4];
const BUFFER: usize = 1024;
const NULL_DEVICE: &str = if cfg!(windows) { "NUL" } else { "/dev/null" };

/// Logs `entries` from `producers` tasks, closes, and returns the time from the first
/// `log` until `close` returned, that is until the sink had every entry.
fn run(runtime: &Runtime, batch_size: usize, producers: usize, entries: usize) -> Duration {
    runtime.block_on(async {
        let written = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&written);
        // Like a log file: format the batch, then hand it to the kernel in one write.
        let mut device = File::create(NULL_DEVICE).unwrap();
        let mut text = Vec::new();
        let sink = move |batch: Vec<usize>| {
            text.clear();
            for entry in &batch {
                writeln!(text, "entry {entry}").unwrap();
            }
            device.write_all(&text).unwrap();
            counter.fetch_add(batch.len(), Ordering::Relaxed);
        };
        let config = Config {
            batch_size,
            flush_interval: Duration::from_secs(1),
            buffer: BUFFER,
        };
        let observer = Arc::new(Observer::new(config, sink));
        let start = Instant::now();
        let tasks: Vec<_> = (0..producers)
            .map(|_| {
                let observer = Arc::clone(&observer);
                tokio::spawn(async move {
                    for entry in 0..entries / producers {
                        observer.log(entry).await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        observer.close().await.unwrap();
        let took = start.elapsed();
        assert_eq!(
            written.load(Ordering::Relaxed),
            entries / producers * producers
        );
        took
    })
}

fn per_second(entries: usize, took: Duration) -> String {
    let rate = entries as f64 / took.as_secs_f64();
    if rate >= 1e6 {
        format!("{:.2} M/s", rate / 1e6)
    } else {
        format!("{:.0} k/s", rate / 1e3)
    }
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let (entries, repetitions) = if quick { (4_000, 1) } else { (1_000_000, 5) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    println!("| batch size | 1 producer task | 4 producer tasks |");
    println!("|---|---|---|");
    for batch_size in BATCH_SIZES {
        let cells: Vec<String> = PRODUCERS
            .iter()
            .map(|&producers| {
                let mut times: Vec<Duration> = (0..repetitions)
                    .map(|_| run(&runtime, batch_size, producers, entries))
                    .collect();
                times.sort();
                per_second(entries, times[times.len() / 2])
            })
            .collect();
        println!("| {batch_size} | {} |", cells.join(" | "));
    }
    println!();
    println!(
        "Entries per second from the first `log` until `close` returned (the sink had them \
         all): median of {repetitions} runs of {entries} entries, buffer {BUFFER}. The sink \
         formats each batch and writes it to the null device in one call. Runtime: tokio \
         multi_thread, 2 workers."
    );
    println!();
    println!("{}", machine());
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "rustc version unknown".to_string());
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    format!(
        "Machine: {cpu}, {cores} cores (available_parallelism), {} {}, {rustc}, {profile} build.",
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

// The observer library, as in the chapter (its doc comments and examples left out).
#[allow(dead_code)]
mod observer {
    use std::fmt;
    use std::future::Future;
    use std::mem;
    use std::sync::{Mutex, MutexGuard, PoisonError};
    use tokio::sync::{mpsc, oneshot};
    use tokio::task::JoinHandle;
    use tokio::time::{self, Duration, Instant, MissedTickBehavior};

    pub trait Sink<T>: Send + 'static {
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

    #[derive(Debug, Clone)]
    pub struct Config {
        pub batch_size: usize,
        pub flush_interval: Duration,
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

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Error {
        Closed,
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

    pub struct Observer<T> {
        // `None` once closed. The channel closes when the last clone of this sender is dropped.
        sender: Mutex<Option<mpsc::Sender<Message<T>>>>,
        worker: tokio::sync::Mutex<Worker>,
    }

    impl<T: Send + 'static> Observer<T> {
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

        pub async fn log(&self, entry: T) -> Result<(), Error> {
            self.send(Message::Entry(entry)).await
        }

        pub async fn flush(&self) -> Result<(), Error> {
            let (ack, acked) = oneshot::channel();
            self.send(Message::Flush(ack)).await?;
            acked.await.map_err(|_| Error::WorkerDied)
        }

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

    async fn run<T, S: Sink<T>>(
        mut receiver: mpsc::Receiver<Message<T>>,
        mut sink: S,
        config: Config,
    ) {
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
}

#[cfg(test)]
mod tests {
    /// The code alone: comments, whitespace and trailing commas left out, so that
    /// formatting at another indentation doesn't count as a difference.
    fn code(source: &str) -> String {
        let lines: Vec<&str> = source
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect();
        let code: String = lines.concat().split_whitespace().collect();
        code.replace(",)", ")")
            .replace(",}", "}")
            .replace(",]", "]")
    }

    /// In the book's repository, the module above must be the observer library's code.
    #[test]
    fn measures_the_library_as_published() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let library = dir.join("../02-observer/src/lib.rs");
        let Ok(library) = std::fs::read_to_string(&library) else {
            return; // copied out on its own: nothing to compare with
        };
        let this = include_str!("main.rs");
        let start = this.find("mod observer {").unwrap();
        let end = this.find("#[cfg(test)]").unwrap();
        let module = &this[start + "mod observer {".len()..end];
        let module = module.trim_end().strip_suffix('}').unwrap();
        assert_eq!(code(module), code(&library));
    }
}
