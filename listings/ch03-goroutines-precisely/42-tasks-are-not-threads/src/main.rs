// Shows: tasks are not threads, and concurrency is not parallelism. Many tasks share a
// few worker threads; how many can run at the same instant is the number of workers.
// Run: cargo run -p ch03-42-tasks-are-not-threads
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use tokio::runtime::{Builder, Runtime};

#[derive(Default)]
struct Observed {
    threads: Mutex<HashSet<ThreadId>>, // every thread that ran a task
    running: AtomicUsize,              // tasks inside their busy section right now
    most_at_once: AtomicUsize,         // the highest `running` ever seen
}

/// Runs `tasks` tasks on `runtime`; each spins for a moment without an `.await`.
fn observe(runtime: &Runtime, tasks: usize) -> Arc<Observed> {
    let seen = Arc::new(Observed::default());
    runtime.block_on(async {
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    seen.threads.lock().unwrap().insert(thread::current().id());
                    let now = seen.running.fetch_add(1, Ordering::SeqCst) + 1;
                    seen.most_at_once.fetch_max(now, Ordering::SeqCst);
                    for _ in 0..1_000 {
                        std::hint::spin_loop(); // busy, without yielding
                    }
                    seen.running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
    });
    seen
}

fn report(label: &str, workers: usize, seen: &Observed) {
    let threads = seen.threads.lock().unwrap().len();
    let at_once = seen.most_at_once.load(Ordering::SeqCst);
    println!(
        "{label}: 10000 tasks ran on at most {workers} thread(s): {}; \
         at most {workers} ran at the same time: {}",
        threads <= workers,
        at_once <= workers
    );
}

fn main() {
    let one = Builder::new_current_thread().build().unwrap();
    report("current_thread", 1, &observe(&one, 10_000));

    let two = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    report("multi_thread, 2 workers", 2, &observe(&two, 10_000));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_means_one_thread_and_one_task_at_a_time() {
        let seen = observe(&Builder::new_current_thread().build().unwrap(), 1_000);
        assert_eq!(seen.threads.lock().unwrap().len(), 1);
        assert_eq!(seen.most_at_once.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn two_workers_bound_both_counts_by_two() {
        let runtime = Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let seen = observe(&runtime, 1_000);
        assert!(seen.threads.lock().unwrap().len() <= 2);
        assert!(seen.most_at_once.load(Ordering::SeqCst) <= 2);
    }
}
