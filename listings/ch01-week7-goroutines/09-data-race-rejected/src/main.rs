// Shows: two threads that both write `counter` need two `&mut` borrows at once.
// The borrow checker allows only one, so this data race never compiles.
// Run: cargo build --manifest-path listings/ch01-week7-goroutines/09-data-race-rejected/Cargo.toml (fails with E0499)
use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|s| {
        s.spawn(|| counter += 1);
        s.spawn(|| counter += 1);
    });
    println!("counter = {counter}");
}
