// Shows: "the goroutine starts immediately" is not quite true, for goroutines or tasks.
// `spawn` only queues the task; on a one-thread runtime it runs when `main` first
// awaits.
// Run: cargo run -p ch02-13-spawn-is-queued
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Spawns a task that sets a flag. Returns whether the flag was set right after the
/// spawn, and after awaiting the task.
async fn spawn_and_look() -> (bool, bool) {
    let started = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&started);
    let task = tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
    let right_after_spawn = started.load(Ordering::SeqCst);
    task.await.unwrap(); // the spawner gives up the thread here, and the task runs
    (right_after_spawn, started.load(Ordering::SeqCst))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (right_after_spawn, after_await) = spawn_and_look().await;
    println!("spawned; started yet? {right_after_spawn}");
    println!("awaited; started yet? {after_await}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test] // a current-thread runtime, like main's
    async fn a_task_runs_only_once_the_spawner_awaits() {
        assert_eq!(spawn_and_look().await, (false, true));
    }
}
