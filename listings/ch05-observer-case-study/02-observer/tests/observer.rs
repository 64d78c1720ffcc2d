//! The observer's proofs: nothing accepted is lost, however `log`, `flush`, `close` and the
//! ticker interleave; `close` is idempotent and safe from many threads; time is simulated.
use ch05_02_observer::{Config, Error, Observer, Sink};
use futures::poll;
use proptest::prelude::*;
use std::future::Future;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{self, JoinSet};
use tokio::time::{self, Duration, Instant};

/// Every batch the sink received, in order.
type Written<T> = Arc<Mutex<Vec<Vec<T>>>>;

fn recorder<T: Send + 'static>() -> (Written<T>, impl Sink<T>) {
    let written: Written<T> = Arc::default();
    let seen = Arc::clone(&written);
    (written, move |batch| seen.lock().unwrap().push(batch))
}

fn entries<T: Clone>(written: &Written<T>) -> Vec<T> {
    written.lock().unwrap().concat()
}

/// A sink whose first write waits until the test releases it. The test then knows the
/// worker is busy, and can fill the buffer behind it.
struct Gated<T> {
    written: Written<T>,
    entered: Option<oneshot::Sender<()>>,
    release: Option<oneshot::Receiver<()>>,
}

impl<T: Send + 'static> Sink<T> for Gated<T> {
    async fn write(&mut self, batch: Vec<T>) {
        if let (Some(entered), Some(release)) = (self.entered.take(), self.release.take()) {
            entered.send(()).unwrap();
            release.await.unwrap();
        }
        self.written.lock().unwrap().push(batch);
    }
}

