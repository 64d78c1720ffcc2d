// Shows: `go doSomething()` as a thread. Called one after the other, the two functions
// run in order; with `thread::spawn`, `do_something` runs alongside
// `do_something_else`.
// Run: cargo run -p ch02-01-start-thread
use std::thread;

fn do_something() {
    println!("did something");
}

fn do_something_else() {
    println!("did something else");
}

fn main() {
    // Sequential: the second call starts when the first has returned.
    do_something();
    do_something_else();

    // Concurrent: `thread::spawn` takes the function itself, not a call to it.
    let handle = thread::spawn(do_something);
    do_something_else(); // runs while the new thread does its work
    handle.join().unwrap(); // wait for it: returning from main would end it
}
