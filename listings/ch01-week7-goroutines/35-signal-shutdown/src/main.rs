// Shows: Go's signal.NotifyContext in Tokio. Workers run until Ctrl-C (or SIGTERM, on Unix);
// then a token cancels them, and main waits for them to stop, but only until a deadline.
// Run: cargo run -p ch01-35-signal-shutdown, then press Ctrl-C. Env: STUCK_WORKER=1.
use std::process::ExitCode;
use std::time::Duration;
#[cfg(unix)]
use tokio::signal::unix;
use tokio::task::JoinSet;
use tokio::time::{interval, timeout};
use tokio_util::sync::CancellationToken;

async fn worker(id: u32, token: CancellationToken) {
    let mut ticks = interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = ticks.tick() => { /* one unit of work */ }
        }
    }
    println!("worker {id}: stopped"); // cleanup goes here
}

/// Completes on the first Ctrl-C, or SIGTERM on Unix. SIGTERM is caught from this call on.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    #[cfg(unix)]
    let mut sigterm = unix::signal(unix::SignalKind::terminate())?; // what `kill` sends
    Ok(async move {
        #[cfg(unix)]
        let sigterm = sigterm.recv();
        #[cfg(not(unix))]
        let sigterm = std::future::pending::<Option<()>>(); // no SIGTERM: Ctrl-C only
        tokio::select! {
            _ = tokio::signal::ctrl_c() => "Ctrl-C",
            _ = sigterm => "SIGTERM",
        }
    })
}

#[tokio::main]
async fn main() -> std::io::Result<ExitCode> {
    let stop = shutdown_signal()?; // from here on, SIGTERM no longer kills the process
    let token = CancellationToken::new();
    let mut workers = JoinSet::new();
    for id in 1..=3 {
        workers.spawn(worker(id, token.clone()));
    }
    if std::env::var_os("STUCK_WORKER").is_some() {
        workers.spawn(std::future::pending()); // never looks at the token
    }
    println!("running {} workers", workers.len());
    println!("{}: stopping the workers", stop.await);
    token.cancel();
    let all_stopped = async { while workers.join_next().await.is_some() {} };
    if timeout(Duration::from_secs(2), all_stopped).await.is_err() {
        println!("deadline passed: {} worker(s) still running", workers.len());
        return Ok(ExitCode::FAILURE); // dropping `workers` aborts them
    }
    println!("all workers stopped");
    Ok(ExitCode::SUCCESS)
}
