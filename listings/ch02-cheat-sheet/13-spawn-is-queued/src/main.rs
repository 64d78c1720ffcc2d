// Shows: "the goroutine starts immediately" is not quite true, for goroutines or tasks.
// `spawn` only queues the task; on a one-thread runtime it runs when `main` first
// awaits.
// Run: cargo run -p ch02-13-spawn-is-queued
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&started);
    let task = tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });

    println!("spawned; started yet? {}", started.load(Ordering::SeqCst));
    task.await.unwrap(); // main gives up the thread here, and the task runs
    println!("awaited; started yet? {}", started.load(Ordering::SeqCst));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test] // a current-thread runtime, like main's
    async fn a_task_runs_only_once_the_spawner_awaits() {
        let started = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&started);
        let task = tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
        assert!(!started.load(Ordering::SeqCst));
        assert!(!task.is_finished());
        task.await.unwrap();
        assert!(started.load(Ordering::SeqCst));
    }
}
