// Shows: a solution to Exercise 2. `run_limited` runs every job, never more than
// `limit` at once; the tests use tokio's paused clock to prove the exact timing.
// Run: cargo run -p ch01-19-exercise-limited-jobs (and cargo test -p ch01-19-exercise-limited-jobs)
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// What happened: the jobs that finished, and the most that ever ran at once.
pub struct Report {
    pub finished: Vec<usize>,
    pub peak: usize,
}

pub async fn run_limited(jobs: usize, limit: usize, job_time: Duration) -> Report {
    let permits = Arc::new(Semaphore::new(limit));
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();

    for id in 0..jobs {
        let (permits, running, peak) = (permits.clone(), running.clone(), peak.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(job_time).await; // the job's work
            running.fetch_sub(1, Ordering::SeqCst);
            id
        });
    }

    let mut finished = tasks.join_all().await;
    finished.sort();
    Report {
        finished,
        peak: peak.load(Ordering::SeqCst),
    }
}

#[tokio::main]
async fn main() {
    let report = run_limited(10, 3, Duration::from_millis(50)).await;
    println!("finished jobs: {:?}", report.finished);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    // With the clock paused, time moves only when every task is waiting on a timer,
    // and then it jumps straight to the next deadline. Results are exact, and instant.
    #[tokio::test(start_paused = true)]
    async fn ten_one_second_jobs_with_limit_three_take_four_seconds() {
        let start = Instant::now();
        let report = run_limited(10, 3, Duration::from_secs(1)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(4)); // batches of 3, 3, 3, 1
        assert_eq!(report.peak, 3);
        assert_eq!(report.finished, (0..10).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn limit_one_runs_jobs_one_after_another() {
        let start = Instant::now();
        let report = run_limited(5, 1, Duration::from_secs(1)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert_eq!(report.peak, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_above_the_job_count_runs_everything_at_once() {
        let start = Instant::now();
        let report = run_limited(4, 10, Duration::from_secs(1)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(report.peak, 4);
    }
}
