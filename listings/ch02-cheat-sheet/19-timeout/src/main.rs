// Shows: a timeout around the work itself. `timeout` polls the work; at the deadline it
// drops it, which cancels it at its current `.await`. No task is left behind.
// Run: cargo run -p ch02-19-timeout
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::time::error::Elapsed;
use tokio::time::{sleep, timeout};

async fn work(takes: Duration) -> u32 {
    sleep(takes).await; // stands for real work
    42
}

async fn with_timeout(takes: Duration, limit: Duration) -> Result<u32, Elapsed> {
    timeout(limit, work(takes)).await // no spawn: the work lives inside the timeout
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let fast = with_timeout(Duration::from_millis(10), Duration::from_secs(1)).await;
    println!("fast work: {fast:?}");
    let slow = with_timeout(Duration::from_secs(10), Duration::from_millis(50)).await;
    println!("slow work: {}", slow.unwrap_err());
    println!(
        "tasks still alive: {}",
        Handle::current().metrics().num_alive_tasks()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_millis(100);

    #[tokio::test(start_paused = true)]
    async fn the_timeout_fires_exactly_at_its_deadline() {
        let t0 = Instant::now();
        assert!(with_timeout(Duration::from_secs(10), LIMIT).await.is_err());
        assert_eq!(t0.elapsed(), LIMIT);
    }

    #[tokio::test(start_paused = true)]
    async fn work_that_beats_the_deadline_returns_its_result() {
        let t0 = Instant::now();
        assert_eq!(with_timeout(Duration::from_millis(99), LIMIT).await, Ok(42));
        assert_eq!(t0.elapsed(), Duration::from_millis(99));
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_left_running_after_a_timeout() {
        assert!(with_timeout(Duration::from_secs(10), LIMIT).await.is_err());
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
