// Shows: a deadline for a worker. The worker selects on its token and on its work; when
// the deadline passes, main cancels the token and waits for the worker to finish.
// Run: cargo run -p ch04-14-context-deadline
use std::time::Duration;
use tokio::time::{sleep, timeout};
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_millis(200);
const WORK: Duration = Duration::from_secs(3);

async fn worker(token: CancellationToken) -> &'static str {
    tokio::select! {
        biased; // if both are ready at once, cancellation wins
        _ = token.cancelled() => "worker: cancelled",
        _ = sleep(WORK) => "worker: completed work",
    }
}

/// Runs the worker with a token of its own, a child of `app`'s: cancelling `app` cancels
/// it too, but cancelling it leaves `app` alone.
async fn run_with_deadline(app: &CancellationToken, deadline: Duration) -> &'static str {
    let token = app.child_token();
    let mut task = tokio::spawn(worker(token.clone()));
    match timeout(deadline, &mut task).await {
        Ok(finished) => finished.unwrap(),
        Err(_elapsed) => {
            println!("main: the {deadline:?} deadline passed, cancelling");
            token.cancel();
            task.await.unwrap() // wait for the worker to notice, and see what it says
        }
    }
}

#[tokio::main]
async fn main() {
    let app = CancellationToken::new(); // would be cancelled when the whole app stops
    println!("{}", run_with_deadline(&app, DEADLINE).await);
    println!("app token cancelled: {}", app.is_cancelled());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    // The paused clock jumps straight to the next timer, so these take no real time, and
    // the elapsed times they check are exact.
    #[tokio::test(start_paused = true)]
    async fn the_deadline_cancels_the_worker() {
        let app = CancellationToken::new();
        let start = Instant::now();
        assert_eq!(run_with_deadline(&app, DEADLINE).await, "worker: cancelled");
        assert_eq!(start.elapsed(), DEADLINE);
        assert!(!app.is_cancelled());
    }

    #[tokio::test(start_paused = true)]
    async fn work_that_beats_the_deadline_completes() {
        let app = CancellationToken::new();
        let start = Instant::now();
        let outcome = run_with_deadline(&app, Duration::from_secs(5)).await;
        assert_eq!(outcome, "worker: completed work");
        assert_eq!(start.elapsed(), WORK);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_the_app_cancels_the_worker_at_once() {
        let app = CancellationToken::new();
        app.cancel();
        let start = Instant::now();
        assert_eq!(run_with_deadline(&app, DEADLINE).await, "worker: cancelled");
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
