// Shows: the Go guide's "panic in a goroutine crashes the program" is false for Rust.
// A panic ends only its own task or thread; the handle reports it, message included.
// Run: cargo run -p ch03-38-panic-in-task (the panic messages also go to stderr)
use std::any::Any;
use std::thread;

/// The message of a panic: `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`.
fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(not a string)"
    }
}

#[tokio::main]
async fn main() {
    let task = tokio::spawn(async { panic!("something went wrong in a task") });
    let sibling = tokio::spawn(async { "the sibling task finished" });

    match task.await {
        Ok(()) => println!("the task finished"),
        Err(e) if e.is_panic() => println!("task panicked: {}", message(&*e.into_panic())),
        Err(_) => println!("the task was cancelled"),
    }
    println!("{}", sibling.await.unwrap()); // the runtime kept running the other tasks

    let worker = thread::spawn(|| panic!("something went wrong in a thread"));
    match worker.join() {
        Ok(()) => println!("the thread finished"),
        Err(payload) => println!("thread panicked: {}", message(&*payload)),
    }
    println!("main continues");
}
