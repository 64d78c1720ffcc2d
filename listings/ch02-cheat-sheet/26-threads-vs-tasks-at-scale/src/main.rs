// Measures what "a goroutine per item" costs in Rust at scale: 10 000 OS threads
// against 100 000 tokio tasks, all alive and waiting at the same time.
// Run: cargo run --release -p ch02-26-threads-vs-tasks-at-scale (prints a Markdown
// table); BENCH_QUICK=1 runs 100 threads and 1 000 tasks, same rows, for the tests.

use std::alloc::System;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use cap::Cap;

// ------------------------------------------------------------------------------------
// The global allocator: the system's, wrapped by the `cap` crate so that it counts the
// bytes currently allocated, that is, what the heap holds.

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn heap_bytes() -> isize {
    ALLOCATOR.allocated() as isize
}

// ------------------------------------------------------------------------------------
// What the kernel says about this process (Linux): /proc/self/status.

#[derive(Clone, Copy, Default)]
struct Process {
    resident_kib: Option<isize>, // VmRSS: memory actually in use
    reserved_kib: Option<isize>, // VmSize: address space mapped, used or not
    threads: Option<isize>,      // Threads: OS threads in this process
    mappings: Option<isize>,     // lines of /proc/self/maps: memory mappings
}

fn process() -> Process {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return Process::default();
    };
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Process {
        resident_kib: field("VmRSS:"),
        reserved_kib: field("VmSize:"),
        threads: field("Threads:"),
        mappings: std::fs::read_to_string("/proc/self/maps")
            .ok()
            .map(|maps| maps.lines().count() as isize),
    }
}

/// Everything measured for one kind of unit.
struct Figures {
    units: usize,
    start_all: Duration,
    finish_all: Duration,
    heap_bytes: isize,
    before: Process,
    during: Process,
}

// ------------------------------------------------------------------------------------
// The two contenders. Each unit starts, says so at a barrier, then waits at a second
// barrier until every unit has been counted, then ends.

fn threads(n: usize) -> Figures {
    let started = Arc::new(Barrier::new(n + 1)); // n units and the one counting them
    let release = Arc::new(Barrier::new(n + 1));
    let (before, heap_before) = (process(), heap_bytes());

    let t0 = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            thread::spawn(move || {
                started.wait();
                release.wait();
            })
        })
        .collect();
    started.wait(); // every thread is running
    let start_all = t0.elapsed();

    let during = process();
    let heap_bytes = heap_bytes() - heap_before;

    let t1 = Instant::now();
    release.wait();
    for handle in handles {
        handle.join().unwrap();
    }
    Figures {
        units: n,
        start_all,
        finish_all: t1.elapsed(),
        heap_bytes,
        before,
        during,
    }
}

async fn tasks(n: usize) -> Figures {
    use tokio::sync::Barrier;
    let started = Arc::new(Barrier::new(n + 1)); // n units and the one counting them
    let release = Arc::new(Barrier::new(n + 1));
    let (before, heap_before) = (process(), heap_bytes());

    let t0 = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            tokio::spawn(async move {
                started.wait().await;
                release.wait().await;
            })
        })
        .collect();
    started.wait().await; // every task is running
    let start_all = t0.elapsed();

    let during = process();
    let heap_bytes = heap_bytes() - heap_before;

    let t1 = Instant::now();
    release.wait().await;
    for handle in handles {
        handle.await.unwrap();
    }
    Figures {
        units: n,
        start_all,
        finish_all: t1.elapsed(),
        heap_bytes,
        before,
        during,
    }
}

// ------------------------------------------------------------------------------------
// Printing.

fn time(total: Duration, units: usize) -> String {
    let per_unit = total.as_secs_f64() * 1e6 / units as f64;
    format!(
        "{:.0} ms ({per_unit:.2} µs each)",
        total.as_secs_f64() * 1e3
    )
}

fn bytes(b: f64) -> String {
    const KIB: f64 = 1024.0;
    match b.abs() {
        x if x < KIB => format!("{b:.0} B"),
        x if x < KIB * KIB => format!("{:.1} KiB", b / KIB),
        x if x < KIB * KIB * KIB => format!("{:.1} MiB", b / (KIB * KIB)),
        _ => format!("{:.2} GiB", b / (KIB * KIB * KIB)),
    }
}

