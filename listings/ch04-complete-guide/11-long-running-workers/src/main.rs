// Shows: workers that run until the process is told to stop. A stop signal cancels a
// token; each worker sees it, cleans up and returns; main waits, but not past a deadline.
// Run: cargo run -p ch04-11-long-running-workers, then press Ctrl+C. Stop signals are SIGINT
// and SIGTERM on Unix, Ctrl+C on Windows. Env: SHUTDOWN_TIMEOUT_MS (default 5000).
use std::process::ExitCode;
use std::time::Duration;
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

/// A worker that never looks at the token, like one waiting on a slow call.
async fn stuck_worker() {
    loop {
        sleep(Duration::from_secs(3600)).await;
    }
}

/// A worker stuck in blocking code, on a thread of the runtime's blocking pool.
fn blocked_worker() {
    std::thread::sleep(Duration::from_secs(3600));
}

/// Installs the handlers now, and returns a future that completes with the name of the
/// first stop signal: SIGINT or SIGTERM on Unix.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = &'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).expect("SIGINT handler");
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler");
    async move {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }
}

/// Windows has no SIGTERM: a console program is asked to stop with Ctrl+C.
#[cfg(windows)]
fn stop_signal() -> impl std::future::Future<Output = &'static str> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c().expect("Ctrl+C handler");
    async move {
        ctrl_c.recv().await;
        "Ctrl+C"
    }
}

fn shutdown_timeout() -> Duration {
    let ms = std::env::var("SHUTDOWN_TIMEOUT_MS").ok();
    Duration::from_millis(ms.and_then(|ms| ms.parse().ok()).unwrap_or(5000))
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("start the runtime");
    let code = runtime.block_on(run());
    // Dropping the runtime would drop the tasks still on it, then wait, with no limit,
    // for threads still running blocking code. Don't wait for those: the deadline passed.
    runtime.shutdown_background();
    code
}

/// START_STUCK_WORKER=1 adds a worker that ignores the token; START_BLOCKED_WORKER=1 adds
/// one blocked in a thread. Either is cut off at the deadline.
async fn run() -> ExitCode {
    // Install the handlers first: from here on, a stop signal no longer kills us.
    let stop = stop_signal();

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
    if std::env::var_os("START_BLOCKED_WORKER").is_some() {
        workers.spawn_blocking(blocked_worker);
    }
    workers.close(); // no more workers: `wait` can now finish once they all have

    println!("ready: {} workers running", workers.len());
    let name = stop.await;
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
            ExitCode::FAILURE
        }
    }
}
