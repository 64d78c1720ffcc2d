// Shows: a panic ends only the thread it happens in. `join` reports it as `Err`,
// and the rest of the program keeps going (unlike a panicking goroutine in Go).
// Run: cargo run -p ch01-31-panic-contained (the panic message goes to stderr)
use std::thread;

fn main() {
    let handles: Vec<_> = [4, 0, 2]
        .into_iter()
        .map(|divisor| {
            thread::Builder::new()
                .name(format!("divide-by-{divisor}"))
                .spawn(move || 100 / divisor) // dividing by zero panics
                .unwrap()
        })
        .collect();

    for handle in handles {
        let name = handle.thread().name().unwrap().to_string();
        match handle.join() {
            Ok(result) => println!("{name}: {result}"),
            Err(_) => println!("{name}: panicked; carrying on"),
        }
    }
    println!("main is still running");
}
