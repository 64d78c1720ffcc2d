// Shows: `main` returning ends the process, and a thread still running is stopped where it
// is, with no destructors. Its `BufWriter` is never flushed (dropping it would have), so
// lines whose `writeln!` returned `Ok` never reach stdout.
// Run: cargo run -p ch02-29-thread-output-lost
use std::io::{self, BufWriter, Write};
use std::sync::mpsc;
use std::thread;

fn main() {
    let (wrote, lines_written) = mpsc::channel();
    let worker = thread::spawn(move || {
        let mut out = BufWriter::new(io::stdout());
        for i in 1..=3 {
            writeln!(out, "worker: line {i}").unwrap();
        }
        wrote.send(3).unwrap();
        loop {
            thread::park(); // more lines would come here, but main doesn't wait for them
        }
    });
    let n = lines_written.recv().unwrap();
    println!("main: the worker has written {n} lines; returning");
    drop(worker); // detaches the thread: nothing will ever join it
}
