// Shows: when `main` returns, the process exits and other threads stop where they are.
// Unlike tokio's shutdown, nothing is dropped: the worker's guard never reports.
// Run: cargo run -p ch03-26-thread-killed-at-exit
use std::sync::mpsc;
use std::thread;

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        println!("worker: cleaned up"); // never printed
    }
}

fn main() {
    let (started, has_started) = mpsc::channel();
    thread::spawn(move || {
        let _guard = Guard;
        println!("worker: started");
        started.send(()).unwrap();
        loop {
            thread::park(); // waits for work that never comes
        }
    });
    has_started.recv().unwrap();
    println!("main: returning");
}