/// Awaits `future`, or fails the test. The tests that use it run on the paused clock, where
/// a hang reaches the limit at once, in simulated time: a broken observer fails the test
/// instead of stalling the run.
async fn within<F: Future>(what: &str, future: F) -> F::Output {
    time::timeout(Duration::from_secs(60), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after 60 s"))
}

type GatedParts<T> = (
    Written<T>,
    Gated<T>,
    oneshot::Receiver<()>,
    oneshot::Sender<()>,
);

fn gated<T>() -> GatedParts<T> {
    let written: Written<T> = Arc::default();
    let (entered_tx, entered) = oneshot::channel();
    let (release, release_rx) = oneshot::channel();
    let sink = Gated {
        written: Arc::clone(&written),
        entered: Some(entered_tx),
        release: Some(release_rx),
    };
    (written, sink, entered, release)
}

#[tokio::test]
async fn drains_everything_on_close() {
    // The scenario that loses entries with the Go worker: fill the buffer, then close.
    for _ in 0..20 {
        let (written, sink) = recorder();
        let observer = Observer::new(
            Config {
                buffer: 64,
                ..Config::default()
            },
            sink,
        );
        for i in 0..64 {
            observer.log(i).await.unwrap();
        }
        observer.close().await.unwrap();
        assert_eq!(entries(&written), (0..64).collect::<Vec<_>>());
    }
}

#[tokio::test(start_paused = true)]
async fn drains_everything_while_the_sink_is_busy() {
    let (written, sink, entered, release) = gated();
    let config = Config {
        batch_size: 1,
        buffer: 64,
        ..Config::default()
    };
    let observer = Observer::new(config, sink);
    observer.log(0).await.unwrap();
    // The worker is inside the sink, writing entry 0.
    within("the sink was entered", entered).await.unwrap();
    for i in 1..=64 {
        observer.log(i).await.unwrap(); // the buffer fills up behind it
    }
    let close = observer.close();
    tokio::pin!(close);
    assert!(
        poll!(&mut close).is_pending(),
        "close returned while the sink was busy"
    );
    release.send(()).unwrap();
    assert_eq!(within("close", close).await, Ok(()));
    assert_eq!(entries(&written), (0..=64).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn log_waits_for_room_when_the_buffer_is_full() {
    let (written, sink, entered, release) = gated();
    let observer = Observer::new(
        Config {
            batch_size: 1,
            buffer: 1,
            ..Config::default()
        },
        sink,
    );
    observer.log(0).await.unwrap();
    within("the sink was entered", entered).await.unwrap();
    observer.log(1).await.unwrap(); // the buffer's one slot
    let third = observer.log(2);
    tokio::pin!(third);
    assert!(poll!(&mut third).is_pending(), "log did not wait for room");
    release.send(()).unwrap();
    assert_eq!(within("the third log", third).await, Ok(()));
    observer.close().await.unwrap();
    assert_eq!(entries(&written), [0, 1, 2]);
}

// cargo-mutants' one surviving mutant, explained: in `run`, `Instant::now() + period` ->
// `Instant::now() - period`. The interval then starts one period in the past, so its first
// tick completes at once; with `MissedTickBehavior::Delay` the next tick is due one period
// after that, which is exactly when the real first tick is due. The extra tick comes on
// the worker's first poll, when its batch is always empty, and writing an empty batch
// writes nothing. No test can tell the two apart: the mutant is equivalent.
#[tokio::test(start_paused = true)]
async fn flushes_a_partial_batch_every_interval() {
    let start = Instant::now();
    let written = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&written);
    // Records each batch with the simulated time, in milliseconds, at which it was written.
    let sink = move |batch: Vec<u32>| {
        seen.lock()
            .unwrap()
            .push((start.elapsed().as_millis(), batch));
    };
    let config = Config {
        batch_size: 3,
        flush_interval: Duration::from_secs(1),
        buffer: 16,
    };
    let observer = Observer::new(config, sink);
    let at = |ms| start + Duration::from_millis(ms);
    let written = move || written.lock().unwrap().clone();

    for i in 0..5 {
        observer.log(i).await.unwrap();
    }
    time::sleep_until(at(999)).await;
    assert_eq!(written(), [(0, vec![0, 1, 2])]); // full at once; 3 and 4 wait for a tick

    time::sleep_until(at(2500)).await;
    assert_eq!(written(), [(0, vec![0, 1, 2]), (1000, vec![3, 4])]); // nothing at 2000

    observer.log(5).await.unwrap();
    time::sleep_until(at(3500)).await;
    let expected = [(0, vec![0, 1, 2]), (1000, vec![3, 4]), (3000, vec![5])];
    assert_eq!(written(), expected);

    observer.close().await.unwrap();
    assert_eq!(written(), expected);
    assert_eq!(start.elapsed(), Duration::from_millis(3500)); // close took no time
}

#[tokio::test(start_paused = true)]
async fn log_after_close_is_an_error() {
    let (written, sink) = recorder();
    let observer = Observer::new(
        Config {
            buffer: 1,
            ..Config::default()
        },
        sink,
    );
    observer.log(1).await.unwrap();
    observer.close().await.unwrap();
    // On the paused clock a blocked call reaches this timeout at once, and the test fails.
    let limit = Duration::from_secs(5);
    let log = time::timeout(limit, observer.log(2)).await;
    assert_eq!(log.expect("log blocked after close"), Err(Error::Closed));
    let flush = time::timeout(limit, observer.flush()).await;
    assert_eq!(
        flush.expect("flush blocked after close"),
        Err(Error::Closed)
    );
    assert_eq!(entries(&written), [1]);
}

#[tokio::test(start_paused = true)]
async fn second_close_waits_for_the_drain() {
    let (written, sink, entered, release) = gated();
    let observer = Observer::new(
        Config {
            batch_size: 1,
            ..Config::default()
        },
        sink,
    );
    for i in 0..3 {
        observer.log(i).await.unwrap();
    }
    within("the sink was entered", entered).await.unwrap();
    // Each call reports what the sink holds at the moment it returns.
    let close = || async { (observer.close().await, entries(&written)) };
    let first = close();
    let second = close();
    tokio::pin!(first, second);
    assert!(poll!(&mut first).is_pending());
    assert!(
        poll!(&mut second).is_pending(),
        "the second close did not wait"
    );
    release.send(()).unwrap();
    let (first, second) = within("both closes", async { tokio::join!(first, second) }).await;
    assert_eq!(first, (Ok(()), vec![0, 1, 2]));
    assert_eq!(second, (Ok(()), vec![0, 1, 2]));
    assert_eq!(observer.close().await, Ok(())); // and again, later
}

#[tokio::test(start_paused = true)]
async fn a_close_that_gives_up_leaves_the_wait_to_the_next() {
    let (written, sink, entered, release) = gated();
    let observer = Observer::new(
        Config {
            batch_size: 1,
            ..Config::default()
        },
        sink,
    );
    for i in 0..3 {
        observer.log(i).await.unwrap();
    }
    within("the sink was entered", entered).await.unwrap();
    // The sink is stuck, so this close gives up after one second of simulated time.
    let gave_up = time::timeout(Duration::from_secs(1), observer.close()).await;
    assert!(gave_up.is_err());
    release.send(()).unwrap();
    assert_eq!(within("the next close", observer.close()).await, Ok(()));
    assert_eq!(entries(&written), [0, 1, 2]);
}

#[test]
fn close_from_two_threads_at_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for _ in 0..50 {
        let (written, sink) = recorder();
        let observer = {
            let _inside = runtime.enter();
            Observer::new(
                Config {
                    batch_size: 7,
                    buffer: 100,
                    ..Config::default()
                },
                sink,
            )
        };
        runtime.block_on(async {
            for i in 0..100 {
                observer.log(i).await.unwrap();
            }
        });
        let barrier = Barrier::new(2);
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    barrier.wait();
                    assert_eq!(runtime.block_on(observer.close()), Ok(()));
                    // Whichever call returns first, the drain is already complete.
                    assert_eq!(entries(&written), (0..100).collect::<Vec<_>>());
                });
            }
        });
    }
}

