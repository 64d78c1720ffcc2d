// Shows: `crossbeam_utils::sync::WaitGroup` counts clones instead of calls.
// Cloning is `Add(1)`, dropping a clone is `Done()`, `wait()` is `Wait()`.
// Run: cargo run -p ch01-06-crossbeam-waitgroup (lines arrive in any order)
use crossbeam_utils::sync::WaitGroup;
use std::thread;

fn main() {
    let wg = WaitGroup::new();

    for id in 1..=3 {
        let wg = wg.clone(); // one more party to wait for
        // We do not keep the JoinHandle: the WaitGroup alone tells us when it is done.
        thread::spawn(move || {
            println!("worker {id} done");
            drop(wg); // `Done()`; it would also happen at the end of the closure
        });
    }

    wg.wait(); // consumes our own clone, then blocks until every other one is dropped
    println!("all workers reported done");
}
