// Shows: Go's errgroup.WithContext, twice. With tasks: the first error cancels a shared
// token and we wait for every task. With `try_join_all`: the others are simply dropped.
// Run: cargo run -p ch04-27-errgroup
use futures::future::try_join_all;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

async fn check_order(id: u32, token: CancellationToken) -> Result<u32, String> {
    if id == 3 {
        sleep(Duration::from_millis(100)).await;
        return Err(format!("order {id}: missing address"));
    }
    tokio::select! {
        _ = token.cancelled() => {
            println!("order {id}: cancelled, cleaning up");
            Err(format!("order {id}: cancelled"))
        }
        _ = sleep(Duration::from_secs(10)) => Ok(id), // a slow but valid check
    }
}

/// Like `errgroup.WithContext` + `Wait`: all or the first error, and no task left behind.
async fn check_all(ids: &[u32]) -> Result<Vec<u32>, String> {
    let token = CancellationToken::new();
    let mut tasks = JoinSet::new();
    for &id in ids {
        tasks.spawn(check_order(id, token.clone()));
    }

    let mut passed = Vec::new();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("a check panicked") {
            Ok(id) => passed.push(id),
            Err(e) if first_error.is_none() => {
                token.cancel(); // tell the others to stop...
                first_error = Some(e);
            }
            Err(_) => {} // ...they do, with errors of their own, which we don't need
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => {
            passed.sort();
            Ok(passed)
        }
    }
}

/// The same without tasks: `try_join_all` drops the other futures at the first error.
async fn check_all_in_this_task(ids: &[u32]) -> Result<Vec<u32>, String> {
    let token = CancellationToken::new(); // never cancelled: dropping does the job
    try_join_all(ids.iter().map(|&id| check_order(id, token.clone()))).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("with JoinSet: {:?}", check_all(&[1, 2, 3, 4, 5]).await);
    println!(
        "with try_join_all: {:?}",
        check_all_in_this_task(&[1, 2, 3, 4, 5]).await
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::runtime::Handle;
    use tokio::time::Instant;

    fn alive_tasks() -> usize {
        Handle::current().metrics().num_alive_tasks()
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_error_stops_the_group_at_once() {
        let start = Instant::now();
        let outcome = check_all(&[1, 2, 3, 4, 5]).await;
        assert_eq!(outcome, Err("order 3: missing address".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(100)); // not the 10 s of the others
        assert_eq!(alive_tasks(), 0); // and every task has returned
    }

    #[tokio::test(start_paused = true)]
    async fn without_errors_every_result_comes_back() {
        let start = Instant::now();
        assert_eq!(check_all(&[5, 1, 4]).await, Ok(vec![1, 4, 5]));
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn try_join_all_stops_at_the_first_error_too() {
        let start = Instant::now();
        let outcome = check_all_in_this_task(&[1, 2, 3, 4, 5]).await;
        assert_eq!(outcome, Err("order 3: missing address".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        let results = check_all_in_this_task(&[2, 1]).await;
        assert_eq!(results, Ok(vec![2, 1])); // in the order given
    }
}
