// Threads, tokio tasks and goroutines, measured: spawn cost, memory per parked unit, message
// round trip and how many can be parked at once (Go's figures come from `go/bench`).
// Run: `cargo run --release -p ch01-20-threads-vs-tasks-bench -- --svg chart.svg` (a table
// on stdout, a chart in chart.svg); `BENCH_QUICK=1` runs tiny counts with the same rows.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cap::Cap;
use plotters::prelude::*;
use tokio::runtime::{Builder, Runtime};
use tokio::sync::{Notify, mpsc};

// ---------------------------------------------------------------------------------------
// The global allocator: the system's, wrapped by the `cap` crate so that it counts the
// bytes currently allocated (one atomic add or subtract per call). That shows what a
// parked task or thread holds on the heap. RSS would not do: after earlier frees the
// allocator reuses pages it already has, and RSS barely moves.

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

fn live_bytes() -> isize {
    ALLOCATOR.allocated() as isize
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
// Goroutines: the Go program in `go/bench` at the root of the book's repository runs the
// same loops with the same counts, and prints one "name value" line per figure.

struct GoFigures {
    spawn: Duration,
    batch: Duration,
    round_trip: Duration,
    parked: usize,
    heap_bytes: isize, // live heap objects, from runtime.MemStats after a collection
    stack_bytes: isize, // goroutine stacks in use, from runtime.MemStats
    version: String,
    gomaxprocs: String,
}

impl GoFigures {
    fn per_goroutine(&self) -> f64 {
        (self.heap_bytes + self.stack_bytes) as f64 / self.parked.max(1) as f64
    }
}

/// `go/bench`, found from where this crate was built (or `GO_BENCH_DIR`). A copy of the
/// listing on its own has no Go program beside it, and measures Rust only.
fn go_bench_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("GO_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(option_env!("CARGO_MANIFEST_DIR")?).join("../../../go/bench"),
    };
    dir.join("go.mod").is_file().then_some(dir)
}

