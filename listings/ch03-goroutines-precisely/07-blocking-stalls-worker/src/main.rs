// Shows: a task gives up its worker thread only at an `.await`. A loop without one, or a
// blocking call, keeps every other task on that worker waiting: here, the helper.
// Run: cargo run -p ch03-07-blocking-stalls-worker
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")] // one worker thread, so the outcome is certain
async fn main() {
    let flag = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<&str>(); // a std channel: `recv` blocks the thread

    // A tight loop, waiting for the helper to set the flag. No `.await` inside.
    let spinner = tokio::spawn({
        let flag = Arc::clone(&flag);
        async move {
            for _ in 0..10_000_000 {
                if flag.load(Ordering::Relaxed) {
                    return "spinner: saw the flag";
                }
            }
            "spinner: gave up; the flag was never set"
        }
    });

    // A blocking call, waiting for the helper's message.
    let blocker = tokio::spawn(async move {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(message) => format!("blocker: got {message:?}"),
            Err(e) => format!("blocker: {e}"),
        }
    });

    // The helper would answer both at once, if it got to run.
    let helper = tokio::spawn(async move {
        flag.store(true, Ordering::Relaxed);
        match tx.send("hello") {
            Ok(()) => "helper: sent in time",
            Err(_) => "helper: ran last; the blocker had already given up",
        }
    });

    println!("{}", spinner.await.unwrap());
    println!("{}", blocker.await.unwrap());
    println!("{}", helper.await.unwrap());
}
