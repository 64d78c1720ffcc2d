// Shows: a pipeline of tasks joined by channels. Each stage loops until its input
// closes, then returns, which drops (closes) its output; a stage whose consumer has
// gone stops too.
// Run: cargo run -p ch02-10-pipeline
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::task::JoinSet;

async fn generate(nums: impl Iterator<Item = u64>, out: Sender<u64>) {
    for n in nums {
        if out.send(n).await.is_err() {
            return; // nobody reads our output any more: stop early
        }
    }
} // returning drops `out`, which closes the channel: Go's `close(out)`

async fn square(mut input: Receiver<u64>, out: Sender<u64>) {
    while let Some(n) = input.recv().await {
        if out.send(n * n).await.is_err() {
            return;
        }
    } // `None`: the stage before us has finished
}

/// Wires the stages together; each runs as a task in `stages`.
fn start_pipeline(
    nums: impl Iterator<Item = u64> + Send + 'static,
    stages: &mut JoinSet<()>,
) -> Receiver<u64> {
    let (nums_tx, nums_rx) = mpsc::channel(1);
    let (squares_tx, squares_rx) = mpsc::channel(1);
    stages.spawn(generate(nums, nums_tx));
    stages.spawn(square(nums_rx, squares_tx));
    squares_rx
}

#[tokio::main]
async fn main() {
    let mut stages = JoinSet::new();
    let mut squares = start_pipeline(1..=4, &mut stages);
    while let Some(n) = squares.recv().await {
        println!("{n}");
    }
    stages.join_all().await;
    println!("every stage has finished");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::runtime::Handle;
    use tokio::time::timeout;

    // On a paused clock, "a stage never finishes" is an immediate timeout, not a hang.
    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn every_item_passes_once_in_order_and_every_stage_exits() {
        let run = async {
            let mut stages = JoinSet::new();
            let mut squares = start_pipeline(0..1000, &mut stages);
            let mut out = Vec::new();
            while let Some(n) = squares.recv().await {
                out.push(n);
            }
            stages.join_all().await;
            out
        };
        let out = timeout(LIMIT, run).await.expect("a stage never exited");
        assert_eq!(out, (0..1000).map(|n| n * n).collect::<Vec<u64>>());
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn stages_stop_early_when_the_consumer_stops() {
        // Count how many numbers the generator takes from its input.
        let taken = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&taken);
        let nums = (0..1000).inspect(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let mut stages = JoinSet::new();
        let mut squares = start_pipeline(nums, &mut stages);
        assert_eq!(squares.recv().await, Some(0));
        assert_eq!(squares.recv().await, Some(1));
        drop(squares); // the consumer walks away with 998 items still to come
        timeout(LIMIT, stages.join_all())
            .await
            .expect("a stage never exited");
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
        // The 2 received, plus at most one held by each stage and one in each channel
        // of capacity 1: the generator stopped long before the end of its input.
        assert!(taken.load(Ordering::SeqCst) <= 6, "taken: {taken:?}");
    }
}
