// Exercise 3: panic in a task, recover, and check that the program goes on. Inside the
// task, `catch_unwind` plays Go's deferred `recover()`; outside, the JoinHandle reports it.
// Run: cargo run -p ch03-45-exercise-recover-a-panic (panic messages also go to stderr)
use std::panic::AssertUnwindSafe;

use futures::FutureExt; // for `catch_unwind` on a future

async fn risky(n: u32) -> u32 {
    tokio::task::yield_now().await;
    if n == 0 {
        panic!("n must not be zero");
    }
    100 / n
}

/// Recovers inside the task: the task itself turns the panic into a value.
async fn recovered_inside(n: u32) -> Result<u32, String> {
    let task = tokio::spawn(async move {
        AssertUnwindSafe(risky(n))
            .catch_unwind()
            .await
            .map_err(|_| format!("risky({n}) panicked; recovered inside the task"))
    });
    task.await.expect("the task itself did not panic")
}

/// Recovers outside: the task panics, and its JoinHandle says so.
async fn recovered_outside(n: u32) -> Result<u32, String> {
    match tokio::spawn(risky(n)).await {
        Ok(value) => Ok(value),
        Err(e) if e.is_panic() => Err(format!("risky({n}) panicked; seen through the handle")),
        Err(e) => Err(e.to_string()),
    }
}

#[tokio::main]
async fn main() {
    println!("{:?}", recovered_inside(0).await);
    println!("{:?}", recovered_outside(0).await);
    println!("{:?}", recovered_outside(4).await);
    println!("main: still running");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_ways_recover_and_the_program_goes_on() {
        assert!(recovered_inside(0).await.is_err());
        assert!(recovered_outside(0).await.is_err());
        assert_eq!(recovered_inside(5).await, Ok(20));
        assert_eq!(recovered_outside(5).await, Ok(20));
    }
}
