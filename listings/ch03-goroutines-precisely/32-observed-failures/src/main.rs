// Shows: observable background work. The tasks live in a JoinSet; every outcome is
// collected, and failures are logged with `tracing` and counted, panics included.
// Run: cargo run -p ch03-32-observed-failures (the panic message also goes to stderr)
use tokio::task::{JoinError, JoinSet};

async fn save_invoice(id: u32) -> Result<u32, String> {
    tokio::task::yield_now().await;
    match id {
        2 => Err(format!("invoice {id}: disk full")),
        3 => panic!("invoice {id}: corrupt record"),
        _ => Ok(id),
    }
}

/// Waits for every task and logs each failure; returns how many failed.
async fn supervise(mut tasks: JoinSet<Result<u32, String>>) -> usize {
    let mut failures = 0;
    while let Some(outcome) = tasks.join_next().await {
        match outcome {
            Ok(Ok(id)) => tracing::info!(id, "invoice saved"),
            Ok(Err(error)) => {
                failures += 1;
                tracing::error!(%error, "invoice task failed");
            }
            Err(join_error) => {
                failures += 1;
                tracing::error!(panic = panic_message(join_error), "invoice task panicked");
            }
        }
    }
    failures
}

fn panic_message(error: JoinError) -> String {
    if !error.is_panic() {
        return "cancelled".to_string();
    }
    let payload = error.into_panic();
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().unwrap_or(&"?").to_string(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Log lines to stdout, without timestamps or colours, so the output can be compared.
    tracing_subscriber::fmt()
        .with_writer(std::io::stdout)
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .init();

    let mut tasks = JoinSet::new();
    for id in 1..=3 {
        tasks.spawn(save_invoice(id));
    }
    let failures = supervise(tasks).await;
    println!("main: {failures} of 3 invoice tasks failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_failure_is_counted() {
        let mut tasks = JoinSet::new();
        for id in [1, 2, 3, 3, 4] {
            tasks.spawn(save_invoice(id));
        }
        assert_eq!(supervise(tasks).await, 3);
    }
}
