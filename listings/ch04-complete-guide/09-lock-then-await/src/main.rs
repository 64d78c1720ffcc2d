// Shows: two ways to await while sharing data. Usually, finish with the std lock
// before the `.await`; when the lock must span the await, use tokio's Mutex.
// Run: cargo run -p ch04-09-lock-then-await
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn write_to_disk(_line: &str) {
    tokio::time::sleep(Duration::from_millis(10)).await; // stands in for real I/O
}

// Fix 1: the guard lives in a block that ends before the `.await`.
async fn save(log: Arc<Mutex<Vec<String>>>, line: String) {
    {
        let mut entries = log.lock().unwrap();
        entries.push(line.clone());
    } // unlocked here
    write_to_disk(&line).await;
}

// Fix 2: tokio's Mutex can be held across `.await`; its `lock` is itself async.
async fn save_in_order(file: Arc<tokio::sync::Mutex<Vec<String>>>, line: String) {
    let mut lines = file.lock().await; // waits without blocking the thread
    write_to_disk(&line).await; // no other writer can get in between...
    lines.push(line); // ...so the lines are written in the order they were locked
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let file = Arc::new(tokio::sync::Mutex::new(Vec::new()));

    let task = tokio::spawn(save(Arc::clone(&log), "hello".to_string()));
    let other = tokio::spawn(save_in_order(Arc::clone(&file), "world".to_string()));
    task.await.unwrap();
    other.await.unwrap();

    println!("log: {:?}", log.lock().unwrap());
    println!("file: {:?}", file.lock().await);
}
