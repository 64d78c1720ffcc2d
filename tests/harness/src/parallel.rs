//! Independent jobs on a few threads, results in the jobs' order: for steps whose jobs
//! (one chapter under `mdbook test`, one page in a browser, one listing copied out) each
//! use about one core.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many jobs run at once: the two cores of the machine the book is checked on. More
/// would only make each job slower, and its time limit tighter.
pub const WORKERS: usize = 2;

/// Runs `f` on every item, [`WORKERS`] at a time (each worker takes the next item not yet
/// taken), and returns the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on(items, |_, item| f(item))
}

/// Like [`map`], but `f` is also told which worker (0 to [`WORKERS`] - 1) runs it, for
/// jobs that need something of their worker's own (a browser profile). No two jobs on one
/// worker run at once.
pub fn map_on<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let sink = crate::say::sink();
    std::thread::scope(|scope| {
        for worker in 0..WORKERS.min(items.len()) {
            let (next, done, f, sink) = (&next, &done, &f, sink.clone());
            scope.spawn(move || {
                crate::say::with_sink(sink, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let r = f(worker, item);
                        done.lock().expect("a worker panicked").push((i, r));
                    }
                })
            });
        }
    });
    in_order(done.into_inner().expect("a worker panicked"))
}

/// Runs `f(lane, job)` for every job on the lane `lane_of` gives it (below `lanes`): one
/// thread per lane, taking its jobs in their order, for jobs that must stay where their
/// earlier work is. Returns the results in the jobs' order.
pub fn in_lanes<J: Send, R: Send>(
    lanes: usize,
    jobs: Vec<J>,
    lane_of: impl Fn(&J) -> usize,
    f: impl Fn(usize, J) -> R + Sync,
) -> Vec<R> {
    let mut queues: Vec<Vec<(usize, J)>> = (0..lanes).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        queues[lane_of(&job) % lanes].push((i, job));
    }
    let f = &f;
    let sink = crate::say::sink();
    let done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = queues
            .into_iter()
            .enumerate()
            .map(|(lane, queue)| {
                let sink = sink.clone();
                scope.spawn(move || {
                    crate::say::with_sink(sink, || {
                        queue
                            .into_iter()
                            .map(|(i, job)| (i, f(lane, job)))
                            .collect::<Vec<_>>()
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a lane panicked"))
            .collect()
    });
    in_order(done)
}

/// Results tagged with their job's index, in the jobs' order.
fn in_order<R>(mut done: Vec<(usize, R)>) -> Vec<R> {
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn every_item_once_in_order() {
        let items: Vec<u32> = (0..50).collect();
        assert_eq!(
            map(&items, |x| x * 2),
            (0..50).map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(map(&Vec::<u32>::new(), |x| *x).is_empty());
    }

    #[test]
    fn two_jobs_really_run_at_once_each_on_its_own_worker() {
        // Each of the first two jobs waits for the other: with one worker this would hang.
        let barrier = Barrier::new(2);
        let out = map_on(&[1, 2], |worker, x| {
            barrier.wait();
            (worker, *x)
        });
        let workers: Vec<usize> = out.iter().map(|(w, _)| *w).collect();
        assert!(workers == [0, 1] || workers == [1, 0], "{workers:?}");
        assert_eq!(out.iter().map(|(_, x)| *x).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn each_job_on_its_lane_in_order_and_lanes_at_once() {
        let jobs = vec![(0, 'a'), (1, 'b'), (0, 'c'), (2, 'd'), (1, 'e')];
        let out = in_lanes(3, jobs, |(lane, _)| *lane, |lane, (_, c)| (lane, c));
        assert_eq!(out, [(0, 'a'), (1, 'b'), (0, 'c'), (2, 'd'), (1, 'e')]);
        // The first job of each of two lanes waits for the other: one thread would hang.
        let barrier = Barrier::new(2);
        let out = in_lanes(
            2,
            vec![0, 1],
            |lane| *lane,
            |lane, _| {
                barrier.wait();
                lane
            },
        );
        assert_eq!(out, [0, 1]);
    }
}
