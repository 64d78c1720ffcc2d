// Shows: a std MutexGuard held across `.await`. The task could resume on another
// thread, and a std guard must be unlocked on the thread that locked it.
// Run: cargo build --manifest-path listings/ch04-complete-guide/08-guard-across-await/Cargo.toml
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn save(log: Arc<Mutex<Vec<String>>>, line: String) {
    let mut entries = log.lock().unwrap();
    entries.push(line);
    tokio::time::sleep(Duration::from_millis(10)).await; // say, writing to disk
}

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let task = tokio::spawn(save(Arc::clone(&log), "hello".to_string()));
    task.await.unwrap();
    println!("{} entries", log.lock().unwrap().len());
}
