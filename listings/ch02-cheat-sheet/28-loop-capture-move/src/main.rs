// Shows: the fix the compiler suggests. `async move` moves `i` into the task; for an
// integer that is a copy, so each task prints its own value, like Go since 1.22.
// Run: cargo run -p ch02-28-loop-capture-move (lines arrive in any order)
#[tokio::main]
async fn main() {
    let mut tasks = Vec::new();
    for i in 0..3 {
        tasks.push(tokio::spawn(async move { println!("{i}") }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}
