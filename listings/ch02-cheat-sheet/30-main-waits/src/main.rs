// Shows: the fix. Go waits on a `done` channel; in Rust the task's `JoinHandle` already
// is one: awaiting it waits for the task and hands back what it returned.
// Run: cargo run -p ch02-30-main-waits
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let task = tokio::spawn(async {
        println!("hello from a task");
        "done" // the value Go would send on `done`
    });
    println!("main waits");
    println!("task says: {}", task.await.unwrap());
}
