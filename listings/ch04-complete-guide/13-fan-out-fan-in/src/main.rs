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

fn square_all(numbers: Vec<u64>) -> Receiver<u64> {
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
    for result in square_all((0..10).collect()) {
        println!("{result}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_number_is_squared_exactly_once() {
        for count in [0, 1, 10, 10_000] {
            let mut results: Vec<u64> = super::square_all((0..count).collect()).iter().collect();
            results.sort();
            assert_eq!(results, (0..count).map(|n| n * n).collect::<Vec<_>>());
        }
    }
}
