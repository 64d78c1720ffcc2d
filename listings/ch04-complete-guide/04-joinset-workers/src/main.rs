// Shows: a `JoinSet` as a WaitGroup for tasks. `spawn` adds a task to the set,
// and `join_all` waits until every task in it has finished.
// Run: cargo run -p ch04-04-joinset-workers
use std::time::Duration;
use tokio::task::JoinSet;

async fn worker(id: u32) {
    println!("Worker {id} starting");
    tokio::time::sleep(Duration::from_millis(100)).await; // stands in for real work
    println!("Worker {id} done");
}

#[tokio::main]
async fn main() {
    let mut workers = JoinSet::new();
    for id in 1..=5 {
        workers.spawn(worker(id));
    }
    workers.join_all().await; // panics if a worker panicked
    println!("All workers done");
}
