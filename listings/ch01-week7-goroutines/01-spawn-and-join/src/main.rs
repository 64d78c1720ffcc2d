// Shows: `thread::spawn` starts an OS thread from a named function or a closure;
// `join` waits for it and hands back the value it returned.
// Run: cargo run -p ch01-01-spawn-and-join
use std::thread;

fn count_vowels(text: String) -> usize {
    text.chars().filter(|c| "aeiou".contains(*c)).count()
}

fn main() {
    // A named function: the thread runs `count_vowels` with the string we move in.
    let text = String::from("goroutines in rust");
    let named = thread::spawn(move || count_vowels(text));

    // An anonymous closure, like `go func() { ... }()` in Go.
    // `move` gives the thread its own copy of everything it uses.
    let greeting = String::from("hello");
    let anonymous = thread::spawn(move || format!("{greeting} from a spawned thread"));

    // `join` blocks until the thread ends and returns its result.
    // It is an `Err` only if the thread panicked.
    let vowels = named.join().unwrap();
    let message = anonymous.join().unwrap();

    println!("vowels: {vowels}");
    println!("{message}");
}
