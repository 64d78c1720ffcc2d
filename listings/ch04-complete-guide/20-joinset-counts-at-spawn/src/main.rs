// Shows: why "Add inside the goroutine" can't happen with a JoinSet. `spawn` registers
// the task in the set, in the caller, before the task runs; `join_all` waits for all.
// Run: cargo run -p ch04-20-joinset-counts-at-spawn
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::task::JoinSet;

fn spawn_jobs(started: &Arc<AtomicUsize>) -> JoinSet<u32> {
    let mut jobs = JoinSet::new();
    for i in 0..10 {
        let started = Arc::clone(started);
        jobs.spawn(async move {
            started.fetch_add(1, Ordering::SeqCst);
            i * i
        });
    }
    jobs
}

// One thread: no job can start before `main` awaits something.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Arc::new(AtomicUsize::new(0));
    let jobs = spawn_jobs(&started);
    println!(
        "jobs in the set: {}, jobs started: {}",
        jobs.len(),
        started.load(Ordering::SeqCst)
    );

    let results = jobs.join_all().await;
    let sum: u32 = results.iter().sum();
    println!("jobs finished: {}, sum of results: {sum}", results.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    // On several threads the jobs may already be running, or done; either way each one
    // is in the set until it is joined, so the count can't be too low.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_job_is_counted_at_spawn_and_joined() {
        for _ in 0..100 {
            let started = Arc::new(AtomicUsize::new(0));
            let jobs = spawn_jobs(&started);
            assert_eq!(jobs.len(), 10);
            assert_eq!(jobs.join_all().await.len(), 10);
            assert_eq!(started.load(Ordering::SeqCst), 10);
        }
    }
}
