// Shows: the chapter's quick-start program. Three threads start, pause and finish;
// the scope plays the part of the WaitGroup, so the last line comes last.
// Run: cargo run -p ch01-21-quick-start (the worker lines come in a different order each run)
use std::thread;
use std::time::Duration;

/// The whole program. Every line goes to `report`.
fn run(report: fn(String)) {
    thread::scope(|s| {
        for id in 0..3 {
            s.spawn(move || {
                report(format!("Worker {id} starting"));
                thread::sleep(Duration::from_millis(100));
                report(format!("Worker {id} done"));
            });
        }
    }); // waits here for all three, like `wg.Wait()`
    report("All workers finished!".to_string());
}

fn main() {
    run(|line| println!("{line}"));
}

#[cfg(test)]
mod tests {
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    const LAST: &str = "All workers finished!";
    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static CHANGED: Condvar = Condvar::new();

    /// Records a line. Holds each `done` back until the last line is in, or for one
    /// second: with the scope waiting that only ever times out, and without it the last
    /// line is recorded before any `done`.
    fn record(line: String) {
        let mut lines = LINES.lock().unwrap();
        if line.ends_with("done") {
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
    fn each_worker_starts_before_it_is_done_and_the_last_line_is_last() {
        super::run(record);
        let lines = LINES.lock().unwrap();
        assert_eq!(lines.len(), 7, "{lines:?}");
        assert!(
            lines[6] == LAST,
            "the last line must come last, after every worker"
        );
        for id in 0..3 {
            let at = |what: &str| {
                lines
                    .iter()
                    .position(|l| *l == format!("Worker {id} {what}"))
            };
            assert!(at("starting").unwrap() < at("done").unwrap(), "{lines:?}");
        }
    }
}