fn memory(total: isize, units: usize) -> String {
    format!(
        "{} ({} each)",
        bytes(total as f64),
        bytes(total as f64 / units as f64)
    )
}

fn grew(before: Option<isize>, during: Option<isize>, units: usize) -> String {
    match before.zip(during) {
        Some((b, d)) => memory((d - b) * 1024, units),
        None => "not available".to_string(),
    }
}

fn mappings(before: Option<isize>, during: Option<isize>, units: usize) -> String {
    match before.zip(during) {
        Some((b, d)) => format!(
            "{} ({:.2} each)",
            count((d - b).max(0) as usize),
            (d - b) as f64 / units as f64
        ),
        None => "not available".to_string(),
    }
}

/// 100000 -> "100 000"
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn read_trimmed(path: &str) -> String {
    let text = std::fs::read_to_string(path);
    text.map_or_else(|_| "?".to_string(), |s| s.trim().to_string())
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
        "Machine: {cpu}, {cores} cores (available_parallelism), {os} {arch}, {rustc}, \
         {profile} build.",
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
    )
}

/// Memory from the first run (later runs reuse pages and stacks the first one left
/// behind); times are the median of all runs.
fn summarize(mut runs: Vec<Figures>) -> Figures {
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let start_all = median(runs.iter().map(|f| f.start_all).collect());
    let finish_all = median(runs.iter().map(|f| f.finish_all).collect());
    let first = runs.swap_remove(0);
    Figures {
        start_all,
        finish_all,
        ..first
    }
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let (n_threads, n_tasks) = if quick {
        (100, 1_000)
    } else {
        (10_000, 100_000)
    };
    let runs = 3;

    // Threads first, while no runtime's worker threads exist.
    let th = summarize((0..runs).map(|_| threads(n_threads)).collect());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let workers = runtime.metrics().num_workers();
    let ta = summarize(
        (0..runs)
            .map(|_| runtime.block_on(runtime.spawn(tasks(n_tasks))).unwrap())
            .collect(),
    );
    drop(runtime);

    println!(
        "| measure | {} std threads | {} tokio tasks ({workers} worker threads) |",
        count(th.units),
        count(ta.units)
    );
    println!("|---|---|---|");
    let row = |label: &str, t: String, k: String| println!("| {label} | {t} | {k} |");
    row(
        "start all, until each one is running",
        time(th.start_all, th.units),
        time(ta.start_all, ta.units),
    );
    row(
        "heap allocated while all wait",
        memory(th.heap_bytes, th.units),
        memory(ta.heap_bytes, ta.units),
    );
    row(
        "resident memory growth (RSS) while all wait",
        grew(th.before.resident_kib, th.during.resident_kib, th.units),
        grew(ta.before.resident_kib, ta.during.resident_kib, ta.units),
    );
    row(
        "address space reserved (VmSize growth)",
        grew(th.before.reserved_kib, th.during.reserved_kib, th.units),
        grew(ta.before.reserved_kib, ta.during.reserved_kib, ta.units),
    );
    row(
        "memory mappings added (/proc/self/maps)",
        mappings(th.before.mappings, th.during.mappings, th.units),
        mappings(ta.before.mappings, ta.during.mappings, ta.units),
    );
    row(
        "OS threads in the process while all wait",
        th.during.threads.map_or("?".into(), |t| count(t as usize)),
        ta.during.threads.map_or("?".into(), |t| count(t as usize)),
    );
    row(
        "release all, until each one has finished",
        time(th.finish_all, th.units),
        time(ta.finish_all, ta.units),
    );
    println!();
    println!(
        "Times: median of {runs} runs. Memory: the first run. Heap: live bytes counted \
         by the global allocator. RSS, VmSize and mappings: /proc/self/status and \
         /proc/self/maps, before and while all units wait. Kernel limits here: \
         vm.max_map_count = {}, kernel.threads-max = {}.",
        read_trimmed("/proc/sys/vm/max_map_count"),
        read_trimmed("/proc/sys/kernel/threads-max"),
    );
    println!();
    println!("{}", machine());
}
