// Shows: Go's worker pool on Tokio. Three worker tasks share one job queue and send results
// back on a second channel; dropping the job sender, like Go's `close(jobs)`, ends them.
// Run: cargo run -p ch01-33-tokio-worker-pool
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};

type Jobs = Arc<Mutex<mpsc::Receiver<u64>>>;

async fn worker(jobs: Jobs, results: mpsc::Sender<(u64, u64)>) {
    loop {
        // The lock is held while waiting for a job, and released before the work starts.
        let job = jobs.lock().await.recv().await;
        let Some(n) = job else { break }; // closed and empty: Go's `range` loop ends
        results.send((n, n * n)).await.unwrap();
    }
}

async fn run_pool(workers: usize, jobs: Vec<u64>) -> Vec<(u64, u64)> {
    let (jobs_tx, jobs_rx) = mpsc::channel(10);
    let (results_tx, mut results_rx) = mpsc::channel(10);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx)); // one receiver, shared by every worker
    for _ in 0..workers {
        tokio::spawn(worker(Arc::clone(&jobs_rx), results_tx.clone()));
    }
    drop(results_tx); // only the workers hold senders now

    // Send from a task of its own, so that collecting can start at once.
    tokio::spawn(async move {
        for n in jobs {
            jobs_tx.send(n).await.unwrap();
        }
    }); // the task ends and drops `jobs_tx`: that is Go's close(jobs)

    let mut results = Vec::new();
    while let Some(result) = results_rx.recv().await {
        results.push(result); // `None` once every worker has returned
    }
    results.sort(); // they arrive in whatever order the workers finish
    results
}

#[tokio::main]
async fn main() {
    let results = run_pool(3, (1..=6).collect()).await;
    for (n, square) in &results {
        println!("{n}^2 = {square}");
    }
    let sum: u64 = results.iter().map(|(_, square)| square).sum();
    println!("sum of squares: {sum}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::runtime::Handle;
    use tokio::time::timeout;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_job_is_done_exactly_once() {
        for (workers, jobs) in [(3, 6), (1, 5), (5, 1), (8, 1000), (3, 0)] {
            let results = run_pool(workers, (1..=jobs).collect()).await;
            let expected: Vec<(u64, u64)> = (1..=jobs).map(|n| (n, n * n)).collect();
            assert_eq!(results, expected, "{workers} workers, {jobs} jobs");
        }
    }

    // On the paused clock, a pool that never stops would leave every task waiting and the
    // clock would jump to the hour at once: the test fails instead of hanging.
    #[tokio::test(start_paused = true)]
    async fn dropping_the_job_sender_stops_every_worker() {
        let pool = run_pool(4, (1..=20).collect());
        let results = timeout(Duration::from_secs(3600), pool).await;
        assert_eq!(results.expect("the pool never stopped").len(), 20);
        tokio::task::yield_now().await; // let the finished tasks be cleaned up
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
