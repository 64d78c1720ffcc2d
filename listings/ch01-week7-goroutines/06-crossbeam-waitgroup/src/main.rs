// Shows: `crossbeam_utils::sync::WaitGroup` counts clones instead of calls.
// Cloning is `Add(1)`, dropping a clone is `Done()`, `wait()` is `Wait()`.
// Run: cargo run -p ch01-06-crossbeam-waitgroup (worker lines arrive in any order)
use crossbeam_utils::sync::WaitGroup;
use std::thread;

/// Starts three workers and waits for all of them; every line goes to `report`.
fn run(report: impl Fn(String) + Clone + Send + 'static) {
    let wg = WaitGroup::new();

    for id in 1..=3 {
        let wg = wg.clone(); // one more party to wait for
        let report = report.clone();
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
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    const LAST: &str = "all workers reported done";

    #[test]
    fn the_last_line_comes_after_every_worker() {
        let log = Arc::new((Mutex::new(Vec::<String>::new()), Condvar::new()));
        let shared = Arc::clone(&log);
        super::run(move |line| {
            let (lines, changed) = &*shared;
            let mut lines = lines.lock().unwrap();
            if line.starts_with("worker") {
                // Hold each worker's line back until the last line is written, or for
                // one second. With the wait in place the last line can't come first, so
                // this only ever times out; without it, the last line comes first.
                let timeout = Duration::from_secs(1);
                let not_yet = |lines: &mut Vec<String>| !lines.iter().any(|l| l == LAST);
                lines = changed
                    .wait_timeout_while(lines, timeout, not_yet)
                    .unwrap()
                    .0;
            }
            lines.push(line);
            changed.notify_all();
        });
        let lines = log.0.lock().unwrap();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[3], LAST);
    }
}
