// Shows: the Go race, `counter++` in two goroutines, with two scoped threads. Both
// closures need `counter` mutably at the same time, and rustc allows only one.
// Run: cargo build --manifest-path listings/ch04-complete-guide/17-race-rejected/Cargo.toml
use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|s| {
        s.spawn(|| counter += 1);
        s.spawn(|| counter += 1);
    });
    println!("counter = {counter}");
}
