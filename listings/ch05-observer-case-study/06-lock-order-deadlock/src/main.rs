// Shows: a deadlock by lock ordering. `log` locks `pending` then `stats`; `report` locks
// `stats` then `pending`. If each takes its first lock, both wait for ever.
// Run: don't; loom finds the deadlock (see the test at the bottom)
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

#[derive(Default)]
struct Observer {
    pending: Mutex<Vec<String>>,
    stats: Mutex<usize>, // entries logged so far
}

impl Observer {
    fn log(&self, entry: &str) {
        let mut pending = self.pending.lock().unwrap();
        pending.push(entry.to_string());
        *self.stats.lock().unwrap() += 1; // holds `pending`, waits for `stats`
    }

    fn report(&self) -> String {
        let logged = self.stats.lock().unwrap();
        let pending = self.pending.lock().unwrap(); // holds `stats`, waits for `pending`
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

fn main() {
    for _ in 0..1000 {
        log_and_report(); // sooner or later, one of these never returns
    }
    println!("1000 runs without a deadlock: lucky");
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn log_and_report() {
        loom::model(|| {
            super::log_and_report();
        });
    }
}
