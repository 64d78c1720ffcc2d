// Shows: a channel is a queue and a count of senders; dropping the last sender closes it.
// The observer's close protocol on top of it cannot lose an entry that `log` accepted.
// Run: cargo run -p ch05-04-close-vs-log-model (loom checks every interleaving: see its test)
use std::collections::VecDeque;

#[cfg(loom)]
use loom::{
    sync::{Condvar, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Condvar, Mutex},
    thread,
};
// std's Arc even under loom: its reference counts are the standard library's business, and
// leaving them out keeps the model small enough to check every interleaving.
use std::sync::Arc;

struct Channel<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
}

struct Sender<T>(Arc<Channel<T>>);
struct Receiver<T>(Arc<Channel<T>>);

fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let state = State {
        queue: VecDeque::new(),
        senders: 1,
    };
    let channel = Arc::new(Channel {
        state: Mutex::new(state),
        changed: Condvar::new(),
    });
    (Sender(Arc::clone(&channel)), Receiver(channel))
}

impl<T> Sender<T> {
    fn send(&self, value: T) {
        self.0.state.lock().unwrap().queue.push_back(value);
        self.0.changed.notify_one();
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.state.lock().unwrap().senders += 1;
        Sender(Arc::clone(&self.0))
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap();
        state.senders -= 1;
        if state.senders == 0 {
            self.0.changed.notify_one(); // closed: wake the receiver so it can see it
        }
    }
}

impl<T> Receiver<T> {
    /// The next value, or `None` once the queue is empty and no sender is left.
    fn recv(&self) -> Option<T> {
        let mut state = self.0.state.lock().unwrap();
        loop {
            if let Some(value) = state.queue.pop_front() {
                return Some(value);
            }
            if state.senders == 0 {
                return None;
            }
            state = self.0.changed.wait(state).unwrap();
        }
    }
}

/// The observer's protocol, on threads: `log` clones the sender, `close` takes it away.
struct Observer {
    sender: Mutex<Option<Sender<u32>>>,
    worker: Mutex<Option<thread::JoinHandle<Vec<u32>>>>,
}

impl Observer {
    fn start() -> Observer {
        let (sender, receiver) = channel();
        let worker = thread::spawn(move || {
            let mut written = Vec::new();
            while let Some(entry) = receiver.recv() {
                written.push(entry);
            }
            written
        });
        Observer {
            sender: Mutex::new(Some(sender)),
            worker: Mutex::new(Some(worker)),
        }
    }

    /// True if the entry was accepted.
    fn log(&self, entry: u32) -> bool {
        let sender = self.sender.lock().unwrap().clone();
        match sender {
            Some(sender) => {
                sender.send(entry);
                true
            }
            None => false,
        }
    }

    /// What the worker wrote, to the first caller; `None` to any later one.
    fn close(&self) -> Option<Vec<u32>> {
        drop(self.sender.lock().unwrap().take());
        let worker = self.worker.lock().unwrap().take();
        worker.map(|worker| worker.join().unwrap())
    }
}

/// One thread logs `entries` while this one closes. Returns (accepted, written).
fn log_while_closing(entries: u32) -> (Vec<u32>, Vec<u32>) {
    let observer = Arc::new(Observer::start());
    let logger = {
        let observer = Arc::clone(&observer);
        thread::spawn(move || {
            (1..=entries)
                .filter(|&e| observer.log(e))
                .collect::<Vec<_>>()
        })
    };
    let written = observer.close().unwrap();
    (logger.join().unwrap(), written)
}

fn main() {
    let runs = 1000;
    for _ in 0..runs {
        let (accepted, written) = log_while_closing(3);
        assert_eq!(accepted, written);
    }
    println!("{runs} runs: the worker wrote exactly the entries log accepted, in order");
}

#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn log_races_close() {
        // Every interleaving of a logger, the closer and the worker.
        loom::model(|| {
            let (accepted, written) = super::log_while_closing(1);
            assert_eq!(accepted, written);
        });
    }
}
