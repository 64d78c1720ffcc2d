// Shows: with the counter inside a `Mutex`, reading and writing it happen while
// holding the lock, so no other thread can slip in between. No update is lost.
// Run: cargo run -p ch01-11-mutex-counter
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

fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // The guard unlocks when it is dropped, at the end of the statement.
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    // A named guard is dropped before `counter`; edition 2021 needs that spelled out.
    let total = counter.lock().unwrap();
    *total
}

fn main() {
    println!("expected 2000000, counted {}", count(2, 1_000_000));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn two_increments() {
        loom::model(|| assert_eq!(super::count(2, 1), 2));
    }
}
