// Shows: a race that compiles. Each load and each store is atomic, but the increment
// is two steps, and another thread can store in between. Loom finds the lost update.
// Run: cargo run -p ch03-19-atomic-load-then-store (usually prints 100: the bug hides)
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
    let seen = counter.load(Ordering::SeqCst);
    // Another thread may load the same value here, and both store seen + 1.
    counter.store(seen + 1, Ordering::SeqCst);
}

/// Starts `units` threads that each increment the counter once, like Go's
/// `for i := 0; i < 100; i++ { go func() { counter++ }() }`, and waits for them all.
fn count(units: usize) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..units)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || increment(&counter))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    counter.load(Ordering::SeqCst)
}

fn main() {
    println!("100 threads, one increment each: counted {}", count(100));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn two_increments() {
        // Every interleaving of two threads; in one of them, both load 0.
        loom::model(|| assert_eq!(super::count(2), 2));
    }
}
