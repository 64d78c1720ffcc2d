//! The page's claim about the order: the worker lines come out in any order, but
//! `All workers done` is printed only after all ten of them, so it is always last.
use std::process::Command;

#[test]
fn all_workers_done_comes_after_every_worker_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_ch04-04-joinset-workers"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let (last, workers) = lines.split_last().unwrap();

    let mut workers = workers.to_vec();
    workers.sort_unstable();
    let mut expected: Vec<String> = (1..=5)
        .flat_map(|id| [format!("Worker {id} starting"), format!("Worker {id} done")])
        .collect();
    expected.sort_unstable();
    // One message, whatever the run printed: which lines came late varies from run to run.
    assert!(
        *last == "All workers done" && workers == expected,
        "`All workers done` must come last, after every worker has started and finished"
    );
}
