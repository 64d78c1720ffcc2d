// Shows: cleanup after a failure. The first task to fail ends the wait; we abort
// the others and drain the set so no task outlives the function that started it.
// Run: cargo run -p ch01-08-joinset-first-error
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinSet;

async fn check_order(id: u32) -> Result<u32, String> {
    if id == 3 {
        return Err(format!("order {id}: missing address"));
    }
    tokio::time::sleep(Duration::from_secs(10)).await; // a slow but valid check
    Ok(id)
}

async fn check_all(ids: &[u32]) -> Result<Vec<u32>, String> {
    let mut tasks = JoinSet::new();
    for &id in ids {
        tasks.spawn(check_order(id));
    }

    let mut passed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("a check panicked") {
            Ok(id) => passed.push(id),
            Err(e) => {
                tasks.abort_all(); // ask every remaining task to stop...
                while tasks.join_next().await.is_some() {} // ...and wait until they have
                return Err(e);
            }
        }
    }
    Ok(passed)
}

// One thread, so the task count printed at the end is exact (see the text).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    match check_all(&[1, 2, 3, 4, 5]).await {
        Ok(ids) => println!("all passed: {ids:?}"),
        Err(e) => println!("stopped early: {e}"),
    }
    let alive = Handle::current().metrics().num_alive_tasks();
    println!("tasks still alive: {alive}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    // On a paused clock, time moves only when every task waits on a timer. Had
    // `check_all` waited for the slow checks, ten simulated seconds would pass.
    #[tokio::test(start_paused = true)]
    async fn stops_at_the_first_error_without_waiting_for_the_rest() {
        let start = Instant::now();
        let result = check_all(&[1, 2, 3, 4, 5]).await;
        assert_eq!(result, Err("order 3: missing address".to_string()));
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
    }
}
