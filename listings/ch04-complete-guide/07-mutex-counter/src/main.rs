// Shows: shared data behind a Mutex. The counter lives inside the lock, so there is
// no way to touch it without locking, and the guard unlocks when it is dropped.
// Run: cargo run -p ch04-07-mutex-counter
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0));
    let mut tasks = JoinSet::new();

    for _ in 0..1000 {
        let counter = Arc::clone(&counter);
        tasks.spawn(async move {
            *counter.lock().unwrap() += 1; // lock, increment, unlock at the `;`
        });
    }

    tasks.join_all().await;
    println!("Final counter value: {}", counter.lock().unwrap());
}
