// Shows: waiting for a group of tasks with a `JoinSet`: spawn into the set, then take
// the results out as the tasks finish. The set is empty exactly when every task has
// finished.
// Run: cargo run -p ch02-05-wait-joinset
use tokio::task::JoinSet;

#[tokio::main]
async fn main() {
    let mut set = JoinSet::new();
    for id in 0..5u32 {
        set.spawn(async move { id * 10 }); // one task per id; each returns a value
    }

    let mut results = Vec::new();
    while let Some(result) = set.join_next().await {
        results.push(result.unwrap()); // `Err` would mean that task panicked
    }
    results.sort(); // tasks finish in any order
    println!("all tasks finished: {results:?}");
}
