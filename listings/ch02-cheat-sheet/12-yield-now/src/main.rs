// Shows: `runtime.Gosched()` as `tokio::task::yield_now().await`. A task is only ever
// switched out at an `.await`: without one it runs its loop to the end; with a yield,
// the others get turns.
// Run: cargo run -p ch02-12-yield-now
use std::sync::{Arc, Mutex};

/// Runs three tasks of three steps each on one thread; returns the steps in the order
/// they ran.
async fn run(yielding: bool) -> Vec<String> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let tasks: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                for step in 0..3 {
                    log.lock().unwrap().push(format!("{name}{step}"));
                    if yielding {
                        tokio::task::yield_now().await; // let the other ready tasks run
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(log).unwrap().into_inner().unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("without yield_now: {}", run(false).await.join(" "));
    println!("with yield_now:    {}", run(true).await.join(" "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_an_await_a_task_is_never_interrupted() {
        assert_eq!(run(false).await.join(" "), "a0 a1 a2 b0 b1 b2 c0 c1 c2");
    }

    // What yielding does promise on one thread: the other ready tasks run before the
    // yielding task goes on, so the steps come in rounds. The order within a round is
    // the scheduler's business, and it is not first-come, first-served (see the output).
    #[tokio::test]
    async fn yielding_tasks_take_turns_in_rounds() {
        let order = run(true).await;
        for (round, steps) in order.chunks(3).enumerate() {
            let mut names: Vec<&str> = steps.iter().map(|s| &s[..1]).collect();
            names.sort();
            assert_eq!(names, ["a", "b", "c"], "round {round}: {order:?}");
            assert!(steps.iter().all(|s| s.ends_with(&round.to_string())));
        }
    }
}
