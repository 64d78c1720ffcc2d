// Shows: the two fixes for the race. The Mutex owns the counter, so every access
// locks it; `fetch_add` increments in one indivisible step. Both always count 2.
// Run: cargo run -p ch04-18-race-fixed
#[cfg(loom)]
use loom::{
    sync::atomic::{AtomicU32, Ordering},
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::atomic::{AtomicU32, Ordering},
    sync::{Arc, Mutex},
    thread,
};

fn with_mutex() -> u32 {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || *counter.lock().unwrap() += 1)
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let total = counter.lock().unwrap(); // a named guard: dropped before `counter`
    *total
}

fn with_atomic() -> u32 {
    let counter = Arc::new(AtomicU32::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || counter.fetch_add(1, Ordering::Relaxed))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    counter.load(Ordering::Relaxed) // `join` made both increments visible here
}

fn main() {
    println!("with a mutex: counter = {}", with_mutex());
    println!("with an atomic: counter = {}", with_atomic());
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn no_increment_is_lost() {
        loom::model(|| {
            assert_eq!(super::with_mutex(), 2);
            assert_eq!(super::with_atomic(), 2);
        });
    }
}
