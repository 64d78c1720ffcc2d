// Threads vs tasks, measured: spawn cost, memory per parked unit, message round trip and
// how many can be parked at once, for std threads and tokio tasks on both runtimes.
// Run: `cargo run --release -p ch01-20-threads-vs-tasks-bench` (prints a Markdown table);
// `BENCH_QUICK=1` runs tiny counts with the same rows, for the book's tests.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::{Notify, mpsc};

// ---------------------------------------------------------------------------------------
// A global allocator that counts the bytes currently allocated, so that we can see what a
// parked task or thread holds on the heap. RSS would not do: after earlier frees the
// allocator reuses pages it already has, and RSS barely moves.

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

struct CountingAllocator;

// SAFETY: both methods hand the request, unchanged, to `System`, which upholds the
// `GlobalAlloc` contract; the only addition is an atomic counter, which never allocates.
// (`realloc` and `alloc_zeroed` keep their default bodies, which call these two.)
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: our caller meets `alloc`'s requirements; we pass them on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is, from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------
// How much work each measurement does.

struct Counts {
    repetitions: usize,
    thread_spawns: u32,
    task_spawns: u32,
    batch: u32,
    thread_round_trips: u32,
    task_round_trips: u32,
    parked_threads: usize,
    parked_tasks: usize,
}

const FULL: Counts = Counts {
    repetitions: 7,
    thread_spawns: 2_000,
    task_spawns: 200_000,
    batch: 1_000,
    thread_round_trips: 5_000,
    task_round_trips: 200_000,
    parked_threads: 2_000,
    parked_tasks: 100_000,
};

const QUICK: Counts = Counts {
    repetitions: 3,
    thread_spawns: 20,
    task_spawns: 1_000,
    batch: 10,
    thread_round_trips: 100,
    task_round_trips: 1_000,
    parked_threads: 20,
    parked_tasks: 1_000,
};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn median_of(repetitions: usize, mut run: impl FnMut() -> Duration) -> Duration {
    median((0..repetitions).map(|_| run()).collect())
}

// ---------------------------------------------------------------------------------------
// Threads.

fn thread_spawn_join(n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        thread::spawn(|| {}).join().expect("thread panicked");
    }
    start.elapsed() / n
}

fn thread_spawn_batch(n: u32, batch: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n / batch {
        let handles: Vec<_> = (0..batch).map(|_| thread::spawn(|| {})).collect();
        for handle in handles {
            handle.join().expect("thread panicked");
        }
    }
    start.elapsed() / (n / batch * batch)
}

fn thread_round_trip(n: u32) -> Duration {
    // Capacity 0: every `send` waits until the other thread receives, like an unbuffered
    // Go channel.
    let (to_pong, pong_inbox) = sync_channel::<u32>(0);
    let (to_ping, ping_inbox) = sync_channel::<u32>(0);
    let pong = thread::spawn(move || {
        for message in pong_inbox {
            to_ping.send(message).expect("ping hung up");
        }
    });

    let round_trip = |i| {
        to_pong.send(i).expect("pong hung up");
        assert_eq!(ping_inbox.recv().expect("pong hung up"), i);
    };
    round_trip(0); // warm-up: the pong thread is running from here on
    let start = Instant::now();
    for i in 0..n {
        round_trip(i);
    }
    let elapsed = start.elapsed();

    drop(to_pong); // ends the pong thread's loop
    pong.join().expect("pong panicked");
    elapsed / n
}

struct Parked {
    wanted: usize,
    alive: usize,
    heap_bytes: isize,
    resident_bytes: Option<isize>, // threads only: growth of RSS, mostly stack pages
    error: Option<String>,
}

