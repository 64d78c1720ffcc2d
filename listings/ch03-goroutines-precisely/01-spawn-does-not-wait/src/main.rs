// Shows: `thread::spawn` starts the thread and returns without waiting for its work.
// The worker waits for main's go-ahead, so the order of the lines never changes.
// Run: cargo run -p ch03-01-spawn-does-not-wait
use std::sync::mpsc;
use std::thread;

fn do_work(go_ahead: mpsc::Receiver<()>) -> &'static str {
    go_ahead.recv().expect("main hung up"); // nothing happens until main says so
    println!("worker: doing work");
    "done"
}

fn main() {
    let (go, go_ahead) = mpsc::channel();
    let worker = thread::spawn(move || do_work(go_ahead));

    // If `spawn` waited for `do_work` to finish, we would never get here:
    // `do_work` is waiting for us.
    println!("main: spawn returned; the worker is waiting");
    go.send(()).expect("the worker hung up");

    let result = worker.join().expect("the worker panicked");
    println!("main: the worker said {result:?}");
}
