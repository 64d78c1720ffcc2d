// Shows: `tokio::spawn` starts a task on the runtime; awaiting its `JoinHandle`
// waits for the task and returns its value.
// Run: cargo run -p ch01-03-tokio-spawn
#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        println!("task: running on the tokio runtime");
        6 * 7
    });

    // `.await` suspends `main` (not the thread) until the task is done.
    // The result is an `Err` only if the task panicked or was aborted.
    let answer = handle.await.unwrap();
    println!("main: the task returned {answer}");
}
