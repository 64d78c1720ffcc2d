// Shows: bounded parallelism with tokio. A task must hold a semaphore permit
// while it works, and there are only three, so at most three jobs run at once.
// Run: cargo run -p ch01-16-bounded-parallelism
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

async fn download(page: u32) -> usize {
    tokio::time::sleep(Duration::from_millis(50)).await; // stands in for network I/O
    page as usize * 1000
}

/// Downloads pages 1 to 10, at most three at a time.
async fn download_all() -> Vec<(u32, usize)> {
    let permits = Arc::new(Semaphore::new(3));
    let mut tasks = JoinSet::new();

    for page in 1..=10 {
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            // Waits here while three other tasks hold permits.
            let _permit = permits.acquire_owned().await.unwrap();
            (page, download(page).await)
        }); // the permit is released when `_permit` is dropped, as the task ends
    }

    tasks.join_all().await
}

#[tokio::main]
async fn main() {
    let mut sizes = download_all().await;
    sizes.sort();
    let total: usize = sizes.iter().map(|(_, bytes)| bytes).sum();
    println!("downloaded {} pages, {total} bytes", sizes.len());
}

#[cfg(test)]
mod tests {
    use std::time::Duration;
    use tokio::time::Instant;

    /// On the paused clock, ten 50 ms downloads three at a time take four rounds: 200 ms.
    /// Without the bound they would all run at once and take 50 ms.
    #[tokio::test(start_paused = true)]
    async fn at_most_three_downloads_run_at_once() {
        let start = Instant::now();
        assert_eq!(super::download_all().await.len(), 10);
        assert_eq!(start.elapsed(), Duration::from_millis(200));
    }
}
