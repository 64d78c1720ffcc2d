// Shows: sharing by communicating, done completely. One thread owns the count; the
// others send it messages; main waits for the senders, tells the owner to finish, and
// gets the total back from `join`. Loom checks every interleaving of three senders.
// Run: cargo run -p ch03-23-channel-owner
#[cfg(loom)]
use loom::{sync::mpsc, thread};
#[cfg(not(loom))]
use std::{sync::mpsc, thread};

enum Message {
    Increment,
    Finish,
}

fn owner(inbox: mpsc::Receiver<Message>) -> u64 {
    let mut count = 0; // nobody else can even see this variable
    while let Ok(message) = inbox.recv() {
        match message {
            Message::Increment => count += 1,
            Message::Finish => break,
        }
    }
    count // also reached if every sender is dropped
}

fn count(units: usize) -> u64 {
    let (tx, inbox) = mpsc::channel();
    let owner = thread::spawn(move || owner(inbox));

    let senders: Vec<_> = (0..units)
        .map(|_| {
            let tx = tx.clone();
            thread::spawn(move || tx.send(Message::Increment).unwrap())
        })
        .collect();
    for sender in senders {
        sender.join().unwrap(); // every Increment is in the channel after this loop
    }
    tx.send(Message::Finish).unwrap(); // so Finish comes after all of them
    owner.join().unwrap()
}

fn main() {
    println!("100 threads, one message each: counted {}", count(100));
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn three_senders() {
        loom::model(|| assert_eq!(super::count(3), 3));
    }
}
