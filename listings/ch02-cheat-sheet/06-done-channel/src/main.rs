// Shows: Go's `done` channel with a std channel. The thread sends when its work is
// done; if it dies first, its sender is dropped and `recv` returns `Err` instead of
// waiting forever.
// Run: cargo run -p ch02-06-done-channel
use std::sync::mpsc;
use std::thread;

fn start_work(fail: bool) -> mpsc::Receiver<u32> {
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        if fail {
            return; // gives up without sending; `done_tx` is dropped here
        }
        done_tx.send(42).unwrap(); // like `done <- true`, but it can carry the result
    });
    done_rx
}

fn main() {
    let done = start_work(false);
    println!("finished with {:?}", done.recv()); // blocks until the thread sends

    let done = start_work(true);
    println!("gave up: {:?}", done.recv()); // in Go, `<-done` would block forever here
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_send_ends_the_wait() {
        assert_eq!(start_work(false).recv(), Ok(42));
    }

    // A sender that lived on would leave `recv` waiting forever, as `<-done` does in
    // Go; the limit turns that into a failure instead of a hang.
    #[test]
    fn a_dropped_sender_ends_the_wait_too() {
        let waited = start_work(true).recv_timeout(Duration::from_secs(10));
        assert_eq!(waited, Err(mpsc::RecvTimeoutError::Disconnected));
    }
}