/// Resident memory of this process, read from the page tables (Linux only). For thread
/// stacks this is the right measure, unlike for the heap: each stack is a fresh mapping,
/// and only the pages a thread has touched are resident.
fn resident_bytes() -> Option<isize> {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Rss:"))?;
    let kib: isize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[derive(Default)]
struct ThreadGate {
    state: Mutex<GateState>,
    arrived: Condvar,
    opened: Condvar,
}

#[derive(Default)]
struct GateState {
    parked: usize,
    open: bool,
}

fn park_threads(n: usize) -> Parked {
    let gate = Arc::new(ThreadGate::default());
    let mut handles = Vec::with_capacity(n);
    let resident_before = resident_bytes();
    let before = live_bytes();

    let mut error = None;
    for _ in 0..n {
        let gate = Arc::clone(&gate);
        let spawned = thread::Builder::new().spawn(move || {
            let mut state = gate.state.lock().unwrap();
            state.parked += 1;
            gate.arrived.notify_one();
            while !state.open {
                state = gate.opened.wait(state).unwrap();
            }
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }

    let mut state = gate.state.lock().unwrap();
    while state.parked < handles.len() {
        state = gate.arrived.wait(state).unwrap();
    }
    let heap_bytes = live_bytes() - before;
    let resident_bytes = resident_before.zip(resident_bytes()).map(|(b, a)| a - b);
    state.open = true;
    gate.opened.notify_all();
    drop(state);

    let alive = handles.len();
    for handle in handles {
        handle.join().expect("thread panicked");
    }
    Parked {
        wanted: n,
        alive,
        heap_bytes,
        resident_bytes,
        error,
    }
}

/// The stack each `std::thread::spawn` reserves: `RUST_MIN_STACK` if set, else 2 MiB.
fn thread_stack_size() -> usize {
    std::env::var("RUST_MIN_STACK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2 * 1024 * 1024)
}

// ---------------------------------------------------------------------------------------
// Tasks. Each measurement runs inside a spawned task, as a real program's would; `block_on`
// only waits for its result.

fn on_runtime<F>(runtime: &Runtime, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime
        .block_on(runtime.spawn(future))
        .expect("task panicked")
}

async fn task_spawn_await(n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        tokio::spawn(async {}).await.expect("task panicked");
    }
    start.elapsed() / n
}

async fn task_spawn_batch(n: u32, batch: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n / batch {
        let handles: Vec<_> = (0..batch).map(|_| tokio::spawn(async {})).collect();
        for handle in handles {
            handle.await.expect("task panicked");
        }
    }
    start.elapsed() / (n / batch * batch)
}

async fn task_round_trip(n: u32) -> Duration {
    // Capacity 1, the smallest a tokio mpsc channel allows. This task is `ping`; `pong`
    // is a second spawned task.
    let (to_pong, mut pong_inbox) = mpsc::channel::<u32>(1);
    let (to_ping, mut ping_inbox) = mpsc::channel::<u32>(1);
    let pong = tokio::spawn(async move {
        while let Some(message) = pong_inbox.recv().await {
            to_ping.send(message).await.expect("ping hung up");
        }
    });

    to_pong.send(0).await.expect("pong hung up"); // warm-up
    ping_inbox.recv().await.expect("pong hung up");
    let start = Instant::now();
    for i in 0..n {
        to_pong.send(i).await.expect("pong hung up");
        assert_eq!(ping_inbox.recv().await, Some(i));
    }
    let elapsed = start.elapsed();

    drop(to_pong);
    pong.await.expect("pong panicked");
    elapsed / n
}

#[derive(Default)]
struct TaskGate {
    parked: AtomicUsize,
    all_parked: Notify,
    open: Notify,
}

async fn park_tasks(n: usize) -> Parked {
    let gate = Arc::new(TaskGate::default());
    let mut handles = Vec::with_capacity(n);
    let before = live_bytes();

    for _ in 0..n {
        let gate = Arc::clone(&gate);
        handles.push(tokio::spawn(async move {
            let mut opened = pin!(gate.open.notified());
            // Register as a waiter before saying "parked", so `notify_waiters` can't miss us.
            opened.as_mut().enable();
            if gate.parked.fetch_add(1, Ordering::SeqCst) + 1 == n {
                gate.all_parked.notify_one();
            }
            opened.await;
        }));
    }

    gate.all_parked.notified().await;
    let heap_bytes = live_bytes() - before;
    gate.open.notify_waiters();
    for handle in handles {
        handle.await.expect("task panicked");
    }
    Parked {
        wanted: n,
        alive: n,
        heap_bytes,
        resident_bytes: None,
        error: None,
    }
}

struct TaskFigures {
    spawn: Duration,
    batch: Duration,
    round_trip: Duration,
    parked: Parked,
}

fn measure_tasks(runtime: &Runtime, counts: &Counts) -> TaskFigures {
    let (spawns, batch, trips) = (counts.task_spawns, counts.batch, counts.task_round_trips);
    TaskFigures {
        spawn: median_of(counts.repetitions, || {
            on_runtime(runtime, task_spawn_await(spawns))
        }),
        batch: median_of(counts.repetitions, || {
            on_runtime(runtime, task_spawn_batch(spawns, batch))
        }),
        round_trip: median_of(counts.repetitions, || {
            on_runtime(runtime, task_round_trip(trips))
        }),
        parked: on_runtime(runtime, park_tasks(counts.parked_tasks)),
    }
}

// ---------------------------------------------------------------------------------------
// Printing.

fn time(d: Duration) -> String {
    let ns = d.as_nanos();
    let us = d.as_secs_f64() * 1e6;
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..10_000 => format!("{us:.2} µs"),
        10_000..100_000 => format!("{us:.1} µs"),
        _ => format!("{us:.0} µs"),
    }
}

fn bytes(b: f64) -> String {
    const KIB: f64 = 1024.0;
    if b < KIB {
        format!("{b:.0} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

/// 100000 -> "100 000"
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn per_unit(total: isize, p: &Parked) -> String {
    bytes(total as f64 / p.alive.max(1) as f64)
}

fn thread_memory_cell(p: &Parked) -> String {
    let stack = thread_stack_size() as f64 / (1024.0 * 1024.0);
    let resident = match p.resident_bytes {
        Some(rss) => format!(", {} of it resident", per_unit(rss, p)),
        None => String::new(),
    };
    format!(
        "{stack} MiB stack reserved{resident}; {} heap",
        per_unit(p.heap_bytes, p)
    )
}

fn parked_cell(p: &Parked) -> String {
    match &p.error {
        None => format!(
            "{} parked: {} heap",
            count(p.alive),
            bytes(p.heap_bytes as f64)
        ),
        Some(e) => format!("{} of {} spawned ({e})", count(p.alive), count(p.wanted)),
    }
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
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
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

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let c = if quick { &QUICK } else { &FULL };

    // Threads first, while no runtime's worker threads exist; parking first of all, so
    // that no stacks of exited threads are cached for reuse (they would hide resident
    // memory).
    let threads_parked = park_threads(c.parked_threads);
    let thread_spawn = median_of(c.repetitions, || thread_spawn_join(c.thread_spawns));
    let thread_batch = median_of(c.repetitions, || {
        thread_spawn_batch(c.thread_spawns, c.batch)
    });
    let thread_trip = median_of(c.repetitions, || thread_round_trip(c.thread_round_trips));

    let multi = Builder::new_multi_thread().enable_all().build().unwrap();
    let workers = multi.metrics().num_workers();
    let mt = measure_tasks(&multi, c);
    drop(multi);

    let current = Builder::new_current_thread().enable_all().build().unwrap();
    let ct = measure_tasks(&current, c);
    drop(current);

    let row = |label: &str, cells: [String; 3]| {
        println!("| {label} | {} | {} | {} |", cells[0], cells[1], cells[2]);
    };
    println!(
        "| measure | std thread | tokio task, multi_thread ({workers} workers) | tokio task, current_thread |"
    );
    println!("|---|---|---|---|");
    row(
        "spawn + run to completion, one at a time",
        [time(thread_spawn), time(mt.spawn), time(ct.spawn)],
    );
    row(
        "spawn + run to completion, in batches (per unit)",
        [time(thread_batch), time(mt.batch), time(ct.batch)],
    );
    row(
        "memory per parked unit",
        [
            thread_memory_cell(&threads_parked),
            format!("{} heap", per_unit(mt.parked.heap_bytes, &mt.parked)),
            format!("{} heap", per_unit(ct.parked.heap_bytes, &ct.parked)),
        ],
    );
    row(
        "message round trip (ping-pong)",
        [
            format!("{} (`sync_channel(0)`)", time(thread_trip)),
            format!("{} (`mpsc`, capacity 1)", time(mt.round_trip)),
            format!("{} (`mpsc`, capacity 1)", time(ct.round_trip)),
        ],
    );
    row(
        "parked at once",
        [
            parked_cell(&threads_parked),
            parked_cell(&mt.parked),
            parked_cell(&ct.parked),
        ],
    );
    println!();
    println!(
        "Times: median of {} runs. A run is {} thread spawns or {} task spawns (in batches of {} \
         for the second row), or {} round trips between threads or {} between tasks. \
         Heap: live bytes counted by the global allocator. Stack: reserved is configuration \
         (`RUST_MIN_STACK`, default 2 MiB); resident is how much the process's RSS grew while \
         the threads were parked.",
        c.repetitions,
        count(c.thread_spawns as usize),
        count(c.task_spawns as usize),
        count(c.batch as usize),
        count(c.thread_round_trips as usize),
        count(c.task_round_trips as usize),
    );
    println!();
    println!("{}", machine());
}
