// Shows: the atomic fix, Go's `atomic.AddInt64`. `fetch_add` reads and writes in one
// indivisible step. Loom checks every interleaving of three threads.
// Run: cargo run -p ch03-22-fetch-add-counter
#[cfg(loom)]
use loom::{
    sync::Arc,
    sync::atomic::{AtomicU64, Ordering},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::Arc,
    sync::atomic::{AtomicU64, Ordering},
    thread,
};

fn increment(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed); // a counter orders nothing else: Relaxed is enough
}

fn count(units: usize) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..units)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || increment(&counter))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap(); // join makes every increment visible to this thread
    }
    counter.load(Ordering::Relaxed)
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
