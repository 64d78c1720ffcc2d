// Shows: sharing by communicating. Only the owner thread touches the counter;
// the others send it messages. No lock, no atomic, no lost update.
// Run: cargo run -p ch01-13-channel-owner
use std::sync::mpsc;
use std::thread;

fn count(threads: usize, per_thread: usize) -> usize {
    let (tx, rx) = mpsc::channel::<usize>();

    // The owner: it ends when every sender has been dropped.
    let owner = thread::spawn(move || rx.iter().sum::<usize>());

    thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            s.spawn(move || {
                for _ in 0..per_thread {
                    tx.send(1).unwrap();
                }
            });
        }
    });
    drop(tx); // our own sender; without this the owner would wait forever

    owner.join().unwrap()
}

fn main() {
    println!("expected 2000000, counted {}", count(2, 1_000_000));
}
