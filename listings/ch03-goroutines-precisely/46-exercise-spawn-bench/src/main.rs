// Exercise 4: time spawning. "Spawn only" is the shape of the Go guide's benchmark, which
// times the `go` statement and never waits for the goroutine; "spawn and wait" also
// counts running the unit to its end. The work left over is drained outside the timing.
// Run: `cargo run --release -p ch03-46-exercise-spawn-bench`; `BENCH_QUICK=1` for a tiny run.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::Notify;

/// Counts finished units; wakes the waiter when the last one is done.
struct Finished {
    count: AtomicUsize,
    target: usize,
    all_done: Notify,
}

impl Finished {
    fn new(target: usize) -> Arc<Finished> {
        Arc::new(Finished {
            count: AtomicUsize::new(0),
            target,
            all_done: Notify::new(),
        })
    }
    fn one_more(&self) {
        if self.count.fetch_add(1, Ordering::SeqCst) + 1 == self.target {
            self.all_done.notify_one(); // stores a permit if nobody waits yet
        }
    }
}

/// `tokio::spawn` with the handle dropped, like `go func() {}()`; then drain, untimed.
async fn tasks_spawn_only(n: usize) -> Duration {
    let finished = Finished::new(n);
    let start = Instant::now();
    for _ in 0..n {
        let finished = Arc::clone(&finished);
        tokio::spawn(async move { finished.one_more() });
    }
    let spawning = start.elapsed();
    finished.all_done.notified().await;
    spawning / n as u32
}

async fn tasks_spawn_and_wait(n: usize) -> Duration {
    let finished = Finished::new(n);
    let start = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let finished = Arc::clone(&finished);
            tokio::spawn(async move { finished.one_more() })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
    start.elapsed() / n as u32
}

fn threads_spawn_only(n: usize) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..n).map(|_| thread::spawn(|| {})).collect();
    let spawning = start.elapsed();
    for handle in handles {
        handle.join().unwrap(); // drained outside the timing
    }
    spawning / n as u32
}

fn threads_spawn_and_wait(n: usize) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..n).map(|_| thread::spawn(|| {})).collect();
    for handle in handles {
        handle.join().unwrap();
    }
    start.elapsed() / n as u32
}

#[derive(Clone, Copy)]
enum Shape {
    SpawnOnly,
    SpawnAndWait,
}

/// Times `n` task spawns of the given shape, inside a task spawned on `runtime`.
fn tasks(runtime: &Runtime, shape: Shape, n: usize) -> Duration {
    let measured = match shape {
        Shape::SpawnOnly => runtime.block_on(runtime.spawn(tasks_spawn_only(n))),
        Shape::SpawnAndWait => runtime.block_on(runtime.spawn(tasks_spawn_and_wait(n))),
    };
    measured.unwrap()
}

fn threads(shape: Shape, n: usize) -> Duration {
    match shape {
        Shape::SpawnOnly => threads_spawn_only(n),
        Shape::SpawnAndWait => threads_spawn_and_wait(n),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(d: Duration) -> String {
    match d.as_nanos() {
        ns @ 0..1_000 => format!("{ns} ns"),
        _ => format!("{:.1} µs", d.as_secs_f64() * 1e6),
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
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    format!(
        "Machine: {cpu}, {cores} cores (available_parallelism), {} {}, {profile} build.",
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let (runs, task_count, thread_count) = if quick {
        (3, 1_000, 20)
    } else {
        (7, 100_000, 1_000)
    };
    let multi = Builder::new_multi_thread().enable_all().build().unwrap();
    let current = Builder::new_current_thread().enable_all().build().unwrap();
    let median_of = |f: &dyn Fn() -> Duration| median((0..runs).map(|_| f()).collect());

    println!("| per unit | tokio task, multi_thread | tokio task, current_thread | std thread |");
    println!("|---|---|---|---|");
    for (label, shape) in [
        ("spawn only (the Go benchmark's shape)", Shape::SpawnOnly),
        ("spawn and wait until it has finished", Shape::SpawnAndWait),
    ] {
        println!(
            "| {label} | {} | {} | {} |",
            time(median_of(&|| tasks(&multi, shape, task_count))),
            time(median_of(&|| tasks(&current, shape, task_count))),
            time(median_of(&|| threads(shape, thread_count))),
        );
    }
    println!();
    println!("Median of {runs} runs of {task_count} tasks or {thread_count} threads.");
    println!();
    println!("{}", machine());
}
