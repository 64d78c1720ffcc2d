// Concurrency vs parallelism, measured. CPU-bound work (counting primes) gets faster only
// when it runs on more threads at once; I/O-bound work (requests to a slow local server)
// gets faster with concurrency alone, even on one thread.
// Run: `cargo run --release -p ch04-01-parallelism-bench`; `BENCH_QUICK=1` for a tiny run.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::runtime::{Builder, Runtime};

// ---------------------------------------------------------------------------------------
// CPU-bound work: count the primes below a limit by trial division, in chunks.

const CHUNK: u64 = 10_000;

fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

fn primes_in_chunk(chunk: u64) -> usize {
    (chunk * CHUNK..(chunk + 1) * CHUNK)
        .filter(|&n| is_prime(n))
        .count()
}

/// Chunks `worker`, `worker + workers`, ...: interleaving keeps the shares even, since
/// bigger numbers cost more to test.
fn share(worker: u64, workers: u64, chunks: u64) -> impl Iterator<Item = u64> {
    (worker..chunks).step_by(workers as usize)
}

fn cpu_sequential(chunks: u64) -> usize {
    (0..chunks).map(primes_in_chunk).sum()
}

fn cpu_scoped_threads(chunks: u64, threads: u64) -> usize {
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    share(t, threads, chunks)
                        .map(primes_in_chunk)
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn cpu_rayon(chunks: u64) -> usize {
    (0..chunks).into_par_iter().map(primes_in_chunk).sum()
}

/// `tasks` tasks on `runtime`, each taking its share of chunks and yielding after each
/// one, so that on a single thread the tasks really do take turns.
fn cpu_tasks(runtime: &Runtime, chunks: u64, tasks: u64) -> usize {
    runtime.block_on(async move {
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                tokio::spawn(async move {
                    let mut found = 0;
                    for chunk in share(t, tasks, chunks) {
                        found += primes_in_chunk(chunk);
                        tokio::task::yield_now().await;
                    }
                    found
                })
            })
            .collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    })
}

// ---------------------------------------------------------------------------------------
// I/O-bound work: requests to a local server that takes `delay` to answer each one. The
// server runs on a thread of its own, so the client's runtime does only the client's work.

fn start_slow_server(delay: Duration) -> SocketAddr {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let runtime = Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            // A long accept queue: `TcpListener::bind` asks for 128, and a burst of 200
            // connects would overflow it, so that some clients retry after a second.
            let socket = TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let listener = socket.listen(1024).unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut byte = [0u8; 1];
                    while socket.read_exact(&mut byte).await.is_ok() {
                        tokio::time::sleep(delay).await; // the slow backend
                        if socket.write_all(&byte).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
    });
    addr_rx.recv().unwrap()
}

async fn request(addr: SocketAddr) {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket.write_all(b"?").await.unwrap();
    let mut reply = [0u8; 1];
    socket.read_exact(&mut reply).await.unwrap();
}

fn io_sequential(runtime: &Runtime, addr: SocketAddr, requests: usize) {
    runtime.block_on(async move {
        for _ in 0..requests {
            request(addr).await;
        }
    });
}

fn io_tasks(runtime: &Runtime, addr: SocketAddr, requests: usize) {
    runtime.block_on(async move {
        let handles: Vec<_> = (0..requests).map(|_| tokio::spawn(request(addr))).collect();
        for handle in handles {
            handle.await.unwrap();
        }
    });
}

fn io_threads(addr: SocketAddr, requests: usize) {
    thread::scope(|s| {
        for _ in 0..requests {
            s.spawn(move || {
                let mut socket = std::net::TcpStream::connect(addr).unwrap();
                socket.write_all(b"?").unwrap();
                let mut reply = [0u8; 1];
                socket.read_exact(&mut reply).unwrap();
            });
        }
    });
}

// ---------------------------------------------------------------------------------------
// Measuring and printing.

struct Counts {
    repetitions: usize,
    chunks: u64,
    requests: usize,
    delay: Duration,
}

const FULL: Counts = Counts {
    repetitions: 5,
    chunks: 300,
    requests: 200,
    delay: Duration::from_millis(10),
};

const QUICK: Counts = Counts {
    repetitions: 1,
    chunks: 4,
    requests: 4,
    delay: Duration::from_millis(1),
};

