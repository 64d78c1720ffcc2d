// Shows: the two ways to run `say_hello` alongside `main`: on a thread and as a task.
// Each spawn returns a handle, and waiting on it replaces Go's `time.Sleep`.
// Run: cargo run -p ch04-02-spawn-and-wait
use std::thread;

fn say_hello(from: &str) {
    println!("Hello from {from}");
}

#[tokio::main]
async fn main() {
    let thread = thread::spawn(|| say_hello("a thread"));
    let task = tokio::spawn(async { say_hello("a task") });

    println!("Hello from main");

    thread.join().unwrap(); // returns as soon as the thread has finished
    task.await.unwrap(); // likewise for the task
}
