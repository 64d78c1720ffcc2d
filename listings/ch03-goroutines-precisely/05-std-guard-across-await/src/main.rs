// Shows: a `std::sync::MutexGuard` is not `Send`, so a spawned task may not hold one
// across an `.await`, where the task can move to another thread.
// Run: cargo build --manifest-path listings/ch03-goroutines-precisely/05-std-guard-across-await/Cargo.toml (fails: the future is not Send)
use std::sync::{Arc, Mutex};

async fn record(log: Arc<Mutex<Vec<&'static str>>>) {
    let mut entries = log.lock().unwrap();
    entries.push("start");
    tokio::task::yield_now().await; // the guard is still alive here
    entries.push("end");
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(Arc::clone(&log))).await.unwrap();
    println!("{:?}", log.lock().unwrap());
}
