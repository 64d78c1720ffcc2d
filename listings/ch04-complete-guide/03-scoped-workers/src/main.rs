// Shows: `thread::scope` as a WaitGroup. Each `s.spawn` is an `Add(1)`, each worker
// returning is its `Done()`, and the end of the scope is the `Wait()`.
// Run: cargo run -p ch04-03-scoped-workers
use std::thread;
use std::time::Duration;

fn worker(id: u32) {
    println!("Worker {id} starting");
    thread::sleep(Duration::from_millis(100)); // stands in for real work
    println!("Worker {id} done");
}

fn main() {
    thread::scope(|s| {
        for id in 1..=5 {
            s.spawn(move || worker(id));
        }
    }); // every thread spawned in the scope has finished here
    println!("All workers done");
}