#[tokio::test]
async fn drop_still_delivers_everything() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let sink = move |batch: Vec<u32>| tx.send(batch).unwrap();
    let observer = Observer::new(
        Config {
            batch_size: 10,
            buffer: 64,
            ..Config::default()
        },
        sink,
    );
    for i in 0..50 {
        observer.log(i).await.unwrap();
    }
    drop(observer); // no close
    // The worker drops the sink, and `tx` with it, when it returns: that ends this loop.
    let mut received = Vec::new();
    while let Some(batch) = rx.recv().await {
        received.extend(batch);
    }
    assert_eq!(received, (0..50).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_panicking_sink_is_reported() {
    let observer = Observer::new(Config::default(), |_batch: Vec<u32>| panic!("disk full"));
    observer.log(1).await.unwrap();
    // The worker panics writing the batch: the task ends, and tokio keeps the panic.
    assert_eq!(observer.flush().await, Err(Error::WorkerDied));
    // Its buffer went with it: logging fails at once instead of waiting forever.
    assert_eq!(observer.log(2).await, Err(Error::WorkerDied));
    assert_eq!(observer.close().await, Err(Error::WorkerDied));
    assert_eq!(observer.close().await, Err(Error::WorkerDied));
    assert_eq!(observer.log(3).await, Err(Error::Closed));
}

#[test]
fn errors_say_what_went_wrong() {
    assert_eq!(Error::Closed.to_string(), "the observer is closed");
    assert_eq!(
        Error::WorkerDied.to_string(),
        "the observer's worker stopped early"
    );
}

#[tokio::test]
async fn close_leaves_no_task_behind() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let observer = Observer::new(Config::default(), |_batch: Vec<u32>| {});
    observer.log(1).await.unwrap();
    // Tokio counts a task from its spawn, so this only shows that the count sees the
    // worker; the claim is the zero after `close`.
    assert_eq!(metrics.num_alive_tasks(), 1);
    observer.close().await.unwrap();
    assert_eq!(metrics.num_alive_tasks(), 0);
}

