// Shows: when a worker's panic must stop everything, make main panic as well.
// `expect` on the join result turns the worker's failure into main's.
// Run: cargo run -p ch01-32-panic-propagated (exits with status 101)
use std::thread;

fn main() {
    let worker = thread::spawn(|| {
        let setting = "eighty";
        let port: u16 = setting.parse().expect("port must be a number");
        port
    });
    println!("main: waiting for the worker");
    let port = worker.join().expect("a worker thread panicked");
    println!("main: listening on port {port}"); // never reached
}
