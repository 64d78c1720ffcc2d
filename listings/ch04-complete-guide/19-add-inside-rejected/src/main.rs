// Shows: "Add inside the goroutine" with a WaitGroup whose clone is the `Add`. Cloning
// it inside the thread means moving the original in, so nothing is left to wait on.
// Run: cargo build --manifest-path listings/ch04-complete-guide/19-add-inside-rejected/Cargo.toml
use crossbeam_utils::sync::WaitGroup;
use std::thread;

fn main() {
    let wg = WaitGroup::new();
    for i in 0..10 {
        thread::spawn(move || {
            let done = wg.clone(); // the `Add(1)`, too late: the thread is already running
            println!("job {i}");
            drop(done); // the `Done()`
        });
    }
    wg.wait();
}
