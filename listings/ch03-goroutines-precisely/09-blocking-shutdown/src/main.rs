// Shows: a runtime can't interrupt a closure on its blocking pool. Dropping the runtime
// waits for it with no limit; `shutdown_timeout` gives up waiting, and the thread runs on.
// Run: cargo run -p ch03-09-blocking-shutdown
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tokio::runtime::Runtime;

/// A runtime whose blocking pool runs one closure that blocks until `release` is sent to.
fn runtime_with_a_blocked_closure() -> (Runtime, mpsc::Sender<()>, mpsc::Receiver<&'static str>) {
    let runtime = Runtime::new().unwrap();
    let (release, released) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel();
    let (started, has_started) = mpsc::channel();
    runtime.spawn_blocking(move || {
        started.send(()).unwrap();
        let _ = released.recv(); // blocking: no runtime can interrupt this
        let _ = done.send("the blocking closure returned");
    });
    has_started.recv().unwrap(); // it is running, not just queued
    (runtime, release, finished)
}

fn main() {
    // 1. `shutdown_timeout`: waits at most 200 ms, then returns and leaks the thread.
    let (runtime, release, finished) = runtime_with_a_blocked_closure();
    runtime.shutdown_timeout(Duration::from_millis(200));
    println!("shutdown_timeout returned");
    println!("closure done yet? {}", finished.try_recv().is_ok());
    release.send(()).unwrap();
    println!("{}", finished.recv().unwrap());

    // 2. Dropping the runtime (what the end of `#[tokio::main]` does): no limit.
    let (runtime, release, finished) = runtime_with_a_blocked_closure();
    let (dropped, has_dropped) = mpsc::channel();
    let dropper = thread::spawn(move || {
        drop(runtime);
        dropped.send(()).unwrap();
    });
    match has_dropped.recv_timeout(Duration::from_millis(200)) {
        Ok(()) => println!("drop returned at once"),
        Err(_) => {
            println!("200 ms on, drop is still waiting for the closure");
            release.send(()).unwrap();
            has_dropped.recv().unwrap();
        }
    }
    // If the closure's message is already there, drop returned only after the closure did.
    println!(
        "drop returned; closure done? {}",
        finished.try_recv().is_ok()
    );
    dropper.join().unwrap();
}
