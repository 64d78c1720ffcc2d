// Shows: rate limiting. Waiting for an interval's tick before each request spaces
// requests one period apart; `MissedTickBehavior::Delay` keeps a quiet spell from
// saving up a burst.
// Run: cargo run -p ch02-17-rate-limit
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, Interval, MissedTickBehavior, interval};

/// One tick per `period`. The first tick completes at once (Go's ticker waits one
/// period first).
fn throttle(period: Duration) -> Interval {
    let mut ticks = interval(period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticks
}

async fn handle(request: u32) -> u32 {
    request // real work goes here
}

/// Each request, and the instant its handler started.
type Started = Vec<(u32, Instant)>;

/// Starts one handler per request, at most one per tick. Returns when the request
/// channel is closed and every handler is done.
async fn serve(mut requests: mpsc::Receiver<u32>, mut throttle: Interval) -> Started {
    let mut handlers = JoinSet::new();
    while let Some(request) = requests.recv().await {
        throttle.tick().await; // wait for the rate limit
        let started = Instant::now();
        handlers.spawn(async move { (handle(request).await, started) });
    }
    handlers.join_all().await
}

#[tokio::main]
async fn main() {
    let (tx, rx) = mpsc::channel(10);
    for request in 1..=5 {
        tx.send(request).await.unwrap();
    }
    drop(tx);
    let fifty_per_second = throttle(Duration::from_millis(20));
    let mut handled = serve(rx, fifty_per_second).await;
    handled.sort_by_key(|&(_, started)| started);
    let order: Vec<u32> = handled.iter().map(|&(request, _)| request).collect();
    println!("handled, 20 ms apart: {order:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::sleep;

    const PERIOD: Duration = Duration::from_millis(100);

    /// Start times in milliseconds after `t0`, in order.
    fn offsets(mut handled: Started, t0: Instant) -> Vec<u128> {
        handled.sort_by_key(|&(request, _)| request);
        handled
            .iter()
            .map(|&(_, at)| (at - t0).as_millis())
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn requests_start_exactly_one_period_apart() {
        let t0 = Instant::now();
        let (tx, rx) = mpsc::channel(10);
        for request in 0..10 {
            tx.send(request).await.unwrap();
        }
        drop(tx);
        let handled = serve(rx, throttle(PERIOD)).await;
        assert_eq!(
            offsets(handled, t0),
            [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]
        );
    }

    /// Two requests now, three more at once after a quiet second.
    async fn after_a_quiet_spell(throttle: Interval) -> Vec<u128> {
        let t0 = Instant::now();
        let (tx, rx) = mpsc::channel(10);
        let server = tokio::spawn(serve(rx, throttle));
        for request in 0..5 {
            if request == 2 {
                sleep(Duration::from_secs(1)).await;
            }
            tx.send(request).await.unwrap();
        }
        drop(tx);
        offsets(server.await.unwrap(), t0)
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_spell_does_not_save_up_a_burst() {
        assert_eq!(
            after_a_quiet_spell(throttle(PERIOD)).await,
            [0, 100, 1000, 1100, 1200]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_interval_would_burst() {
        // MissedTickBehavior::Burst, the default, fires the missed ticks at once.
        assert_eq!(
            after_a_quiet_spell(interval(PERIOD)).await,
            [0, 100, 1000, 1000, 1000]
        );
    }
}
