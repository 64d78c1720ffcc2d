// Shows: collecting the `JoinHandle` of every thread and joining each one does
// what `wg.Add`, `wg.Done` and `wg.Wait` do in Go, and also returns the results.
// Run: cargo run -p ch01-05-join-handles
use std::thread;

fn main() {
    let mut handles = Vec::new();
    for id in 1..=3 {
        // The handle plays the part of `wg.Add(1)`...
        handles.push(thread::spawn(move || id * 100));
    } // ...and returning from the closure plays the part of `wg.Done()`.

    // Joining every handle is `wg.Wait()`: after this loop, all threads are done.
    let results: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("results: {results:?}");
}
