// Shows: the fix for the borrowed loop variable. `move` copies `i` into each
// closure, so every thread prints its own number.
// Run: cargo run -p ch01-25-loop-capture-move (the lines come in any order)
use std::thread;

fn main() {
    let mut handles = Vec::new();
    for i in 0..5 {
        handles.push(thread::spawn(move || println!("{i}")));
    }
    for handle in handles {
        handle.join().unwrap();
    }
}
