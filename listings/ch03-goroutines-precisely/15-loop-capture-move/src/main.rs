// Shows: the fix for loop capture. `async move` moves `i` into each task; `i` is Copy,
// so each task gets its own copy. A String is cloned, then the clone is moved.
// Run: cargo run -p ch03-15-loop-capture-move
#[tokio::main]
async fn main() {
    let label = String::from("task");
    let mut tasks = Vec::new();
    for i in 0..5 {
        let label = label.clone(); // this iteration's own copy, for the task to own
        tasks.push(tokio::spawn(async move { println!("{label} {i}") }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    println!("main still has its {label:?}");
}
