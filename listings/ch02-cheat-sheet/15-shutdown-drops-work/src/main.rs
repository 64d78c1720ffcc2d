// Shows: a shutdown bug Go's ctx.Done() pattern invites in Rust. Racing the work
// against cancellation in `select!` drops the losing future: the item in progress is
// abandoned.
// Run: cargo run -p ch02-15-shutdown-drops-work
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

type Queue = Arc<Mutex<VecDeque<u32>>>;
type Took = UnboundedSender<u32>; // a worker reports each item it takes
type Taken = UnboundedReceiver<u32>; // and we find out here

async fn process(_item: u32) {
    tokio::time::sleep(Duration::from_millis(100)).await; // stands for real work
}

async fn worker(queue: Queue, token: CancellationToken, took: Took) -> Vec<u32> {
    let mut finished = Vec::new();
    loop {
        let Some(item) = queue.lock().unwrap().pop_front() else {
            break;
        };
        took.send(item).unwrap();
        tokio::select! {
            // BUG: this branch drops `process(item)` half-way through.
            _ = token.cancelled() => break,
            _ = process(item) => finished.push(item),
        }
    }
    finished
}

/// Starts `workers` workers on `items`. Returns the queue, the items as they are taken,
/// and the workers.
fn start(
    items: Vec<u32>,
    workers: usize,
    token: &CancellationToken,
) -> (Queue, Taken, JoinSet<Vec<u32>>) {
    let queue: Queue = Arc::new(Mutex::new(items.into()));
    let (took_tx, took_rx) = unbounded_channel();
    let mut set = JoinSet::new();
    for _ in 0..workers {
        set.spawn(worker(queue.clone(), token.clone(), took_tx.clone()));
    }
    (queue, took_rx, set)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = CancellationToken::new();
    let (queue, mut took, workers) = start((1..=6).collect(), 2, &token);

    // Stand-in for Ctrl-C: ask for shutdown as soon as both workers have taken an item.
    let mut taken = vec![took.recv().await.unwrap(), took.recv().await.unwrap()];
    token.cancel();
    let mut finished = workers.join_all().await.concat(); // wait for every worker
    while let Ok(item) = took.try_recv() {
        taken.push(item);
    }

    finished.sort();
    taken.retain(|item| !finished.contains(item));
    println!("finished: {finished:?}");
    println!("lost (taken, never finished): {taken:?}");
    println!("still queued, handed back: {:?}", queue.lock().unwrap());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn items_in_progress_at_shutdown_are_lost() {
        let start_time = Instant::now();
        let token = CancellationToken::new();
        let (queue, _took, workers) = start((1..=7).collect(), 2, &token);
        sleep(Duration::from_millis(250)).await; // items 5 and 6 are half done
        token.cancel();
        let mut finished = workers.join_all().await.concat();
        finished.sort();
        assert_eq!(finished, [1, 2, 3, 4]); // 5 and 6 were taken, then dropped
        assert_eq!(*queue.lock().unwrap(), [7]);
        // Everything stopped at the shutdown: nobody finished 5 and 6.
        assert_eq!(start_time.elapsed(), Duration::from_millis(250));
    }
}
