// Shows: bounded concurrency as a stream. `buffer_unordered(3)` polls at most three of
// the futures at a time, in the current task; no spawn, no semaphore, no `Arc`.
// Run: cargo run -p ch04-25-buffer-unordered
use futures::stream::{self, StreamExt};
use std::cell::Cell;
use std::time::Duration;

/// How many fetches are running now, and the most there have ever been.
#[derive(Default)]
struct Gauge {
    now: Cell<usize>, // one task, one thread: a `Cell` is enough
    max: Cell<usize>,
}

async fn fetch(id: u32, work: Duration, gauge: &Gauge) -> u32 {
    gauge.now.set(gauge.now.get() + 1);
    gauge.max.set(gauge.max.get().max(gauge.now.get()));
    tokio::time::sleep(work).await; // the request
    gauge.now.set(gauge.now.get() - 1);
    id * 100
}

async fn fetch_all(ids: Vec<u32>, limit: usize, work: Duration, gauge: &Gauge) -> Vec<u32> {
    stream::iter(ids)
        .map(|id| fetch(id, work, gauge)) // a stream of futures, none started yet
        .buffer_unordered(limit) // run up to `limit` of them at once
        .collect()
        .await
}

#[tokio::main]
async fn main() {
    let gauge = Gauge::default();
    let work = Duration::from_millis(100);
    let mut sizes = fetch_all((1..=10).collect(), 3, work, &gauge).await;
    sizes.sort(); // they arrive in the order they finish
    println!("{sizes:?}");
    println!("at most {} fetches at once", gauge.max.get());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn at_most_limit_at_once_and_every_id_fetched() {
        for limit in [1, 2, 3, 7] {
            let gauge = Gauge::default();
            let start = Instant::now();
            let mut sizes =
                fetch_all((1..=10).collect(), limit, Duration::from_secs(1), &gauge).await;
            sizes.sort();
            assert_eq!(sizes, (1..=10).map(|id| id * 100).collect::<Vec<_>>());
            assert_eq!(gauge.max.get(), limit);
            let rounds = 10u64.div_ceil(limit as u64);
            assert_eq!(start.elapsed(), Duration::from_secs(rounds));
        }
    }
}
