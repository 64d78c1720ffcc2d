// Shows: what `sync.WaitGroup` does, done by `thread::scope`: no Add, no Done, no Wait
// to forget. The scope ends only when every thread spawned in it has finished.
// Run: cargo run -p ch02-04-wait-scope
use std::thread;

fn main() {
    thread::scope(|s| {
        for id in 0..5 {
            // `move` copies `id` into the thread.
            s.spawn(move || println!("thread {id}"));
        }
    }); // here every thread has finished: this is `wg.Wait()`
    println!("all threads finished");
}
