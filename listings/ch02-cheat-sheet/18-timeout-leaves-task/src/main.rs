// Shows: Go's timeout pattern translated word for word: start the work elsewhere, then
// wait for it with a deadline. Giving up on the wait does not stop the work: the task
// lives on.
// Run: cargo run -p ch02-18-timeout-leaves-task
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::time::error::Elapsed;
use tokio::time::{sleep, timeout};

async fn work(takes: Duration) -> u32 {
    sleep(takes).await; // stands for real work
    42
}

async fn with_timeout(takes: Duration, limit: Duration) -> Result<u32, Elapsed> {
    let task = tokio::spawn(work(takes));
    // On timeout, `timeout` drops the JoinHandle, and dropping a handle detaches the
    // task: it goes on running.
    let result = timeout(limit, task).await?;
    Ok(result.unwrap())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let fast = with_timeout(Duration::from_millis(10), Duration::from_secs(1)).await;
    println!("fast work: {fast:?}");
    let slow = with_timeout(Duration::from_secs(10), Duration::from_millis(50)).await;
    println!("slow work: {}", slow.unwrap_err());
    sleep(Duration::from_millis(50)).await; // time for a stopped task to be cleaned up
    println!(
        "tasks still alive: {}",
        Handle::current().metrics().num_alive_tasks()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    fn alive_tasks() -> usize {
        Handle::current().metrics().num_alive_tasks()
    }

    // tokio counts a task alive from its spawn until it is cleaned up, so the count is
    // read only after the clock has moved on: a stopped task would be gone by then.
    #[tokio::test(start_paused = true)]
    async fn the_task_runs_on_after_the_caller_gave_up() {
        let t0 = Instant::now();
        let limit = Duration::from_millis(100);
        let result = with_timeout(Duration::from_secs(10), limit).await;
        assert!(result.is_err());
        assert_eq!(t0.elapsed(), Duration::from_millis(100));

        sleep(Duration::from_millis(9_899)).await; // 1 ms before the work is done
        assert_eq!(alive_tasks(), 1, "still working, for nobody");
        sleep(Duration::from_millis(2)).await; // 1 ms after
        assert_eq!(alive_tasks(), 0, "ended when its work did");
    }
}
