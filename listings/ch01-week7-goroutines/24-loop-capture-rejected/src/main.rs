// Shows: a closure passed to `thread::spawn` may not borrow a loop variable,
// because the thread may still be running after that variable is gone.
// Run: cargo build --manifest-path listings/ch01-week7-goroutines/24-loop-capture-rejected/Cargo.toml (fails with E0373)
use std::thread;

fn main() {
    let mut handles = Vec::new();
    for i in 0..5 {
        handles.push(thread::spawn(|| println!("{i}")));
    }
    for handle in handles {
        handle.join().unwrap();
    }
}