/// Runs `go/bench` with our counts. `Err` says why Go could not be measured here; a Go
/// program that is there but fails is a bug in the book, and stops the benchmark.
fn measure_go(c: &Counts) -> Result<GoFigures, String> {
    let dir = go_bench_dir().ok_or("no `go/bench` beside this listing")?;
    let out = Command::new("go")
        .args(["run", "."])
        .args(["-reps", &c.repetitions.to_string()])
        .args(["-spawns", &c.task_spawns.to_string()])
        .args(["-batch", &c.batch.to_string()])
        .args(["-trips", &c.task_round_trips.to_string()])
        .args(["-parked", &c.parked_tasks.to_string()])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("`go` could not be run ({e})"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "`go run` in {} failed ({}):\n{}",
        dir.display(),
        out.status,
        stderr.trim()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    Ok(parse_go(&stdout).unwrap_or_else(|e| panic!("{e}; the Go program printed:\n{stdout}")))
}

fn parse_go(stdout: &str) -> Result<GoFigures, String> {
    let lines: HashMap<&str, &str> = stdout
        .lines()
        .filter_map(|line| line.split_once(' '))
        .collect();
    let get = |name: &str| {
        lines
            .get(name)
            .map(|v| v.to_string())
            .ok_or(format!("the Go program printed no `{name}`"))
    };
    let number = |name: &str| {
        get(name)?
            .parse::<f64>()
            .map_err(|e| format!("`{name}`: {e}"))
    };
    let nanos = |name: &str| number(name).map(|ns| Duration::from_secs_f64(ns / 1e9));
    Ok(GoFigures {
        spawn: nanos("spawn_ns")?,
        batch: nanos("batch_ns")?,
        round_trip: nanos("round_trip_ns")?,
        parked: number("parked")? as usize,
        heap_bytes: number("parked_heap_bytes")? as isize,
        stack_bytes: number("parked_stack_bytes")? as isize,
        version: get("go_version")?,
        gomaxprocs: get("gomaxprocs")?,
    })
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
        if i > 0 && (digits.len() - i) % 3 == 0 {
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

/// How busy the machine is: its 1-minute load average (Linux).
fn load_average() -> Option<String> {
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    loadavg.split_whitespace().next().map(str::to_string)
}

fn machine(load_at_start: Option<String>) -> String {
    // A benchmark on a busy machine measures the other work too: say how busy it was.
    // Our own two busy threads add up to about 1 by the end of a full run.
    let load = load_at_start
        .zip(load_average())
        .map_or(String::new(), |(start, end)| {
            format!(", 1-minute load average {start} at the start and {end} at the end")
        });
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
        "Machine: {cpu}, {cores} cores (available_parallelism), {} {}, {rustc}, {profile} build, {}{load}.",
        std::env::consts::OS,
        std::env::consts::ARCH,
        today(),
    )
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock (Howard Hinnant's
/// `civil_from_days`), so that the results name the day they were measured.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// tokio (multi_thread) ÷ Go: below 1 the task is cheaper, above 1 the goroutine is.
fn ratio(tokio: f64, go: f64) -> String {
    let r = tokio / go;
    if r < 10.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.0}×")
    }
}

// ---------------------------------------------------------------------------------------
// The chart: one panel per measure, a bar per kind of unit, on a logarithmic scale.

const UNITS: [&str; 4] = [
    "std thread",
    "tokio, multi_thread",
    "tokio, current_thread",
    "goroutine",
];
const COLOURS: [RGBColor; 4] = [
    RGBColor(0x9e, 0x9e, 0x9e),
    RGBColor(0xd3, 0x6b, 0x2c),
    RGBColor(0xf2, 0xa6, 0x5a),
    RGBColor(0x00, 0x7d, 0x9c),
];

struct Panel {
    title: &'static str,
    values: [Option<f64>; 4], // in nanoseconds or bytes, one per entry of UNITS
    label: fn(f64) -> String,
    base: f64, // of the logarithmic scale: where the axis has its ticks
}

fn nanos(ns: f64) -> String {
    time(Duration::from_secs_f64(ns / 1e9))
}

fn chart(panels: &[Panel]) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (760, 200 * panels.len() as u32)).into_drawing_area();
        root.fill(&WHITE)?;
        for (area, panel) in root.split_evenly((panels.len(), 1)).iter().zip(panels) {
            let measured = panel.values.iter().flatten();
            let low = measured.clone().fold(f64::INFINITY, |a, &b| a.min(b)) / 4.0;
            let high = measured.fold(0.0, |a: f64, &b| a.max(b)) * 8.0;
            let mut chart = ChartBuilder::on(area)
                .caption(panel.title, ("sans-serif", 16))
                .margin(8)
                .x_label_area_size(24)
                .y_label_area_size(150)
                .build_cartesian_2d(
                    (low..high).log_scale().base(panel.base),
                    (0..UNITS.len()).into_segmented(),
                )?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_label_formatter(&|v| (panel.label)(*v))
                .y_label_formatter(&|v| match v {
                    // The first unit at the top.
                    SegmentValue::CenterOf(i) if *i < UNITS.len() => {
                        UNITS[UNITS.len() - 1 - i].into()
                    }
                    _ => String::new(),
                })
                .draw()?;
            for (i, value) in panel.values.iter().enumerate() {
                let row = UNITS.len() - 1 - i;
                let (top, bottom) = (SegmentValue::Exact(row), SegmentValue::Exact(row + 1));
                let centre = SegmentValue::CenterOf(row);
                let Some(value) = *value else {
                    chart.draw_series([Text::new(
                        "not measured",
                        (low, centre),
                        ("sans-serif", 13),
                    )])?;
                    continue;
                };
                let mut bar = Rectangle::new([(low, top), (value, bottom)], COLOURS[i].filled());
                bar.set_margin(3, 3, 0, 0);
                let text = Text::new(
                    format!(" {}", (panel.label)(value)),
                    (value, centre),
                    ("sans-serif", 13),
                );
                chart.draw_series([bar])?;
                chart.draw_series([text])?;
            }
        }
        root.present()?;
    }
    Ok(svg)
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let c = if quick { &QUICK } else { &FULL };
    let load = load_average();
    // `-- --svg PATH` also writes the chart to PATH; without it the chart is drawn and
    // discarded, so that a quick run still checks it can be drawn.
    let args: Vec<String> = std::env::args().collect();
    let svg_path = args
        .iter()
        .position(|a| a == "--svg")
        .and_then(|i| args.get(i + 1));

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

    // Go last, in its own process, once nothing of ours is running.
    let go = measure_go(c);

    let task_heap = |p: &Parked| p.heap_bytes as f64 / p.alive.max(1) as f64;
    let go_cell =
        |cell: &dyn Fn(&GoFigures) -> String| go.as_ref().map_or("not measured".into(), cell);
    let time_ratio = |tokio: Duration, go: &dyn Fn(&GoFigures) -> Duration| {
        go_cell(&|g| ratio(tokio.as_secs_f64(), go(g).as_secs_f64()))
    };
    let go_header = match &go {
        Ok(g) => format!("goroutine, {} (GOMAXPROCS {})", g.version, g.gomaxprocs),
        Err(_) => "goroutine".to_string(),
    };

    let row = |label: &str, cells: [String; 5]| {
        println!("| {label} | {} |", cells.join(" | "));
    };
    println!(
        "| measure | std thread | tokio task, multi_thread ({workers} workers) | tokio task, current_thread | {go_header} | multi_thread ÷ Go |"
    );
    println!("|---|---|---|---|---|---|");
    row(
        "spawn + run to completion, one at a time",
        [
            time(thread_spawn),
            time(mt.spawn),
            time(ct.spawn),
            go_cell(&|g| time(g.spawn)),
            time_ratio(mt.spawn, &|g| g.spawn),
        ],
    );
    row(
        "spawn + run to completion, in batches (per unit)",
        [
            time(thread_batch),
            time(mt.batch),
            time(ct.batch),
            go_cell(&|g| time(g.batch)),
            time_ratio(mt.batch, &|g| g.batch),
        ],
    );
    row(
        "memory per parked unit",
        [
            thread_memory_cell(&threads_parked),
            format!("{} heap", bytes(task_heap(&mt.parked))),
            format!("{} heap", bytes(task_heap(&ct.parked))),
            go_cell(&|g| {
                let per = |b: isize| bytes(b as f64 / g.parked.max(1) as f64);
                format!(
                    "{}: {} stack + {} heap",
                    bytes(g.per_goroutine()),
                    per(g.stack_bytes),
                    per(g.heap_bytes)
                )
            }),
            go_cell(&|g| ratio(task_heap(&mt.parked), g.per_goroutine())),
        ],
    );
    row(
        "message round trip (ping-pong)",
        [
            format!("{} (`sync_channel(0)`)", time(thread_trip)),
            format!("{} (`mpsc`, capacity 1)", time(mt.round_trip)),
            format!("{} (`mpsc`, capacity 1)", time(ct.round_trip)),
            go_cell(&|g| format!("{} (unbuffered `chan`)", time(g.round_trip))),
            time_ratio(mt.round_trip, &|g| g.round_trip),
        ],
    );
    row(
        "parked at once",
        [
            parked_cell(&threads_parked),
            parked_cell(&mt.parked),
            parked_cell(&ct.parked),
            go_cell(&|g| {
                let total = (g.heap_bytes + g.stack_bytes) as f64;
                format!("{} parked: {} stack + heap", count(g.parked), bytes(total))
            }),
            go_cell(&|g| {
                ratio(
                    mt.parked.heap_bytes as f64,
                    (g.heap_bytes + g.stack_bytes) as f64,
                )
            }),
        ],
    );
    println!();
    println!(
        "Times: median of {} runs. A run is {} thread spawns or {} task or goroutine spawns \
         (in batches of {} for the second row), or {} round trips between threads or {} \
         between tasks or goroutines. Heap: live bytes counted by the global allocator (Rust) \
         or by `runtime.MemStats` after a collection (Go, `HeapAlloc`; its stacks are \
         `StackInuse`). Stack: reserved is configuration (`RUST_MIN_STACK`, default 2 MiB); \
         resident is how much the process's RSS grew while the threads were parked. \
         Last column: the tokio task's figure (multi_thread) divided by the goroutine's.",
        c.repetitions,
        count(c.thread_spawns as usize),
        count(c.task_spawns as usize),
        count(c.batch as usize),
        count(c.thread_round_trips as usize),
        count(c.task_round_trips as usize),
    );
    println!();
    match &go {
        Ok(g) => println!(
            "Go: {}, GOMAXPROCS {}, `go run` of `go/bench` after the Rust measurements.",
            g.version, g.gomaxprocs
        ),
        Err(why) => println!("Go columns not measured: {why}."),
    }
    println!("{}", machine(load));

    let ns = |d: Duration| Some(d.as_secs_f64() * 1e9);
    let go_value = |f: &dyn Fn(&GoFigures) -> f64| go.as_ref().ok().map(f);
    let thread_resident = threads_parked
        .resident_bytes
        .map(|r| r as f64 / threads_parked.alive.max(1) as f64);
    let panels = [
        Panel {
            title: "spawn + run to completion, one at a time",
            values: [
                ns(thread_spawn),
                ns(mt.spawn),
                ns(ct.spawn),
                go_value(&|g| g.spawn.as_secs_f64() * 1e9),
            ],
            label: nanos,
            base: 10.0,
        },
        Panel {
            title: "memory per parked unit (thread: resident; task: heap; goroutine: stack + heap)",
            values: [
                thread_resident,
                Some(task_heap(&mt.parked)),
                Some(task_heap(&ct.parked)),
                go_value(&|g| g.per_goroutine()),
            ],
            label: bytes,
            base: 4.0,
        },
        Panel {
            title: "message round trip (ping-pong)",
            values: [
                ns(thread_trip),
                ns(mt.round_trip),
                ns(ct.round_trip),
                go_value(&|g| g.round_trip.as_secs_f64() * 1e9),
            ],
            label: nanos,
            base: 10.0,
        },
    ];
    let svg = chart(&panels).expect("drawing the chart");
    if let Some(path) = svg_path {
        std::fs::write(path, svg).expect("writing the chart");
        eprintln!("chart written to {path}");
    }
}
