// Shows: an atomic load followed by an atomic store is not an atomic increment.
// It compiles and has no data race, but two threads can both read 0 and write 1.
// Run: cargo run -p ch01-10-lost-update (the count varies from run to run)
#[cfg(loom)]
use loom::{
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};

fn increment(counter: &AtomicUsize) {
    let current = counter.load(Ordering::SeqCst);
    // Another thread may store here, between our load and our store.
    counter.store(current + 1, Ordering::SeqCst);
}

fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    increment(&counter);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    counter.load(Ordering::SeqCst)
}

fn main() {
    println!("expected 2000000, counted {}", count(2, 1_000_000));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn two_increments() {
        // loom runs this closure once for every way the two threads can interleave.
        loom::model(|| assert_eq!(super::count(2, 1), 2));
    }
}
