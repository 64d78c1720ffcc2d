// Shows: the Mutex fix. The read and the write happen under one lock acquisition, so
// no other thread can come between them. Loom checks every interleaving of three threads.
// Run: cargo run -p ch03-21-mutex-counter
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
    *counter.lock().unwrap() += 1; // lock, read, write, unlock: one step to everyone else
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
    fn three_increments() {
        loom::model(|| assert_eq!(super::count(3), 3));
    }
}
