// Shows: not creating too many tasks. Taking a semaphore permit *before* each spawn
// makes the loop wait while `limit` tasks exist, so a million items never means a
// million tasks.
// Run: cargo run -p ch02-25-bounded-spawn
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

async fn process(item: u32) -> u32 {
    tokio::task::yield_now().await; // stands for real work that waits on something
    item * 2
}

/// Processes every item, with at most `limit` tasks alive at once. Returns the results
/// and the most tasks the runtime ever had alive.
async fn process_all(items: Vec<u32>, limit: usize) -> (Vec<u32>, usize) {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    let mut peak = 0;
    for item in items {
        // Waits here while `limit` tasks are alive.
        let permit = permits.clone().acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let result = process(item).await;
            drop(permit); // let the next spawn go ahead
            result
        });
        peak = peak.max(Handle::current().metrics().num_alive_tasks());
    }
    (tasks.join_all().await, peak)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (results, peak) = process_all((1..=20).collect(), 3).await;
    println!(
        "processed {} items; at most {peak} tasks alive at once",
        results.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_item_once_and_never_more_than_the_limit() {
        let (mut results, peak) = process_all((0..1000).collect(), 8).await;
        results.sort();
        assert_eq!(results, (0..1000).map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(peak, 8); // the limit was reached, and never exceeded
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
