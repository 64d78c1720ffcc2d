// Shows: the fix, Go's WaitGroup for tasks. Every task goes into a JoinSet, and main
// drains the set before it returns, so no task is cut off by the runtime's shutdown.
// Run: cargo run -p ch03-25-joinset-waits
use tokio::task::JoinSet;

async fn save_records(table: &str, total: u32) -> u32 {
    for record in 1..=total {
        println!("{table}: saved record {record}");
        tokio::task::yield_now().await; // stands in for the next write's I/O
    }
    total
}

#[tokio::main(flavor = "current_thread")] // one thread: the tasks take turns in a fixed order
async fn main() {
    let mut tasks = JoinSet::new();
    tasks.spawn(save_records("orders", 3));
    tasks.spawn(save_records("invoices", 2));

    let mut saved = 0;
    while let Some(result) = tasks.join_next().await {
        saved += result.expect("a save task panicked");
    }
    println!("main: {saved} records saved, returning");
}
