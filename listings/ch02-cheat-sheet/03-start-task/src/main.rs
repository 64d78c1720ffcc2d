// Shows: `go f()` as a tokio task. `tokio::spawn` takes a future: the call of an `async
// fn`, or an `async move` block, Rust's anonymous goroutine. An unawaited, unspawned
// call does nothing.
// Run: cargo run -p ch02-03-start-task
async fn do_something() {
    println!("did something");
}

#[tokio::main]
async fn main() {
    // Sequential: each call runs when it is awaited.
    do_something().await;

    // Concurrent: spawn the future as a task, like `go doSomething()`.
    let named = tokio::spawn(do_something());

    // An anonymous task with a "parameter": `async move` takes `msg` with it.
    let msg = String::from("hello from a task");
    let anonymous = tokio::spawn(async move { println!("{msg}") });

    named.await.unwrap(); // awaiting a handle waits for its task
    anonymous.await.unwrap();
}
