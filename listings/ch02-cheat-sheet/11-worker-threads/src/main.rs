// Shows: Go's `runtime.NumCPU` and `GOMAXPROCS` in Rust. `available_parallelism` counts
// the CPUs this process may use; a multi-thread runtime starts that many workers unless
// told.
// Run: cargo run -p ch02-11-worker-threads
use std::thread::available_parallelism;
use tokio::runtime::{Builder, Runtime};

fn cpus() -> usize {
    // On Linux this honours the CPU affinity mask and cgroup CPU quotas.
    available_parallelism().map_or(1, |n| n.get())
}

/// A runtime with exactly `workers` worker threads: `runtime.GOMAXPROCS(workers)`.
fn runtime_with(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

fn main() {
    // The default, as `#[tokio::main]` builds it: one worker per CPU, unless the
    // TOKIO_WORKER_THREADS environment variable says otherwise.
    let default = Runtime::new().unwrap();
    let workers = default.metrics().num_workers();
    println!("default runtime: one worker per CPU? {}", workers == cpus());
    drop(default);

    let two = runtime_with(2);
    println!("runtime_with(2): {} workers", two.metrics().num_workers());

    // The current-thread runtime runs every task on the thread that calls `block_on`:
    // GOMAXPROCS=1, for tasks.
    let one = Builder::new_current_thread().build().unwrap();
    println!(
        "current-thread runtime: {} worker",
        one.metrics().num_workers()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_threads_sets_the_number_of_workers() {
        let started: Vec<usize> = (1..=4)
            .map(|n| runtime_with(n).metrics().num_workers())
            .collect();
        // The message names no count: which one differs depends on the machine's CPUs.
        assert!(
            started == [1, 2, 3, 4],
            "each runtime must start exactly the workers it asked for"
        );
    }

    #[test]
    fn the_default_is_one_worker_per_cpu() {
        // Unless TOKIO_WORKER_THREADS says otherwise, as it may where tests run.
        let expected = std::env::var("TOKIO_WORKER_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(cpus);
        let workers = Runtime::new().unwrap().metrics().num_workers();
        assert!(
            workers == expected,
            "the default runtime must start one worker per CPU"
        );
    }
}
