// Shows: a rate limiter. Each job waits for the next tick of an interval before it
// starts. `Delay` matters: tokio's default, `Burst`, would catch up on missed ticks.
// Run: cargo run -p ch04-23-rate-limit
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval};

async fn work(_id: u32) {
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// Starts the jobs from `queue`, at most one per `period`. Returns when all are done,
/// with each job's start time, measured from the call.
async fn rate_limited(
    mut queue: mpsc::Receiver<u32>,
    period: Duration,
    missed: MissedTickBehavior,
) -> Vec<(u32, Duration)> {
    let start = Instant::now();
    let mut limiter = interval(period); // its first tick completes at once
    limiter.set_missed_tick_behavior(missed);
    let mut running = JoinSet::new();
    let mut started = Vec::new();
    while let Some(id) = queue.recv().await {
        limiter.tick().await; // wait for permission
        println!("Worker {id} starting");
        started.push((id, start.elapsed()));
        running.spawn(work(id));
    }
    running.join_all().await;
    started
}

#[tokio::main]
async fn main() {
    let (queue, jobs) = mpsc::channel(10);
    for id in 1..=10 {
        queue.send(id).await.unwrap();
    }
    drop(queue);
    let period = Duration::from_millis(100); // 10 per second
    let started = rate_limited(jobs, period, MissedTickBehavior::Delay).await;
    println!("{} jobs started, one per tick", started.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::sleep;

    const PERIOD: Duration = Duration::from_millis(500); // 2 per second, as in the Go guide

    fn ms(times: &[(u32, Duration)]) -> Vec<u128> {
        times.iter().map(|(_, t)| t.as_millis()).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn queued_jobs_start_one_period_apart() {
        let (queue, jobs) = mpsc::channel(10);
        for id in 1..=10 {
            queue.send(id).await.unwrap();
        }
        drop(queue);
        let started = rate_limited(jobs, PERIOD, MissedTickBehavior::Delay).await;
        let ids: Vec<u32> = started.iter().map(|&(id, _)| id).collect();
        assert_eq!(ids, (1..=10).collect::<Vec<_>>());
        assert_eq!(ms(&started), (0..10).map(|i| i * 500).collect::<Vec<_>>());
    }

    /// One job, two idle seconds, then four jobs at once.
    async fn after_idle_spell(missed: MissedTickBehavior) -> Vec<u128> {
        let (queue, jobs) = mpsc::channel(10);
        let producer = tokio::spawn(async move {
            queue.send(1).await.unwrap();
            sleep(Duration::from_secs(2)).await;
            for id in 2..=5 {
                queue.send(id).await.unwrap();
            }
        });
        let started = rate_limited(jobs, PERIOD, missed).await;
        producer.await.unwrap();
        ms(&started)
    }

    #[tokio::test(start_paused = true)]
    async fn delay_keeps_the_rate_after_an_idle_spell() {
        let started = after_idle_spell(MissedTickBehavior::Delay).await;
        assert_eq!(started, [0, 2000, 2500, 3000, 3500]);
    }

    #[tokio::test(start_paused = true)]
    async fn burst_the_default_does_not() {
        let started = after_idle_spell(MissedTickBehavior::Burst).await;
        assert_eq!(started, [0, 2000, 2000, 2000, 2000]); // four jobs in the same instant
    }
}
