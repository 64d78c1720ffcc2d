// Shows: the fix for the leak. The poller also waits on a CancellationToken, and
// its caller gets the JoinHandle: cancel, await, and no task is left alive.
// Run: cargo run -p ch01-27-task-leak-cancelled
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

fn start_poller(token: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = token.cancelled() => return, // the way out the leaky version lacked
                _ = tokio::time::sleep(Duration::from_secs(1)) => {} // check for work
            }
        }
    })
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = CancellationToken::new();
    let pollers: Vec<_> = (0..3).map(|_| start_poller(token.clone())).collect();
    tokio::task::yield_now().await; // let the pollers start
    println!("alive tasks while running: {}", alive_tasks());

    token.cancel(); // one call reaches every clone of the token
    for poller in pollers {
        poller.await.unwrap(); // and now we know each one has returned
    }
    println!("alive tasks after cancel: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    // On a paused clock, time moves only when every task waits on a timer.
    #[tokio::test(start_paused = true)]
    async fn cancelling_stops_the_poller_at_once() {
        let token = CancellationToken::new();
        let poller = start_poller(token.clone());
        // Ten checks for work; cancel halfway through the poller's next sleep.
        tokio::time::sleep(Duration::from_millis(10_500)).await;
        assert_eq!(alive_tasks(), 1, "the poller runs until it is cancelled");

        let cancelled_at = Instant::now();
        token.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(5), poller).await;
        stopped.expect("the poller ignored the token").unwrap();
        assert_eq!(
            cancelled_at.elapsed(),
            Duration::ZERO,
            "it waited out a sleep"
        );
        assert_eq!(alive_tasks(), 0);
    }
}
