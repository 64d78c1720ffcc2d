// Shows: bounded concurrency without a task per request. `buffer_unordered(8)` polls at
// most 8 of the futures at a time, all inside the task that awaits the stream.
// Run: cargo run -p ch03-30-bounded-buffer-unordered
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::stream::{self, StreamExt};

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

async fn process_request(id: u32, gauge: &Gauge) -> u32 {
    gauge.enter(); // runs at the future's first poll, when it starts
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
    gauge.leave();
    id
}

async fn serve(requests: u32, limit: usize, gauge: &Gauge) -> usize {
    stream::iter(0..requests)
        .map(|id| process_request(id, gauge)) // a borrow is fine: nothing is spawned
        .buffer_unordered(limit)
        .count()
        .await
}

#[tokio::main]
async fn main() {
    let gauge = Gauge::default();
    let done = serve(1_000, 8, &gauge).await;
    let peak = gauge.peak.load(Ordering::SeqCst);
    println!(
        "requests: {done}, limit: 8, peak in flight at most 8: {}",
        peak <= 8
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_peak_never_exceeds_the_limit() {
        for (burst, limit) in [(10, 1), (100, 8), (1_000, 8), (1_000, 64)] {
            let gauge = Gauge::default();
            assert_eq!(serve(burst, limit, &gauge).await, burst as usize);
            assert_eq!(gauge.peak.load(Ordering::SeqCst), limit);
        }
    }
}
