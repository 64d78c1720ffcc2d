// Shows: the `Add`-inside-the-goroutine bug, written with a `TaskTracker`. A clone of the
// tracker goes into an untracked task, which spawns the job only after `wait` returned.
// Run: cargo run -p ch04-21-tracker-add-inside
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio_util::task::TaskTracker;

// One thread: the untracked tasks can't run before `main` awaits something that waits.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let tracker = TaskTracker::new();
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let (tracker, done) = (tracker.clone(), Arc::clone(&done));
        tokio::spawn(async move {
            // The `Add`, inside the goroutine: the tracker counts the job only from here.
            tracker.spawn(async move {
                done.fetch_add(1, Ordering::SeqCst);
            });
        });
    }
    tracker.close(); // "no more tasks will come": a promise, which nothing enforces
    tracker.wait().await; // closed and empty, so it returns at once
    println!(
        "jobs done when wait returned: {}",
        done.load(Ordering::SeqCst)
    );
}
