//! Independent jobs on a few threads, results in the jobs' order: for steps whose jobs
//! (one chapter under `mdbook test`, one listing copied out) each use about one core.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many jobs run at once: the two cores of the machine the book is checked on. More
/// would only make each job slower, and its time limit tighter.
pub const WORKERS: usize = 2;

/// Runs `f` on every item, [`WORKERS`] at a time (each worker takes the next item not yet
/// taken), and returns the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    done.lock().expect("a worker panicked").push((i, r));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("a worker panicked");
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
    fn two_jobs_really_run_at_once() {
        // Each of the first two jobs waits for the other: with one worker this would hang.
        let barrier = Barrier::new(2);
        let out = map(&[1, 2], |x| {
            barrier.wait();
            *x
        });
        assert_eq!(out, vec![1, 2]);
    }
}
