// Shows: a periodic task that can be stopped. `interval_at` first ticks one period from
// now, like Go's `time.NewTicker`; cancelling the token ends the loop, and the handle
// says when.
// Run: cargo run -p ch02-20-periodic-task
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, interval_at};
use tokio_util::sync::CancellationToken;

fn periodic<F>(period: Duration, token: CancellationToken, mut task: F) -> JoinHandle<()>
where
    F: FnMut() + Send + 'static,
{
    tokio::spawn(async move {
        let mut ticker = interval_at(Instant::now() + period, period);
        loop {
            tokio::select! {
                biased; // check for the stop signal first
                _ = token.cancelled() => return, // dropping `ticker` stops it
                _ = ticker.tick() => task(),
            }
        }
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = CancellationToken::new();
    let (runs_tx, mut runs) = mpsc::unbounded_channel();
    let mut count = 0;
    let handle = periodic(Duration::from_millis(20), token.clone(), move || {
        count += 1;
        runs_tx.send(count).unwrap();
    });

    while let Some(run) = runs.recv().await {
        println!("run {run}");
        if run == 3 {
            token.cancel(); // stop after the third run
            break;
        }
    }
    handle.await.unwrap(); // the task has returned: nothing is left ticking
    println!("stopped");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tokio::runtime::Handle;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn runs_once_per_period_and_stops_when_told() {
        let t0 = Instant::now();
        let runs = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&runs);
        let token = CancellationToken::new();
        let period = Duration::from_millis(100);
        let handle = periodic(period, token.clone(), move || {
            log.lock().unwrap().push(t0.elapsed().as_millis());
        });

        sleep(Duration::from_millis(1050)).await;
        token.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(60), handle).await;
        stopped.expect("the task did not stop").unwrap();

        let expected: Vec<u128> = (1..=10).map(|n| n * 100).collect();
        assert_eq!(*runs.lock().unwrap(), expected); // exactly ten runs, on the dot
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
