// Shows: an unrecovered panic kills a whole Go program; in Rust it ends only the task
// (or thread) it happens in. The `JoinHandle` hands it back as an error carrying the
// message.
// Run: cargo run -p ch02-21-panic-in-task (the panic message also goes to stderr)
use tokio::task::JoinError;

async fn parse(input: &'static str) -> u32 {
    input.parse().expect("not a number")
}

/// What Go's `recover()` returns: the panic's payload, here turned into its message.
fn panic_message(error: JoinError) -> String {
    let payload = error.into_panic(); // only for a panic: `is_panic()` must be true
    if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else {
        "a panic with a payload that is not text".to_string()
    }
}

#[tokio::main]
async fn main() {
    let tasks: Vec<_> = ["7", "seven", "11"]
        .into_iter()
        .map(|input| (input, tokio::spawn(parse(input))))
        .collect();

    for (input, task) in tasks {
        match task.await {
            Ok(n) => println!("{input:?} -> {n}"),
            Err(e) if e.is_panic() => {
                println!("{input:?} -> panicked: {}", panic_message(e));
            }
            Err(e) => println!("{input:?} -> {e}"), // cancelled
        }
    }
    println!("main carries on");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_is_reported_to_whoever_awaits_the_task() {
        let error = tokio::spawn(parse("seven")).await.unwrap_err();
        assert!(error.is_panic());
        assert!(panic_message(error).starts_with("not a number"));
        // The runtime, and every other task on it, is unharmed.
        assert_eq!(tokio::spawn(parse("7")).await.unwrap(), 7);
    }
}
