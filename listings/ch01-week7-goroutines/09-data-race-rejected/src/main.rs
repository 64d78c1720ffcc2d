// Shows: two threads that both write `counter` need two `&mut` borrows at once.
// The borrow checker allows only one, so this data race never compiles.
// Run: cargo build -p ch01-09-data-race-rejected (fails with E0499)
use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|s| {
        s.spawn(|| counter += 1);
        s.spawn(|| counter += 1);
    });
    println!("counter = {counter}");
}
