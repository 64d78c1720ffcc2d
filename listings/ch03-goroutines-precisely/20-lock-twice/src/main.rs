// Shows: a Mutex does not make a sequence of steps atomic. The value is checked under
// one lock and written under another; in between, another thread can do the same.
// Run: cargo run -p ch03-20-lock-twice (usually prints 100: the bug hides)
#[cfg(loom)]
use loom::{
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Arc, Mutex},
    thread,
};

fn increment(counter: &Mutex<u64>) {
    let seen = *counter.lock().unwrap(); // check: the lock is released at the semicolon
    *counter.lock().unwrap() = seen + 1; // act: `seen` may be stale by now
}

fn count(units: usize) -> u64 {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..units)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || increment(&counter))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let total = counter.lock().unwrap(); // a named guard: dropped before `counter`
    *total
}

fn main() {
    println!("100 threads, one increment each: counted {}", count(100));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn two_increments() {
        loom::model(|| assert_eq!(super::count(2), 2));
    }
}
