// Shows: `fetch_add` reads, adds and writes as one indivisible operation,
// so concurrent increments cannot overwrite each other.
// Run: cargo run -p ch01-12-fetch-add-counter
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

fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    // `join` makes every thread's writes visible here, so `Relaxed` is enough.
    counter.load(Ordering::Relaxed)
}

fn main() {
    println!("expected 2000000, counted {}", count(2, 1_000_000));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn three_increments() {
        loom::model(|| assert_eq!(super::count(3, 1), 3));
    }
}
