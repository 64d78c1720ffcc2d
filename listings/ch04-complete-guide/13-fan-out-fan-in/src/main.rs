// Shows: fan-out (three squarers receive from one channel) and fan-in (merge forwards
// them into one). A channel closes when its last sender is dropped: no WaitGroup needed.
// Run: cargo run -p ch04-13-fan-out-fan-in
use crossbeam_channel::{Receiver, bounded};
use std::thread;

fn squarer(input: Receiver<u64>) -> Receiver<u64> {
    let (tx, out) = bounded(0);
    thread::spawn(move || {
        for n in input {
            if tx.send(n * n).is_err() {
                return; // nobody is listening any more: stop instead of blocking forever
            }
        }
    }); // `tx` is dropped as the thread ends, which closes `out`
    out
}

fn merge(inputs: Vec<Receiver<u64>>) -> Receiver<u64> {
    let (tx, out) = bounded(0);
    for input in inputs {
        let tx = tx.clone();
        thread::spawn(move || {
            for n in input {
                if tx.send(n).is_err() {
                    return;
                }
            }
        });
    }
    out // our own `tx` is dropped here; `out` closes when the last forwarder's is
}

fn square_all(numbers: impl IntoIterator<Item = u64> + Send + 'static) -> Receiver<u64> {
    let (tx, input) = bounded(100);
    let squarers = (0..3).map(|_| squarer(input.clone())).collect(); // fan out
    let merged = merge(squarers); // fan in
    thread::spawn(move || {
        for n in numbers {
            if tx.send(n).is_err() {
                return;
            }
        }
    }); // the producer drops `tx` when done: the squarers finish the queue, then stop
    merged
}

fn main() {
    for result in square_all(0..10) {
        println!("{result}");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Sender, channel};
    use std::time::Duration;

    /// Numbers without end, which say so on a channel when they are dropped: that happens
    /// when the producer thread returns, and it can return only once every squarer, and so
    /// every forwarder, has stopped.
    struct Endless(std::ops::RangeFrom<u64>, Sender<()>);

    impl Iterator for Endless {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            self.0.next()
        }
    }

    impl Drop for Endless {
        fn drop(&mut self) {
            let _ = self.1.send(());
        }
    }

    #[test]
    fn the_pipeline_stops_when_the_caller_stops_reading() {
        let (dropped, producer_ended) = channel();
        let results = super::square_all(Endless(0.., dropped));
        assert_eq!(results.iter().take(5).count(), 5);
        drop(results);
        // Not a timing claim: only a bound, so that a pipeline that never stops fails
        // instead of hanging. The input has no end: only the errors can stop it.
        producer_ended
            .recv_timeout(Duration::from_secs(30))
            .expect("the producer is still sending");
    }
    #[test]
    fn every_number_is_squared_exactly_once() {
        for count in [0, 1, 10, 10_000] {
            let mut results: Vec<u64> = super::square_all(0..count).iter().collect();
            results.sort();
            let squares: Vec<u64> = (0..count).map(|n| n * n).collect();
            // No numbers in the message: what a broken pipeline loses varies from run to run.
            assert!(
                results == squares,
                "every number must be squared exactly once"
            );
        }
    }
}