// Random operation sequences: each producer task runs its own list of operations while a
// closer task closes the observer at a random moment.

#[derive(Debug, Clone)]
enum Op {
    Log,
    Flush,
    Sleep(u64),
    Yield,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Log),
        1 => Just(Op::Flush),
        1 => (1u64..30).prop_map(Op::Sleep),
        1 => Just(Op::Yield),
    ]
}

/// Waits `ms` simulated milliseconds on the paused clock, or yields `ms % 4` times.
async fn pause(ms: u64, paused: bool) {
    if paused {
        time::sleep(Duration::from_millis(ms)).await;
    } else {
        for _ in 0..ms % 4 {
            task::yield_now().await;
        }
    }
}

async fn check_no_loss(config: Config, producers: Vec<Vec<Op>>, close_after: u64, paused: bool) {
    let batch_size = config.batch_size;
    let (written, sink) = recorder::<(usize, usize)>();
    let observer = Arc::new(Observer::new(config, sink));
    let mut tasks = JoinSet::new();
    for (producer, ops) in producers.into_iter().enumerate() {
        let observer = Arc::clone(&observer);
        let written = Arc::clone(&written);
        tasks.spawn(async move {
            let mut accepted = Vec::new();
            for (seq, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Log => match observer.log((producer, seq)).await {
                        Ok(()) => accepted.push((producer, seq)),
                        Err(e) => assert_eq!(e, Error::Closed),
                    },
                    Op::Flush => match observer.flush().await {
                        Ok(()) => {
                            let all = entries(&written);
                            assert!(accepted.iter().all(|e| all.contains(e)), "flush missed");
                        }
                        Err(e) => assert_eq!(e, Error::Closed),
                    },
                    Op::Sleep(ms) => pause(ms, paused).await,
                    Op::Yield => task::yield_now().await,
                }
            }
            accepted
        });
    }
    let closer = {
        let observer = Arc::clone(&observer);
        let written = Arc::clone(&written);
        tokio::spawn(async move {
            pause(close_after, paused).await;
            observer.close().await.unwrap();
            entries(&written).len()
        })
    };
    let mut accepted = Vec::new();
    while let Some(result) = tasks.join_next().await {
        accepted.extend(result.unwrap());
    }
    let written_when_closed = closer.await.unwrap();

    let batches = written.lock().unwrap().clone();
    assert!(
        batches
            .iter()
            .all(|b| !b.is_empty() && b.len() <= batch_size)
    );
    let delivered: Vec<_> = batches.concat();
    assert_eq!(
        delivered.len(),
        written_when_closed,
        "written after close returned"
    );
    // Each producer's entries arrive in the order it logged them...
    for producer in 0..4 {
        let seqs: Vec<_> = delivered.iter().filter(|e| e.0 == producer).collect();
        assert!(seqs.windows(2).all(|w| w[0].1 < w[1].1), "out of order");
    }
    // ...and exactly the accepted entries arrive, each once.
    let mut delivered = delivered;
    delivered.sort();
    accepted.sort();
    assert_eq!(delivered, accepted);
}

fn configs() -> impl Strategy<Value = Config> {
    (1usize..6, 1usize..6, 1u64..40).prop_map(|(batch_size, buffer, ms)| Config {
        batch_size,
        buffer,
        flush_interval: Duration::from_millis(ms),
    })
}

fn producers() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 0..=20), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One thread, simulated time: the interleavings come from the random sleeps and yields.
    #[test]
    fn no_entry_is_lost(config in configs(), producers in producers(), close_after in 0u64..60) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(check_no_loss(config, producers, close_after, true));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Two worker threads: the producers, the closer and the worker run in parallel.
    #[test]
    fn no_entry_is_lost_across_threads(
        config in configs(),
        producers in producers(),
        close_after in 0u64..60,
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(check_no_loss(config, producers, close_after, false));
    }
}
