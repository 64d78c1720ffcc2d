// Shows: Go's anonymous goroutines, `go func() { ... }()` and `go func(msg string) {
// ... }(s)`, as closures. A `move` closure takes what it uses with it, which is how it
// gets "parameters".
// Run: cargo run -p ch02-02-thread-closures
use std::thread;

fn main() {
    // go func() { fmt.Println("running in a thread") }()
    let anonymous = thread::spawn(|| println!("running in a thread"));

    // go func(msg string) { fmt.Println(msg) }("hello from a thread")
    let msg = String::from("hello from a thread");
    // `msg` moves into the thread: main can't use it any more.
    let with_argument = thread::spawn(move || println!("{msg}"));

    // A closure can also return its result, which `join` hands back.
    let numbers: Vec<i32> = (1..=3).collect(); // owned data moves into the thread too
    let sum = thread::spawn(move || numbers.iter().sum::<i32>());

    anonymous.join().unwrap();
    with_argument.join().unwrap();
    println!("sum computed in a thread: {}", sum.join().unwrap());
}
