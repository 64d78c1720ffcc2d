// Shows: Go's two fixes for captured loop variables, in Rust. `move` is Go's
// `go func(val int){...}(i)`; cloning into a new binding is Go's `i := i`.
// Run: cargo run -p ch04-22-loop-variables
use std::sync::Arc;
use std::thread;

fn main() {
    // Each iteration has its own `i`; `move` copies it into the thread.
    let mut handles = Vec::new();
    for i in 0..10 {
        handles.push(thread::spawn(move || i));
    }
    let seen: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("{seen:?}");

    // A value that isn't `Copy` can be moved only once: give each thread its own clone.
    let prefix = Arc::new(String::from("job"));
    let mut handles = Vec::new();
    for i in 0..3 {
        let prefix = Arc::clone(&prefix); // this iteration's own handle to the string
        handles.push(thread::spawn(move || format!("{prefix} {i}")));
    }
    for handle in handles {
        println!("{}", handle.join().unwrap());
    }
    println!("and `prefix` is still ours: {prefix}");
}
