// Shows: the fix for the payment leak. Each charge runs under `tokio::time::timeout`;
// when time is up, the charge's future is dropped, so no task is left waiting.
// Run: cargo run -p ch03-37-payment-timeout
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

struct Payment {
    id: u32,
}

/// The same external API: one call in ten hangs forever.
async fn charge(payment: &Payment) -> u32 {
    if payment.id % 10 == 0 {
        std::future::pending::<()>().await;
    }
    payment.id
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Charged,
    TimedOut,
}

fn process_payment(payment: Payment, limit: Duration) -> JoinHandle<Outcome> {
    tokio::spawn(async move {
        match tokio::time::timeout(limit, charge(&payment)).await {
            Ok(_receipt) => Outcome::Charged,   // save the receipt here
            Err(_elapsed) => Outcome::TimedOut, // log it, mark the payment for retry
        }
    })
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// Processes a batch of payments and waits for every outcome; returns how many timed
/// out and how many tasks are still alive afterwards.
async fn run_batch(ids: std::ops::Range<u32>, limit: Duration) -> (usize, usize) {
    let handles: Vec<_> = ids
        .map(|id| process_payment(Payment { id }, limit))
        .collect();
    let mut timed_out = 0;
    for handle in handles {
        if handle.await.unwrap() == Outcome::TimedOut {
            timed_out += 1;
        }
    }
    (timed_out, alive_tasks())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A short limit keeps this demo quick; the test below uses 10 s on a paused clock.
    let limit = Duration::from_millis(50);
    for batch in 0..3 {
        let (timed_out, alive) = run_batch(batch * 100 + 1..(batch + 1) * 100 + 1, limit).await;
        println!(
            "after {} payments: {timed_out} timed out, {alive} tasks alive",
            (batch + 1) * 100
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn live_tasks_stay_flat() {
        let limit = Duration::from_secs(10); // the paused clock skips ahead: no real wait
        let mut results = Vec::new();
        for batch in 0..5 {
            let batch = run_batch(batch * 50..(batch + 1) * 50, limit);
            // On the paused clock, a batch that never ends fails here instead of hanging.
            let result = tokio::time::timeout(Duration::from_secs(3600), batch).await;
            results.push(result.expect("a batch was still running after an hour"));
        }
        assert_eq!(results, [(5, 0); 5]);
    }
}
