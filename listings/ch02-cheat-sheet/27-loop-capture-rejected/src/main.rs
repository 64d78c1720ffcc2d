// Shows: Go's loop-variable gotcha cannot be written in Rust. An `async` block that
// borrows `i` is rejected, because the task may still be running after `i` is gone.
// Run: cargo build --manifest-path listings/ch02-cheat-sheet/27-loop-capture-rejected/Cargo.toml (fails with E0373)
#[tokio::main]
async fn main() {
    let mut tasks = Vec::new();
    for i in 0..3 {
        tasks.push(tokio::spawn(async { println!("{i}") }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}
