// Shows: error handling without an error channel. Each thread returns a Result;
// collecting into `Result<Vec<_>, _>` stops at the first Err, in the order of the jobs.
// Run: cargo run -p ch01-30-first-error
use std::thread;

fn process_item(item: &str) -> Result<usize, String> {
    item.parse::<usize>()
        .map_err(|e| format!("item {item:?}: {e}"))
}

fn process_all(items: &[&str]) -> Result<Vec<usize>, String> {
    thread::scope(|s| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| s.spawn(move || process_item(item)))
            .collect();
        // Every thread has been spawned already, so all of them run to the end,
        // even the ones after an error; the scope joins any we do not reach.
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect()
    })
}

fn main() {
    println!("{:?}", process_all(&["1", "22", "333"]));
    println!("{:?}", process_all(&["1", "two", "3", "four"]));
}
