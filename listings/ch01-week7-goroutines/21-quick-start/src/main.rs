// Shows: the chapter's quick-start program. Three threads start, pause and finish;
// the scope plays the part of the WaitGroup, so the last line comes last.
// Run: cargo run -p ch01-21-quick-start (the worker lines come in a different order each run)
use std::thread;
use std::time::Duration;

/// The whole program; every line it prints goes to `report`.
fn run(report: impl Fn(String) + Sync) {
    let report = &report;
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

    #[test]
    fn each_worker_starts_before_it_is_done_and_the_last_line_is_last() {
        let (log, changed) = (Mutex::new(Vec::<String>::new()), Condvar::new());
        super::run(|line| {
            let mut lines = log.lock().unwrap();
            if line.ends_with("done") {
                // Hold each `done` back until the last line is written, or for one
                // second. With the scope waiting, this only ever times out.
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
        let lines = log.into_inner().unwrap();
        assert_eq!(lines.len(), 7, "{lines:?}");
        assert_eq!(lines[6], LAST);
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
