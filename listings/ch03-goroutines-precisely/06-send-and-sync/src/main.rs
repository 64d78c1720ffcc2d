// Shows: what to use instead. A `Mutex` is `Sync`, so an `Arc<Mutex<_>>` may go to a task;
// a std guard is fine if it's dropped before the `.await`; tokio's guard may cross one.
// Run: cargo run -p ch03-06-send-and-sync
use std::sync::{Arc, Mutex};

async fn count_hit(hits: Arc<Mutex<u32>>) {
    *hits.lock().unwrap() += 1; // a Mutex hands out `&mut` to one thread at a time
}

async fn record(log: Arc<Mutex<Vec<&'static str>>>) {
    log.lock().unwrap().push("start"); // the guard is dropped at the semicolon...
    tokio::task::yield_now().await; // ...so the task holds no guard here
    log.lock().unwrap().push("end");
}

/// Holds tokio's guard across the `.await`: the two steps happen under one lock.
async fn record_held(log: Arc<tokio::sync::Mutex<Vec<&'static str>>>) {
    let mut entries = log.lock().await; // waits without blocking the thread
    entries.push("start");
    tokio::task::yield_now().await; // the guard is still held: other tasks wait for it
    entries.push("end");
}

#[tokio::main]
async fn main() {
    let hits = Arc::new(Mutex::new(0));
    tokio::spawn(count_hit(Arc::clone(&hits))).await.unwrap();
    println!("hits: {}", hits.lock().unwrap());

    let log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(Arc::clone(&log))).await.unwrap();
    println!("std guard, scoped: {:?}", log.lock().unwrap());

    let log = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let first = tokio::spawn(record_held(Arc::clone(&log)));
    let second = tokio::spawn(record_held(Arc::clone(&log)));
    first.await.unwrap();
    second.await.unwrap();
    println!("tokio guard, held by two tasks: {:?}", log.lock().await);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_tokio_guard_keeps_the_other_task_out() {
        let log = Arc::new(tokio::sync::Mutex::new(Vec::new()));
        let first = tokio::spawn(record_held(Arc::clone(&log)));
        let second = tokio::spawn(record_held(Arc::clone(&log)));
        first.await.unwrap();
        second.await.unwrap();
        // Each task's two entries are together: the other task waited at `lock().await`.
        assert_eq!(*log.lock().await, ["start", "end", "start", "end"]);
    }
}
