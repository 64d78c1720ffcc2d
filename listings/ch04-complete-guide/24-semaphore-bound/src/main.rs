// Shows: Go's buffered-channel semaphore as tokio's `Semaphore`. A job runs only while
// it holds a permit, so no more than `limit` run at once; a gauge proves it.
// Run: cargo run -p ch04-24-semaphore-bound
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How many jobs are running now, and the most there have ever been.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl Gauge {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn run_bounded(jobs: u32, limit: usize, work: Duration, gauge: Arc<Gauge>) -> Vec<u32> {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for id in 1..=jobs {
        let (permits, gauge) = (Arc::clone(&permits), Arc::clone(&gauge));
        tasks.spawn(async move {
            let _permit = permits.acquire().await.unwrap(); // waits while `limit` jobs run
            gauge.enter();
            println!("Worker {id} starting");
            tokio::time::sleep(work).await; // the work
            println!("Worker {id} done");
            gauge.leave();
            id
        }); // `_permit` is dropped as the task ends, which lets the next job in
    }
    tasks.join_all().await
}

// One thread: the first three jobs take the permits before any of them can finish.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let gauge = Arc::new(Gauge::default());
    let work = Duration::from_millis(100);
    let done = run_bounded(10, 3, work, Arc::clone(&gauge)).await;
    let max = gauge.max.load(Ordering::SeqCst);
    println!("{} jobs done, at most {max} at once", done.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn never_more_than_the_limit_on_four_threads() {
        for limit in [1, 2, 3, 5] {
            let gauge = Arc::new(Gauge::default());
            let done = run_bounded(100, limit, Duration::from_millis(1), Arc::clone(&gauge)).await;
            assert_eq!(done.len(), 100);
            let max = gauge.max.load(Ordering::SeqCst);
            assert!(max <= limit, "{max} jobs ran at once with {limit} permits");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn exactly_the_limit_in_rounds_of_one_job_time() {
        let gauge = Arc::new(Gauge::default());
        let start = Instant::now();
        run_bounded(10, 3, Duration::from_secs(1), Arc::clone(&gauge)).await;
        assert_eq!(gauge.max.load(Ordering::SeqCst), 3);
        assert_eq!(start.elapsed(), Duration::from_secs(4)); // 3 + 3 + 3 + 1 jobs
    }
}
