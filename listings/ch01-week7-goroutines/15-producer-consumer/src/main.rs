// Shows: a bounded channel between a producer and a consumer. When two items are
// waiting, `send` blocks until the consumer takes one: the producer cannot run ahead.
// Run: cargo run -p ch01-15-producer-consumer
use crossbeam_channel::bounded;
use std::thread;

fn main() {
    let (tx, rx) = bounded::<String>(2);

    let producer = thread::spawn(move || {
        for line in ["GET /", "GET /about", "POST /login", "GET /logout"] {
            tx.send(line.to_string()).unwrap(); // blocks while the channel is full
        }
        // `tx` is dropped here, which tells the consumer there is nothing more.
    });

    // The consumer (here, the main thread) receives in the order items were sent.
    let mut handled = 0;
    for request in rx {
        handled += 1;
        println!("handling {request}");
    }
    producer.join().unwrap();
    println!("{handled} requests handled");
}
