// Shows: the worker pool. Workers take jobs from one shared channel until it is closed
// (every sender dropped) and empty; each returns how many jobs it did when it exits.
// Run: cargo run -p ch02-07-worker-pool-threads
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::thread;

fn worker(jobs: Receiver<u32>, results: Sender<(u32, u32)>) -> usize {
    let mut done = 0;
    for job in jobs {
        results.send((job, job * 2)).unwrap();
        done += 1;
    }
    done // the loop ends when the channel is closed and empty: the worker exits
}

/// Runs `jobs` on `workers` threads; returns every result and each worker's job count.
fn run_pool(jobs: Vec<u32>, workers: usize) -> (Vec<(u32, u32)>, Vec<usize>) {
    let (jobs_tx, jobs_rx) = unbounded();
    let (results_tx, results_rx) = unbounded();

    let counts: Vec<usize> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs, results) = (jobs_rx.clone(), results_tx.clone());
                s.spawn(move || worker(jobs, results))
            })
            .collect();
        for job in jobs {
            jobs_tx.send(job).unwrap();
        }
        drop(jobs_tx); // close(jobs): the workers drain the queue, then exit
        // Joining each worker proves it exited, and collects its count.
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    drop(results_tx); // the workers' clones are gone, so this closes the results channel
    (results_rx.iter().collect(), counts)
}

fn main() {
    let (mut results, counts) = run_pool((1..=9).collect(), 3);
    results.sort(); // workers finish jobs in any order
    for (job, result) in results {
        println!("job {job} -> {result}");
    }
    let total: usize = counts.iter().sum();
    println!("{} workers exited after {total} jobs", counts.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn every_job_is_done_exactly_once_and_every_worker_exits() {
        // Run the pool on a thread of its own, so that a worker that never exits fails
        // the test (after a generous limit) instead of hanging it.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || tx.send(run_pool((0..1000).collect(), 4)).unwrap());
        let (mut results, counts) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("run_pool never returned: a worker did not exit");

        results.sort();
        let expected: Vec<(u32, u32)> = (0..1000).map(|j| (j, j * 2)).collect();
        assert_eq!(results, expected); // each job once: none lost, none repeated
        assert_eq!(counts.len(), 4); // every worker returned
        assert_eq!(counts.iter().sum::<usize>(), 1000);
    }
}
