// Shows: the two fixes for a stalled worker. A long loop yields now and then, and a
// blocking call runs on tokio's blocking thread pool; the helper now runs at once.
// Run: cargo run -p ch03-08-spawn-blocking
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flag = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<&str>();

    let spinner = tokio::spawn({
        let flag = Arc::clone(&flag);
        async move {
            for _ in 0..10_000_000 {
                if flag.load(Ordering::Relaxed) {
                    return "spinner: saw the flag";
                }
                tokio::task::yield_now().await; // let other tasks have the worker
            }
            "spinner: gave up; the flag was never set"
        }
    });

    let blocker = tokio::spawn(async move {
        // The blocking receive runs on a thread of its own; this task just awaits it.
        let received =
            tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)));
        match received.await.unwrap() {
            Ok(message) => format!("blocker: got {message:?}"),
            Err(e) => format!("blocker: {e}"),
        }
    });

    let helper = tokio::spawn(async move {
        flag.store(true, Ordering::Relaxed);
        tx.send("hello").unwrap();
        "helper: ran as soon as the others awaited"
    });

    println!("{}", spinner.await.unwrap());
    println!("{}", blocker.await.unwrap());
    println!("{}", helper.await.unwrap());
}
