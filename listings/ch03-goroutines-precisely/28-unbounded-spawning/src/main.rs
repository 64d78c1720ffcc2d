// Shows: unbounded spawning. Every request gets a task at once, so the number in flight
// is whatever the burst is. A gauge records the peak.
// Run: cargo run -p ch03-28-unbounded-spawning
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the requests in flight and remembers the highest count.
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
        tokio::task::yield_now().await; // stands in for a downstream call
    }
    id
}

async fn serve(requests: u32, gauge: Arc<Gauge>) {
    let mut handles = Vec::new();
    for id in 0..requests {
        gauge.enter(); // in flight from the moment it is spawned
        let gauge = Arc::clone(&gauge);
        handles.push(tokio::spawn(async move {
            process_request(id).await;
            gauge.leave();
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let gauge = Arc::new(Gauge::default());
    serve(1_000, Arc::clone(&gauge)).await;
    println!(
        "requests: 1000, peak in flight: {}",
        gauge.peak.load(Ordering::SeqCst)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_peak_grows_with_the_burst() {
        for burst in [10, 100, 1_000] {
            let gauge = Arc::new(Gauge::default());
            serve(burst, Arc::clone(&gauge)).await;
            assert_eq!(gauge.peak.load(Ordering::SeqCst), burst as usize);
        }
    }
}
