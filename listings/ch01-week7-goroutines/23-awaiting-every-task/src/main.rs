// Shows: the fix for forgetting to wait. Keep every `JoinHandle` and await it;
// `main` cannot return until each task has finished.
// Run: cargo run -p ch01-23-awaiting-every-task
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut handles = Vec::new();
    for i in 0..5 {
        handles.push(tokio::spawn(async move {
            println!("task {i}");
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    println!("main: returning");
}
