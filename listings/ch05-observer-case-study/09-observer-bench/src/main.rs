// Measures: entries per second from `log` to the sink, for a few batch sizes, with one
// producer task and with four, on a two-worker runtime, using the chapter's observer
// library (listing 02, beside this one). `BENCH_QUICK=1` runs tiny counts, same rows.
// Run: cargo run --release -p ch05-09-observer-bench
use std::fs::File;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

use ch05_02_observer::{Config, Observer};

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
