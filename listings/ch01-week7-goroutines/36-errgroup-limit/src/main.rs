// Shows: Go's errgroup with SetLimit. At most `limit` jobs run at once, the first error
// cancels the jobs still running and starts no new ones, and the caller gets that error.
// Run: cargo run -p ch01-36-errgroup-limit
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

async fn check(id: u32, token: CancellationToken) -> Result<u32, String> {
    println!("job {id}: started");
    if id == 5 {
        return Err(format!("job {id}: invalid input"));
    }
    tokio::select! {
        _ = token.cancelled() => Err(format!("job {id}: cancelled")),
        _ = sleep(Duration::from_secs(1)) => Ok(id * 10), // the work
    }
}

/// Like `g.SetLimit(limit)`, a `g.Go` per id, then `g.Wait()`.
async fn run_limited<F, Fut>(ids: &[u32], limit: usize, job: F) -> Result<Vec<u32>, String>
where
    F: Fn(u32, CancellationToken) -> Fut,
    Fut: Future<Output = Result<u32, String>> + Send + 'static,
{
    let token = CancellationToken::new();
    let mut running = JoinSet::new();
    let (mut ids, mut done, mut first_error) = (ids.iter(), Vec::new(), None);
    loop {
        // Start jobs while fewer than `limit` run, and until one has failed.
        while running.len() < limit && first_error.is_none() {
            let Some(&id) = ids.next() else { break };
            running.spawn(job(id, token.clone()));
        }
        match running.join_next().await {
            None => break, // nothing running, nothing more to start
            Some(joined) => match joined.expect("a job panicked") {
                Ok(value) => done.push(value),
                Err(e) if first_error.is_none() => {
                    token.cancel(); // stop the jobs still running
                    first_error = Some(e);
                }
                Err(_) => {} // a job that stopped because of the cancellation
            },
        }
    }
    done.sort(); // the jobs finish in any order
    match first_error {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

#[tokio::main(flavor = "current_thread")] // one thread: the jobs print in the order they start
async fn main() {
    let ids: Vec<u32> = (1..=10).collect();
    println!("{:?}", run_limited(&ids, 3, check).await);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tokio::runtime::Handle;
    use tokio::time::Instant;

    /// How many jobs run now, and the most that ever ran at once.
    #[derive(Default)]
    struct Gauge {
        now: usize,
        max: usize,
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_at_once() {
        for limit in [1, 2, 3, 5] {
            let gauge = Arc::new(Mutex::new(Gauge::default()));
            let job = |id: u32, _token| {
                let gauge = Arc::clone(&gauge);
                async move {
                    {
                        let mut g = gauge.lock().unwrap();
                        g.now += 1;
                        g.max = g.max.max(g.now);
                    }
                    sleep(Duration::from_secs(1)).await;
                    gauge.lock().unwrap().now -= 1;
                    Ok(id)
                }
            };
            let start = Instant::now();
            let ids: Vec<u32> = (1..=10).collect();
            assert_eq!(run_limited(&ids, limit, job).await, Ok(ids.clone()));
            assert_eq!(gauge.lock().unwrap().max, limit, "limit {limit}");
            // Full rounds of `limit` jobs, one second each: the limit is used, not undercut.
            let rounds = ids.len().div_ceil(limit) as u32;
            assert_eq!(start.elapsed(), Duration::from_secs(1) * rounds);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_error_cancels_the_rest_and_starts_no_more() {
        // `check`'s jobs, without the printing, and each start recorded.
        let started = Arc::new(Mutex::new(Vec::new()));
        let job = |id, token: CancellationToken| {
            started.lock().unwrap().push(id);
            async move {
                if id == 5 {
                    return Err(format!("job {id}: invalid input"));
                }
                tokio::select! {
                    _ = token.cancelled() => Err(format!("job {id}: cancelled")),
                    _ = sleep(Duration::from_secs(1)) => Ok(id),
                }
            }
        };
        let start = Instant::now();
        let ids: Vec<u32> = (1..=10).collect();
        let outcome = run_limited(&ids, 3, job).await;
        assert_eq!(outcome, Err("job 5: invalid input".to_string()));
        assert_eq!(*started.lock().unwrap(), [1, 2, 3, 4, 5, 6]); // 7 to 10 never start
        // Jobs 4 and 6 were cancelled when 5 failed, at 1 s: they did not run to 2 s.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
