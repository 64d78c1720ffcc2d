// Shows: the panic strategy decides what a panic in a thread does to the process. With
// the default, unwinding, main carries on; built with `panic = "abort"`, as in Go, it dies.
// Run: cargo run -p ch03-40-panic-abort; the test builds it with `-C panic=abort` too.
use std::sync::mpsc;
use std::thread;

fn main() {
    let (waiting, go_ahead) = mpsc::channel::<()>();
    let worker = thread::spawn(move || {
        go_ahead.recv().unwrap(); // fail only once main is waiting: the order never varies
        panic!("the worker failed")
    });
    println!("main: waiting for the worker");
    waiting.send(()).unwrap();
    match worker.join() {
        Ok(()) => println!("main: the worker finished"),
        Err(_) => println!("main: the worker panicked; main carries on"),
    }
}
