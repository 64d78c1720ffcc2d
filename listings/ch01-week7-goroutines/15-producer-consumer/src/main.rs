// Shows: a bounded channel between a producer and a consumer. When two items are
// waiting, `send` blocks until the consumer takes one: the producer cannot run ahead.
// Run: cargo run -p ch01-15-producer-consumer
use crossbeam_channel::{Receiver, bounded};
use std::thread::{self, JoinHandle};

/// Starts the producer and returns it with the receiving end of its channel.
fn start_producer() -> (JoinHandle<()>, Receiver<String>) {
    let (tx, rx) = bounded::<String>(2);
    let producer = thread::spawn(move || {
        for line in ["GET /", "GET /about", "POST /login", "GET /logout"] {
            tx.send(line.to_string()).unwrap(); // blocks while the channel is full
        }
        // `tx` is dropped here, which tells the consumer there is nothing more.
    });
    (producer, rx)
}

fn main() {
    let (producer, rx) = start_producer();

    // The consumer (here, the main thread) receives in the order items were sent.
    let mut handled = 0;
    for request in rx {
        handled += 1;
        println!("handling {request}");
    }
    producer.join().unwrap();
    println!("{handled} requests handled");
}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::{Duration, Instant};

    #[test]
    fn the_producer_waits_while_two_requests_are_queued() {
        let (producer, rx) = super::start_producer();
        // Nobody receives yet, so the producer can never finish. Give it a second to
        // prove otherwise (an unbounded channel would let it finish in microseconds).
        let deadline = Instant::now() + Duration::from_secs(1);
        while !producer.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        assert!(!producer.is_finished(), "the producer ran ahead");
        assert_eq!(rx.len(), 2);

        let received: Vec<String> = rx.iter().collect(); // now it can finish
        assert_eq!(
            received,
            ["GET /", "GET /about", "POST /login", "GET /logout"]
        );
        producer.join().unwrap();
    }
}
