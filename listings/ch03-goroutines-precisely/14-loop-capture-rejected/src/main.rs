// Shows: Go's loop-capture bug cannot be written with tokio tasks. An `async` block
// borrows `i` unless told otherwise, and `tokio::spawn` refuses borrowed data.
// Run: cargo build --manifest-path listings/ch03-goroutines-precisely/14-loop-capture-rejected/Cargo.toml (fails with E0373)
#[tokio::main]
async fn main() {
    let mut tasks = Vec::new();
    for i in 0..5 {
        tasks.push(tokio::spawn(async { println!("task {i}") }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}
