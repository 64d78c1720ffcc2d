// Many at once: parks 10 000 std threads (default 2 MiB stack, then 64 KiB) and
// 1 000 000 tokio tasks, and reports time and memory per unit for each.
// Run: `cargo run --release -p ch03-27-million-tasks-bench` (prints a Markdown table);
// `BENCH_QUICK=1` runs tiny counts with the same rows, for a quick try.

use std::alloc::System;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cap::Cap;
use tokio::sync::Notify;

// The global allocator: the system's, wrapped by the `cap` crate so that it counts the
// bytes currently allocated.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn heap_bytes() -> isize {
    ALLOCATOR.allocated() as isize
}

/// Resident memory of the whole process (Linux only): heap pages and stack pages alike.
fn resident_bytes() -> Option<isize> {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Rss:"))?;
    let kib: isize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// What one run measured: `parked` units alive at once, and what it took.
struct Figures {
    wanted: usize,
    parked: usize,
    spawn: Duration, // spawning all of them, until each has started and parked
    heap: isize,
    resident: Option<isize>,
    finish: Duration, // waking all of them and waiting until each has finished
    error: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Threads: each one parks on a condition variable until main opens the gate.

#[derive(Default)]
struct Gate {
    state: Mutex<(usize, bool)>, // (threads parked, gate open)
    arrived: Condvar,
    opened: Condvar,
}

fn park_threads(n: usize, stack: Option<usize>) -> Figures {
    let gate = Arc::new(Gate::default());
    let mut handles = Vec::with_capacity(n);
    let (heap_before, resident_before) = (heap_bytes(), resident_bytes());
    let start = Instant::now();
    let mut error = None;
    for _ in 0..n {
        let gate = Arc::clone(&gate);
        let mut builder = thread::Builder::new();
        if let Some(size) = stack {
            builder = builder.stack_size(size);
        }
        let spawned = builder.spawn(move || {
            let mut state = gate.state.lock().unwrap();
            state.0 += 1;
            gate.arrived.notify_one();
            while !state.1 {
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
    while state.0 < handles.len() {
        state = gate.arrived.wait(state).unwrap();
    }
    let spawn = start.elapsed();
    let heap = heap_bytes() - heap_before;
    let resident = resident_before.zip(resident_bytes()).map(|(b, a)| a - b);

    let start = Instant::now();
    state.1 = true;
    gate.opened.notify_all();
    drop(state);
    let parked = handles.len();
    for handle in handles {
        handle.join().expect("thread panicked");
    }
    Figures {
        wanted: n,
        parked,
        spawn,
        heap,
        resident,
        finish: start.elapsed(),
        error,
    }
}

// ---------------------------------------------------------------------------------------
// Tasks: each one waits on a `Notify` until main wakes them all. The measurement runs in
// a spawned task, as a real program's would.

async fn park_tasks(n: usize) -> Figures {
    let parked = Arc::new(AtomicUsize::new(0));
    let all_parked = Arc::new(Notify::new());
    let open = Arc::new(Notify::new());
    let mut handles = Vec::with_capacity(n);
    let (heap_before, resident_before) = (heap_bytes(), resident_bytes());
    let start = Instant::now();
    for _ in 0..n {
        let (parked, all_parked, open) = (parked.clone(), all_parked.clone(), open.clone());
        handles.push(tokio::spawn(async move {
            let mut opened = pin!(open.notified());
            opened.as_mut().enable(); // a waiter from here on: `notify_waiters` can't miss it
            if parked.fetch_add(1, Ordering::SeqCst) + 1 == n {
                all_parked.notify_one();
            }
            opened.await;
        }));
    }
    all_parked.notified().await;
    let spawn = start.elapsed();
    let heap = heap_bytes() - heap_before;
    let resident = resident_before.zip(resident_bytes()).map(|(b, a)| a - b);

    let start = Instant::now();
    open.notify_waiters();
    for handle in handles {
        handle.await.expect("task panicked");
    }
    Figures {
        wanted: n,
        parked: n,
        spawn,
        heap,
        resident,
        finish: start.elapsed(),
        error: None,
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
    if b.abs() < KIB {
        format!("{b:.0} B")
    } else if b.abs() < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

/// 1000000 -> "1 000 000"
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
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let kib: f64 = info
                .lines()
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some(format!(", {:.0} GiB RAM", kib / (1024.0 * 1024.0)))
        })
        .unwrap_or_default();
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
        "Machine: {cpu}, {cores} cores (available_parallelism){memory}, {} {}, {rustc}, {profile} build.",
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let (threads, tasks) = if quick {
        (20, 1_000)
    } else {
        (10_000, 1_000_000)
    };
    const SMALL_STACK: usize = 64 * 1024;

    // The default stack is 2 MiB unless RUST_MIN_STACK (in bytes) says otherwise.
    let default_stack = std::env::var("RUST_MIN_STACK")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(2 * 1024 * 1024);

    // Threads first, before any runtime's worker threads exist.
    let big = park_threads(threads, None);
    let small = park_threads(threads, Some(SMALL_STACK));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let workers = runtime.metrics().num_workers();
    let million = runtime
        .block_on(runtime.spawn(park_tasks(tasks)))
        .expect("task panicked");
    drop(runtime);

    let columns = [&big, &small, &million];
    let per = |f: &Figures, total: f64| total / f.parked.max(1) as f64;
    let row = |label: &str, cell: &dyn Fn(&Figures) -> String| {
        let cells: Vec<String> = columns.iter().map(|f| cell(f)).collect();
        println!("| {label} | {} |", cells.join(" | "));
    };

    println!(
        "| measure | std thread, {} stack (default) | std thread, {} stack (`stack_size`) | tokio task, multi_thread ({workers} workers) |",
        bytes(default_stack as f64),
        bytes(SMALL_STACK as f64),
    );
    println!("|---|---|---|---|");
    println!(
        "| stack reserved per unit | {} | {} | none: the task's state is one heap allocation |",
        bytes(default_stack as f64),
        bytes(SMALL_STACK as f64)
    );
    row("parked at once", &|f| match &f.error {
        None => count(f.parked),
        Some(e) => format!("{} of {} ({e})", count(f.parked), count(f.wanted)),
    });
    row("spawn until parked, per unit", &|f| {
        time(f.spawn / f.parked.max(1) as u32)
    });
    row("heap per parked unit (counting allocator)", &|f| {
        bytes(per(f, f.heap as f64))
    });
    row(
        "resident memory per parked unit (RSS growth)",
        &|f| match f.resident {
            Some(r) => bytes(per(f, r as f64)),
            None => "not measured (Linux only)".to_string(),
        },
    );
    row(
        "total resident memory while parked",
        &|f| match f.resident {
            Some(r) => bytes(r as f64),
            None => "not measured (Linux only)".to_string(),
        },
    );
    row("wake and finish, per unit", &|f| {
        time(f.finish / f.parked.max(1) as u32)
    });
    println!();
    println!(
        "Each column is one run: spawn every unit and wait until all of them are parked, \
         read the memory counters, then wake them all and wait until every one has finished. \
         Heap: live bytes counted by the global allocator. Resident: growth of the process's \
         RSS (`/proc/self/smaps_rollup`), which includes the stack pages a thread has touched \
         and the allocator's own overhead. Single runs: read the orders of magnitude."
    );
    println!();
    println!("{}", machine());
}
