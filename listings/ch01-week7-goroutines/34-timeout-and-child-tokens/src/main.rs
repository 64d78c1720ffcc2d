// Shows: Go's context.WithTimeout as tokio::time::timeout: a call that takes too long returns
// Err(Elapsed), and its future is dropped mid-way. Then context.WithCancel as child tokens.
// Run: cargo run -p ch01-34-timeout-and-child-tokens
use std::time::Duration;
use tokio::time::error::Elapsed;
use tokio::time::{sleep, timeout};
use tokio_util::sync::CancellationToken;

/// Prints when it is dropped: when `fetch` returns, or when `fetch` is stopped mid-way.
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{}: cleaned up", self.0);
    }
}

async fn fetch(name: &'static str, takes: Duration) -> &'static str {
    let _cleanup = Cleanup(name);
    sleep(takes).await; // a slow call: a query, a request to another service
    println!("{name}: finished");
    name
}

/// Go: ctx, cancel := context.WithTimeout(ctx, limit); defer cancel(); return fetch(ctx, …)
async fn fetch_within(
    limit: Duration,
    name: &'static str,
    takes: Duration,
) -> Result<&'static str, Elapsed> {
    timeout(limit, fetch(name, takes)).await
}

#[tokio::main]
async fn main() {
    let limit = Duration::from_millis(100);
    let fast = fetch_within(limit, "fast", Duration::from_millis(10)).await;
    println!("{fast:?}");
    let slow = fetch_within(limit, "slow", Duration::from_secs(5)).await;
    println!("{slow:?}"); // the call was dropped at its `.await`: no "slow: finished"

    // Go: a, cancelA := context.WithCancel(parent); b, cancelB := context.WithCancel(parent)
    let parent = CancellationToken::new();
    let (a, b) = (parent.child_token(), parent.child_token());
    a.cancel();
    let (p, b_now) = (parent.is_cancelled(), b.is_cancelled());
    println!("after a.cancel(): parent cancelled {p}, b cancelled {b_now}");
    parent.cancel();
    println!("after parent.cancel(): b cancelled {}", b.is_cancelled());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    // The paused clock jumps straight to the next timer: no real waiting, exact times.
    #[tokio::test(start_paused = true)]
    async fn a_late_call_returns_elapsed_at_the_deadline() {
        let start = Instant::now();
        let limit = Duration::from_millis(100);
        let outcome = fetch_within(limit, "slow", Duration::from_secs(5)).await;
        assert!(outcome.is_err());
        assert_eq!(start.elapsed(), Duration::from_millis(100)); // not the 5 s of the call
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_that_beats_the_deadline_returns_its_value() {
        let start = Instant::now();
        let limit = Duration::from_millis(100);
        let outcome = fetch_within(limit, "fast", Duration::from_millis(10)).await;
        assert_eq!(outcome, Ok("fast"));
        assert_eq!(start.elapsed(), Duration::from_millis(10));
    }
}
