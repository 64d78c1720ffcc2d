// Shows: `crossbeam_utils::sync::WaitGroup` counts clones instead of calls.
// Cloning is `Add(1)`, dropping a clone is `Done()`, `wait()` is `Wait()`.
// Run: cargo run -p ch01-06-crossbeam-waitgroup (worker lines arrive in any order)
use crossbeam_utils::sync::WaitGroup;
use std::thread;

/// Starts three workers and waits for all of them. Every line goes to `report`.
fn run(report: fn(String)) {
    let wg = WaitGroup::new();

    for id in 1..=3 {
        let wg = wg.clone(); // one more party to wait for
        // We do not keep the JoinHandle: the WaitGroup alone tells us when it is done.
        thread::spawn(move || {
            report(format!("worker {id} done"));
            drop(wg); // `Done()`; it would also happen at the end of the closure
        });
    }

    wg.wait(); // consumes our own clone, then blocks until every other one is dropped
    report("all workers reported done".to_string());
}

fn main() {
    run(|line| println!("{line}"));
}

#[cfg(test)]
mod tests {
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    const LAST: &str = "all workers reported done";
    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static CHANGED: Condvar = Condvar::new();

    /// Records a line. Holds each worker's line back until the last line is in, or for
    /// one second: with the wait in place that only ever times out, and without it the
    /// last line is recorded first.
    fn record(line: String) {
        let mut lines = LINES.lock().unwrap();
        if line.starts_with("worker") {
            let not_yet = |lines: &mut Vec<String>| !lines.iter().any(|l| l == LAST);
            let timeout = Duration::from_secs(1);
            lines = CHANGED
                .wait_timeout_while(lines, timeout, not_yet)
                .unwrap()
                .0;
        }
        lines.push(line);
        CHANGED.notify_all();
    }

    #[test]
    fn the_last_line_comes_after_every_worker() {
        super::run(record);
        let last_at = LINES.lock().unwrap().iter().position(|l| l == LAST);
        assert_eq!(
            last_at,
            Some(3),
            "the last line must come fourth, after the workers"
        );
    }
}
