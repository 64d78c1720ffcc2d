// Shows: what `sync.WaitGroup` does, done by `thread::scope`: no Add, no Done, no Wait
// to forget. The scope ends only when every thread spawned in it has finished, and the
// threads may borrow `finished` because they cannot outlive it.
// Run: cargo run -p ch02-04-wait-scope (the thread lines arrive in any order)
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

fn main() {
    let finished = AtomicUsize::new(0);
    thread::scope(|s| {
        for id in 0..5 {
            let finished = &finished; // a borrow: no Arc needed inside a scope
            // `move` copies `id` (and the reference) into the thread.
            s.spawn(move || {
                println!("thread {id}");
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
    }); // here every thread has finished: this is `wg.Wait()`
    println!(
        "after the scope: {} of 5 threads finished",
        finished.load(Ordering::SeqCst)
    );
}
