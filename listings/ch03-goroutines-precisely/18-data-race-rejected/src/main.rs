// Shows: the data race of Go's `counter++` from many goroutines does not compile in Rust,
// whether the threads borrow the counter or the tasks share it through an `Arc`.
// Run: cargo build --manifest-path listings/ch03-goroutines-precisely/18-data-race-rejected/Cargo.toml (fails with E0499 and E0594)
use std::sync::Arc;
use std::thread;

fn threads_borrowing() -> u64 {
    let mut counter = 0;
    thread::scope(|s| {
        for _ in 0..100 {
            s.spawn(|| counter += 1); // every thread wants `&mut counter` at once
        }
    });
    counter
}

async fn tasks_sharing() -> u64 {
    let counter = Arc::new(0);
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let counter = Arc::clone(&counter);
        tasks.push(tokio::spawn(async move { *counter += 1 })); // an Arc gives shared access only
    }
    for task in tasks {
        task.await.unwrap();
    }
    *counter
}

#[tokio::main]
async fn main() {
    println!("threads counted {}", threads_borrowing());
    println!("tasks counted {}", tasks_sharing().await);
}
