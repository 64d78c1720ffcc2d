// Shows: graceful shutdown. Each worker waits for either work or cancellation;
// after `cancel()`, main awaits every worker so their cleanup is sure to finish.
// Run: cargo run -p ch01-17-graceful-shutdown
use std::time::Duration;
use tokio_util::sync::CancellationToken;

async fn worker(id: u32, token: CancellationToken) -> String {
    let mut ticks = tokio::time::interval(Duration::from_millis(10));
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = ticks.tick() => { /* one unit of periodic work */ }
        }
    }
    // Cleanup runs after the loop: flush buffers, close connections...
    format!("worker {id} flushed its buffer and stopped")
}

#[tokio::main]
async fn main() {
    let token = CancellationToken::new();
    let workers: Vec<_> = (1..=3)
        .map(|id| tokio::spawn(worker(id, token.clone())))
        .collect();

    // In a server this would be `tokio::signal::ctrl_c().await`.
    tokio::time::sleep(Duration::from_millis(100)).await;
    token.cancel();

    for handle in workers {
        println!("{}", handle.await.unwrap());
    }
    println!("shutdown complete");
}
