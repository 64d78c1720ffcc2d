// Shows: the worker pool with tokio tasks. A tokio `mpsc::Receiver` has one owner, so
// the workers share it behind an async `Mutex`; when the job channel closes, every
// worker exits.
// Run: cargo run -p ch02-08-worker-pool-tasks
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;

type Jobs = Arc<Mutex<mpsc::Receiver<u32>>>;

async fn worker(jobs: Jobs, results: mpsc::UnboundedSender<(u32, u32)>) -> usize {
    let mut done = 0;
    loop {
        // One worker at a time waits for the next job; the lock is released as soon
        // as the job arrives, at the end of this statement.
        let job = jobs.lock().await.recv().await;
        let Some(job) = job else { break }; // `None`: the channel is closed and empty
        results.send((job, job * 2)).unwrap();
        done += 1;
    }
    done
}

/// Runs `jobs` on `workers` tasks; returns every result and each worker's job count.
async fn run_pool(jobs: Vec<u32>, workers: usize) -> (Vec<(u32, u32)>, Vec<usize>) {
    let (jobs_tx, jobs_rx) = mpsc::channel(16);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let (results_tx, mut results_rx) = mpsc::unbounded_channel();

    let mut pool = JoinSet::new();
    for _ in 0..workers {
        pool.spawn(worker(jobs_rx.clone(), results_tx.clone()));
    }
    drop(results_tx); // only the workers' clones remain

    for job in jobs {
        jobs_tx.send(job).await.unwrap(); // waits while 16 jobs are queued
    }
    drop(jobs_tx); // close(jobs)
    let counts = pool.join_all().await; // every worker has returned

    let mut results = Vec::new();
    while let Some(result) = results_rx.recv().await {
        results.push(result);
    }
    (results, counts)
}

#[tokio::main]
async fn main() {
    let (mut results, counts) = run_pool((1..=9).collect(), 3).await;
    results.sort(); // workers finish jobs in any order
    for (job, result) in results {
        println!("job {job} -> {result}");
    }
    let total: usize = counts.iter().sum();
    println!("{} workers exited after {total} jobs", counts.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::runtime::Handle;

    // On a paused clock, a pool that never finishes leaves the runtime idle, so the
    // clock jumps straight to the timeout and the test fails at once, not hangs.
    #[tokio::test(start_paused = true)]
    async fn every_job_is_done_exactly_once_and_every_worker_exits() {
        let run = run_pool((0..1000).collect(), 4);
        let (mut results, counts) = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("the pool never finished");

        results.sort();
        let expected: Vec<(u32, u32)> = (0..1000).map(|j| (j, j * 2)).collect();
        assert_eq!(results, expected); // each job once: none lost, none repeated
        assert_eq!(counts.len(), 4);
        assert_eq!(counts.iter().sum::<usize>(), 1000);
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0); // no worker left
    }
}
