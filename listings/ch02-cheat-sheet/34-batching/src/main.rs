// Shows: batching, one of the seed's performance tips. `recv_many` moves everything
// waiting in the channel, up to a limit, into one buffer; clearing and reusing that
// buffer saves an allocation per batch (what Go reaches for `sync.Pool` to do).
// Run: cargo run -p ch02-34-batching
use tokio::sync::mpsc::{self, Receiver};

/// Receives until the channel closes; returns every item and the size of each batch.
async fn consume(mut rx: Receiver<u32>, max_batch: usize) -> (Vec<u32>, Vec<usize>) {
    // Allocated once, and reused for every batch.
    let mut buffer = Vec::with_capacity(max_batch);
    let (mut items, mut batches) = (Vec::new(), Vec::new());
    while rx.recv_many(&mut buffer, max_batch).await > 0 {
        batches.push(buffer.len());
        items.extend_from_slice(&buffer); // stands for one write of the whole batch
        buffer.clear(); // keeps the capacity
    }
    (items, batches)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (tx, rx) = mpsc::channel(128);
    for item in 0..100 {
        tx.send(item).await.unwrap();
    }
    drop(tx);
    let (items, batches) = consume(rx, 32).await;
    println!(
        "{} items in {} batches of {batches:?}",
        items.len(),
        batches.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_item_once_in_order_in_bounded_batches() {
        let (tx, rx) = mpsc::channel(64);
        let producer = tokio::spawn(async move {
            for item in 0..1000 {
                tx.send(item).await.unwrap();
            }
        });
        let (items, batches) = consume(rx, 32).await;
        producer.await.unwrap();
        assert_eq!(items, (0..1000).collect::<Vec<_>>());
        assert!(batches.iter().all(|&n| (1..=32).contains(&n)));
        assert!(batches.len() < 1000); // batching happened: fewer receives than items
    }
}
