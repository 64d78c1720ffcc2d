// Shows: a worker pool. Any number of threads can receive from one crossbeam channel,
// and each job goes to exactly one of them. Closing the channel stops the pool.
// Run: cargo run -p ch04-12-worker-pool
use crossbeam_channel::bounded;
use std::thread;

/// Runs `jobs` jobs on `workers` threads; returns (job, worker, result) for every job.
fn run_pool(jobs: u64, workers: usize) -> Vec<(u64, usize, u64)> {
    let (job_tx, job_rx) = bounded(jobs as usize);
    let (result_tx, result_rx) = bounded(jobs as usize);

    thread::scope(|s| {
        for worker in 1..=workers {
            let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
            s.spawn(move || {
                for job in job_rx {
                    result_tx.send((job, worker, job * 2)).unwrap();
                }
            });
        }
        for job in 1..=jobs {
            job_tx.send(job).unwrap();
        }
        drop(job_tx); // close the queue: each worker's loop ends once it is empty
    });

    drop(result_tx); // the workers' clones are gone, so this closes the results
    result_rx.iter().collect()
}

fn main() {
    let results = run_pool(100, 5);
    let mut jobs: Vec<u64> = results.iter().map(|&(job, _, _)| job).collect();
    jobs.sort();
    let sum: u64 = results.iter().map(|&(_, _, result)| result).sum();
    println!("{} results, sum {sum}", results.len());
    println!(
        "each job done exactly once: {}",
        jobs == (1..=100).collect::<Vec<_>>()
    );
}

#[cfg(test)]
mod tests {
    use super::run_pool;

    #[test]
    fn every_job_is_done_exactly_once() {
        for (jobs, workers) in [(100, 5), (1, 5), (5, 1), (1000, 8), (0, 3)] {
            let results = run_pool(jobs, workers);
            let mut done: Vec<u64> = results.iter().map(|&(job, _, _)| job).collect();
            done.sort();
            assert_eq!(
                done,
                (1..=jobs).collect::<Vec<_>>(),
                "{jobs} jobs, {workers} workers"
            );
            for (job, worker, result) in results {
                assert_eq!(result, job * 2);
                assert!((1..=workers).contains(&worker));
            }
        }
    }
}
