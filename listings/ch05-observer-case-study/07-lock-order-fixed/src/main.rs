// Shows: the fix for a lock-ordering deadlock. Every method that needs both locks takes
// `pending` first, then `stats`, so no thread can hold the second while waiting for the first.
// Run: cargo run -p ch05-07-lock-order-fixed
#[cfg(loom)]
use loom::{
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Arc, Mutex},
    thread,
};

// Lock order: `pending` before `stats`, in every method.
#[derive(Default)]
struct Observer {
    pending: Mutex<Vec<String>>,
    stats: Mutex<usize>, // entries logged so far
}

impl Observer {
    fn log(&self, entry: &str) {
        let mut pending = self.pending.lock().unwrap();
        pending.push(entry.to_string());
        *self.stats.lock().unwrap() += 1;
    }

    fn report(&self) -> String {
        let pending = self.pending.lock().unwrap();
        let logged = self.stats.lock().unwrap();
        format!("{} logged, {} pending", *logged, pending.len())
    }
}

fn log_and_report() -> String {
    let observer = Arc::new(Observer::default());
    let logger = {
        let observer = Arc::clone(&observer);
        thread::spawn(move || observer.log("entry"))
    };
    let report = observer.report();
    logger.join().unwrap();
    report
}

/// Holding both locks, `report` sees the entry in both places or in neither.
fn consistent(report: &str) -> bool {
    report == "0 logged, 0 pending" || report == "1 logged, 1 pending"
}

fn main() {
    for _ in 0..1000 {
        assert!(consistent(&log_and_report()));
    }
    println!("1000 runs: no deadlock, and every report was consistent");
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn log_and_report() {
        loom::model(|| assert!(super::consistent(&super::log_and_report())));
    }
}
