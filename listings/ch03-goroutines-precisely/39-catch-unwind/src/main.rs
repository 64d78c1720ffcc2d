// Shows: `catch_unwind`, the counterpart of a deferred `recover()`. The worker thread runs
// each job inside it, so one panicking job is reported and the worker carries on.
// Run: cargo run -p ch03-39-catch-unwind (the panic message also goes to stderr)
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

fn handle(job: u32) -> u32 {
    if job == 2 {
        panic!("job {job} is malformed");
    }
    job * 10
}

fn main() {
    let (jobs, inbox) = mpsc::channel::<u32>();
    let worker = thread::spawn(move || {
        let mut report = Vec::new();
        for job in inbox {
            // AssertUnwindSafe: we promise that `handle` leaves nothing half-updated
            // that we would use after a panic. It only reads `job`.
            match panic::catch_unwind(AssertUnwindSafe(|| handle(job))) {
                Ok(result) => report.push(format!("job {job}: {result}")),
                Err(_) => report.push(format!("job {job}: panicked, skipped")),
            }
        }
        report
    });

    for job in 1..=3 {
        jobs.send(job).unwrap();
    }
    drop(jobs); // no more jobs: the worker's loop ends
    for line in worker.join().expect("the worker itself never panics") {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_err_value() {
        let caught = panic::catch_unwind(|| handle(2));
        let payload = caught.unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().unwrap(),
            "job 2 is malformed"
        );
        assert_eq!(panic::catch_unwind(|| handle(3)).unwrap(), 30);
    }
}
