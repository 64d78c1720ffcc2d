// Shows: tasks are not waited for. `main` returns, the runtime shuts down, and
// tasks that have not finished are dropped. Here none of them ever gets to run.
// Run: cargo run -p ch01-22-forgetting-to-wait
#[tokio::main(flavor = "current_thread")]
async fn main() {
    for i in 0..5 {
        tokio::spawn(async move {
            println!("task {i}");
        });
    }
    println!("main: returning");
} // the runtime shuts down here and drops the five tasks, unrun