/// A row of the table: what it measures, how many threads do the work, and one run.
struct Row<'a> {
    label: &'static str,
    threads: String,
    run: Box<dyn FnMut() + 'a>,
    samples: Vec<Duration>,
}

impl<'a> Row<'a> {
    fn new(label: &'static str, threads: usize, run: impl FnMut() + 'a) -> Self {
        let run = Box::new(run);
        let (threads, samples) = (threads.to_string(), Vec::new());
        Row {
            label,
            threads,
            run,
            samples,
        }
    }

    fn median(&self) -> Duration {
        let mut samples = self.samples.clone();
        samples.sort();
        samples[samples.len() / 2]
    }
}

/// Runs every row once per repetition, in turn, so that a change in the machine's load
/// during the benchmark affects all rows alike.
fn measure(rows: &mut [Row<'_>], repetitions: usize) {
    for _ in 0..repetitions {
        for row in rows.iter_mut() {
            let start = Instant::now();
            (row.run)();
            row.samples.push(start.elapsed());
        }
    }
}

fn time(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
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
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let one_thread = Builder::new_current_thread().enable_all().build().unwrap();
    let all_cores = Builder::new_multi_thread().enable_all().build().unwrap();
    let workers = all_cores.metrics().num_workers();

    // Every way of counting must find the same primes.
    let expected = cpu_sequential(c.chunks);
    assert_eq!(cpu_scoped_threads(c.chunks, cores as u64), expected);
    assert_eq!(cpu_rayon(c.chunks), expected);
    assert_eq!(cpu_tasks(&one_thread, c.chunks, cores as u64), expected);
    assert_eq!(cpu_tasks(&all_cores, c.chunks, cores as u64), expected);

    let (chunks, threads) = (c.chunks, cores as u64);
    let mut cpu = [
        Row::new("CPU-bound: one thread", 1, || {
            cpu_sequential(chunks);
        }),
        Row::new(
            "CPU-bound: one thread per core (`thread::scope`)",
            cores,
            || {
                cpu_scoped_threads(chunks, threads);
            },
        ),
        Row::new(
            "CPU-bound: rayon `into_par_iter`",
            rayon::current_num_threads(),
            || {
                cpu_rayon(chunks);
            },
        ),
        Row::new(
            "CPU-bound: one task per core, `current_thread` runtime",
            1,
            || {
                cpu_tasks(&one_thread, chunks, threads);
            },
        ),
        Row::new(
            "CPU-bound: one task per core, `multi_thread` runtime",
            workers,
            || {
                cpu_tasks(&all_cores, chunks, threads);
            },
        ),
    ];

    let addr = start_slow_server(c.delay);
    let n = c.requests;
    let mut io = [
        Row::new("I/O-bound: one request after another", 1, || {
            io_sequential(&one_thread, addr, n)
        }),
        Row::new(
            "I/O-bound: one task per request, `current_thread` runtime",
            1,
            || io_tasks(&one_thread, addr, n),
        ),
        Row::new(
            "I/O-bound: one task per request, `multi_thread` runtime",
            workers,
            || io_tasks(&all_cores, addr, n),
        ),
        Row::new("I/O-bound: one OS thread per request", n, || {
            io_threads(addr, n)
        }),
    ];

    let r = c.repetitions;
    measure(&mut cpu, r);
    measure(&mut io, r);

    println!("| workload and how it runs | threads doing the work | time | speed-up |");
    println!("|---|---|---|---|");
    for rows in [&cpu[..], &io[..]] {
        let baseline = rows[0].median();
        for row in rows {
            let took = row.median();
            let speed_up = baseline.as_secs_f64() / took.as_secs_f64();
            println!(
                "| {} | {} | {} | {speed_up:.1}× |",
                row.label,
                row.threads,
                time(took)
            );
        }
    }
    println!();
    println!(
        "Times: median of {r} runs, the rows taking turns. CPU-bound: counting the primes below {} by trial division, \
         in chunks of {CHUNK} numbers ({expected} primes). I/O-bound: {n} requests to a local \
         TCP server (its own thread) that waits {} ms before answering each one. \
         Speed-up: against the first row of the same workload.",
        c.chunks * CHUNK,
        c.delay.as_millis(),
    );
    println!();
    println!("{}", machine());
}
