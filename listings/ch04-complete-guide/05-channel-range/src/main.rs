// Shows: a std channel. `sync_channel(0)` has no buffer, like Go's `make(chan int)`;
// the loop over the receiver ends when the only sender is dropped, like `close(ch)`.
// Run: cargo run -p ch04-05-channel-range
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    let (tx, rx) = mpsc::sync_channel(0); // a rendezvous: each send waits for a receive

    thread::spawn(move || {
        for i in 1..=5 {
            tx.send(i).unwrap();
            thread::sleep(Duration::from_millis(50));
        }
        // `tx` is dropped here, as the closure returns: that closes the channel.
    });

    for num in rx {
        println!("Received: {num}");
    }
    println!("Channel closed, program exits");
}
