// Shows: bounded spawning. The spawner takes a permit before each spawn and the task
// gives it back when it ends, so a burst waits in line instead of piling up as tasks.
// Run: cargo run -p ch03-29-bounded-semaphore
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn process_request(id: u32) -> u32 {
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
    id
}

async fn serve(requests: u32, limit: usize, gauge: Arc<Gauge>) {
    let permits = Arc::new(Semaphore::new(limit));
    let mut handles = Vec::new();
    for id in 0..requests {
        // Waits here while `limit` requests are in flight: that is the backpressure.
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        gauge.enter();
        let gauge = Arc::clone(&gauge);
        handles.push(tokio::spawn(async move {
            process_request(id).await;
            gauge.leave();
            drop(permit); // the next request may start
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let gauge = Arc::new(Gauge::default());
    serve(1_000, 8, Arc::clone(&gauge)).await;
    let peak = gauge.peak.load(Ordering::SeqCst);
    println!(
        "requests: 1000, limit: 8, peak in flight at most 8: {}",
        peak <= 8
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_peak_never_exceeds_the_limit() {
        for (burst, limit) in [(10, 1), (100, 8), (1_000, 8), (1_000, 64)] {
            let gauge = Arc::new(Gauge::default());
            serve(burst, limit, Arc::clone(&gauge)).await;
            // On one thread the spawner fills every permit before any task runs,
            // so the peak is exactly the limit.
            assert_eq!(gauge.peak.load(Ordering::SeqCst), limit);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_bound_holds_with_two_workers() {
        let gauge = Arc::new(Gauge::default());
        serve(1_000, 8, Arc::clone(&gauge)).await;
        assert!(gauge.peak.load(Ordering::SeqCst) <= 8);
        assert_eq!(gauge.now.load(Ordering::SeqCst), 0);
    }
}
