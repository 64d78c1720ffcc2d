// Shows: a fixed pool of worker threads pulling jobs from one shared channel.
// Dropping the job sender closes the channel, and that is what stops the workers.
// Run: cargo run -p ch01-14-worker-pool
use crossbeam_channel::unbounded;
use std::thread;

fn main() {
    let (jobs_tx, jobs_rx) = unbounded::<u64>();
    let (results_tx, results_rx) = unbounded::<(u64, u64)>();

    thread::scope(|s| {
        for _ in 0..3 {
            // crossbeam receivers can be cloned: every worker takes from the same queue.
            let jobs_rx = jobs_rx.clone();
            let results_tx = results_tx.clone();
            s.spawn(move || {
                // The loop ends once the channel is closed and empty.
                for n in jobs_rx {
                    results_tx.send((n, n * n)).unwrap();
                }
            });
        }

        for n in 1..=6 {
            jobs_tx.send(n).unwrap();
        }
        drop(jobs_tx); // no more jobs: the workers finish what is queued, then exit
    });
    drop(results_tx); // the workers' clones are gone too, so the results channel closes

    let mut results: Vec<_> = results_rx.iter().collect();
    results.sort(); // which worker finished first varies; sort for a stable report
    for (n, square) in results {
        println!("{n}^2 = {square}");
    }
}
