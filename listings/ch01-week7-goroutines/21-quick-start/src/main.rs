// Shows: the chapter's quick-start program. Three threads start, pause and finish;
// the scope plays the part of the WaitGroup, so main prints last.
// Run: cargo run -p ch01-21-quick-start (the worker lines come in a different order each run)
use std::thread;
use std::time::Duration;

fn main() {
    thread::scope(|s| {
        for id in 0..3 {
            s.spawn(move || {
                println!("Worker {id} starting");
                thread::sleep(Duration::from_millis(100));
                println!("Worker {id} done");
            });
        }
    }); // waits here for all three, like `wg.Wait()`
    println!("All workers finished!");
}
