// Shows: workers that run until the process is told to stop. SIGINT or SIGTERM cancels a
// token; each worker sees it, cleans up and returns; main waits, but not past a deadline.
// Run: cargo run -p ch04-11-long-running-workers, then press Ctrl+C.
// Env: SHUTDOWN_TIMEOUT_MS (default 5000); START_STUCK_WORKER=1 adds a worker that ignores the token.
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::time::{interval, sleep, timeout};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

async fn worker(name: &str, every: Duration, token: CancellationToken) {
    let mut ticker = interval(every);
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = ticker.tick() => println!("{name}: working"),
        }
    }
    // Cleanup goes here: flush buffers, close connections, remove temporary files.
    println!("{name}: cleaned up and stopped");
}

/// A worker that never looks at the token, like one stuck in a slow call.
async fn stuck_worker() {
    loop {
        sleep(Duration::from_secs(3600)).await;
    }
}

fn shutdown_timeout() -> Duration {
    let ms = std::env::var("SHUTDOWN_TIMEOUT_MS").ok();
    Duration::from_millis(ms.and_then(|ms| ms.parse().ok()).unwrap_or(5000))
}

#[tokio::main]
async fn main() -> ExitCode {
    // Install the handlers first: from here on, SIGINT and SIGTERM no longer kill us.
    let mut interrupt = signal(SignalKind::interrupt()).expect("SIGINT handler");
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler");

    let token = CancellationToken::new();
    let workers = TaskTracker::new();
    workers.spawn(worker(
        "data monitor",
        Duration::from_secs(1),
        token.clone(),
    ));
    workers.spawn(worker(
        "health checker",
        Duration::from_secs(2),
        token.clone(),
    ));
    workers.spawn(worker(
        "message processor",
        Duration::from_millis(1500),
        token.clone(),
    ));
    if std::env::var_os("START_STUCK_WORKER").is_some() {
        workers.spawn(stuck_worker());
    }
    workers.close(); // no more workers: `wait` can now finish once they all have

    println!("ready: {} workers running", workers.len());
    let name = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    };
    println!("received {name}: shutting down");
    token.cancel(); // every clone of the token is now cancelled

    let deadline = shutdown_timeout();
    match timeout(deadline, workers.wait()).await {
        Ok(()) => {
            println!("all workers stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(_) => {
            let stuck = workers.len();
            println!("{stuck} worker(s) still running after {deadline:?}: exiting anyway");
            ExitCode::FAILURE // returning from main ends the runtime and every task on it
        }
    }
}
