// Shows: graceful shutdown. Workers look at the token between items, so each finishes
// the item in hand; items never taken stay queued for the caller; main waits for every
// worker.
// Run: cargo run -p ch02-16-graceful-shutdown
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
    // Check for shutdown between items only: an item a worker has taken is always
    // finished.
    while !token.is_cancelled() {
        let Some(item) = queue.lock().unwrap().pop_front() else {
            break;
        };
        took.send(item).unwrap();
        process(item).await; // nothing interrupts this
        finished.push(item);
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
    use tokio::runtime::Handle;
    use tokio::time::{Instant, sleep, timeout};

    // A worker that never exits would leave the runtime idle: the paused clock then
    // jumps to this limit, and the test fails at once instead of hanging.
    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn items_in_progress_are_finished_and_the_rest_handed_back() {
        let start_time = Instant::now();
        let token = CancellationToken::new();
        let (queue, mut took, workers) = start((1..=7).collect(), 2, &token);
        sleep(Duration::from_millis(250)).await; // items 5 and 6 are half done
        token.cancel();
        let all_exited = timeout(LIMIT, workers.join_all()).await;
        let mut finished = all_exited.expect("a worker never exited").concat();
        finished.sort();
        assert_eq!(finished, [1, 2, 3, 4, 5, 6]); // each taken item, exactly once
        assert_eq!(*queue.lock().unwrap(), [7]); // never taken, so not lost either
        let mut taken = Vec::new();
        while let Ok(item) = took.try_recv() {
            taken.push(item);
        }
        taken.sort();
        assert_eq!(taken, finished); // nothing taken was dropped
        // Shutdown took until 300 ms, when items 5 and 6 were done; every worker exited.
        assert_eq!(start_time.elapsed(), Duration::from_millis(300));
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn with_no_shutdown_the_workers_drain_the_queue_and_exit() {
        let token = CancellationToken::new();
        let (queue, _took, workers) = start((1..=7).collect(), 2, &token);
        let all_exited = timeout(LIMIT, workers.join_all()).await;
        let mut finished = all_exited.expect("a worker never exited").concat();
        finished.sort();
        assert_eq!(finished, (1..=7).collect::<Vec<_>>());
        assert!(queue.lock().unwrap().is_empty());
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
