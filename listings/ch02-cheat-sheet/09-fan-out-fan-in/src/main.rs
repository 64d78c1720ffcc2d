// Shows: fan-out (several threads take values from one channel) and fan-in (their
// output channels merge into one). The merged channel closes when the last forwarder
// drops its sender.
// Run: cargo run -p ch02-09-fan-out-fan-in
use crossbeam_channel::{Receiver, unbounded};
use std::thread::{self, Scope};

type Outputs = Receiver<u64>;

fn process(n: u64) -> u64 {
    n * n
}

/// Fan-out: `n` threads take values from the same `input`; each sends its results on
/// a channel of its own.
fn fan_out<'s>(s: &'s Scope<'s, '_>, input: &Receiver<u64>, n: usize) -> Vec<Outputs> {
    (0..n)
        .map(|_| {
            let (tx, rx) = unbounded();
            let input = input.clone(); // crossbeam receivers can be shared
            s.spawn(move || {
                for value in input {
                    tx.send(process(value)).unwrap();
                }
            }); // the thread returns and drops `tx`: that is `close(ch)`
            rx
        })
        .collect()
}

/// Fan-in: one forwarding thread per channel, all sending into one output channel.
fn fan_in<'s>(s: &'s Scope<'s, '_>, channels: Vec<Outputs>) -> Outputs {
    let (out_tx, out_rx) = unbounded();
    for channel in channels {
        let out_tx = out_tx.clone();
        s.spawn(move || {
            for value in channel {
                out_tx.send(value).unwrap();
            }
        });
    }
    out_rx // our `out_tx` is dropped here: no WaitGroup and no closing goroutine needed
}

fn square_all(values: Vec<u64>, workers: usize) -> Vec<u64> {
    thread::scope(|s| {
        let (input_tx, input_rx) = unbounded();
        let merged = fan_in(s, fan_out(s, &input_rx, workers));
        for value in values {
            input_tx.send(value).unwrap();
        }
        drop(input_tx); // close the input: the fan-out threads drain it and return
        merged.iter().collect()
    }) // the scope returns only after every thread in it has exited
}

fn main() {
    let mut squares = square_all((1..=8).collect(), 3);
    squares.sort(); // the merge interleaves the workers' outputs in any order
    println!("{squares:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn every_value_comes_out_once_and_every_thread_exits() {
        // `square_all` returns only when its scope has joined every thread. Running it
        // on a thread of its own turns a thread that never exits into a failure.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || tx.send(square_all((0..1000).collect(), 4)).unwrap());
        let mut squares = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("square_all never returned: a thread did not exit");

        squares.sort();
        let expected: Vec<u64> = (0..1000).map(|n| n * n).collect();
        assert_eq!(squares, expected); // each value once: none lost, none repeated
    }
}
