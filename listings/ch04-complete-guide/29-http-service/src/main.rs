// Shows: a long-running HTTP service. On a stop signal (SIGINT or SIGTERM on Unix, Ctrl+C
// on Windows) it stops accepting, answers the requests in flight, then lets its workers flush.
// Run: cargo run -p ch04-29-http-service, then: curl http://127.0.0.1:8080/hello
// Env: ADDR (default 127.0.0.1:8080), SHUTDOWN_TIMEOUT_MS (default 10000).
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::{Router, routing::post};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::{interval, timeout};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

type Stats = Arc<RwLock<BTreeMap<String, u64>>>;

#[derive(Clone)]
struct App {
    stats: Stats,
    events: mpsc::Sender<String>, // to the event writer
}

impl App {
    async fn record(&self, path: &str, event: String) {
        *self
            .stats
            .write()
            .unwrap()
            .entry(path.to_string())
            .or_default() += 1;
        self.events
            .send(event)
            .await
            .expect("the writer outlives every request");
    }
}

async fn hello(State(app): State<App>, uri: Uri) -> String {
    let path = uri.path();
    app.record(path, format!("GET {path}")).await;
    format!("Hello, you've requested: {path}\n")
}

/// Accepts a body of up to 1 MiB, however slowly it arrives.
async fn upload(State(app): State<App>, body: Body) -> Result<String, StatusCode> {
    println!("upload: receiving");
    let bytes = to_bytes(body, 1 << 20)
        .await
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    let event = format!("POST /upload, {} bytes", bytes.len());
    app.record("/upload", event).await;
    Ok(format!("received {} bytes\n", bytes.len()))
}

/// Writes events in batches. Stops when every sender is gone, after a last flush.
async fn write_events(mut events: mpsc::Receiver<String>) {
    let mut batch = Vec::new();
    let mut written = 0;
    let mut ticker = interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => batch.push(event),
                None => break, // no request can send us anything any more
            },
            _ = ticker.tick() => written += flush(&mut batch),
        }
    }
    written += flush(&mut batch);
    println!("event writer: flushed; events written: {written}");
}

fn flush(batch: &mut Vec<String>) -> usize {
    // A real service would write to a file or a database here.
    let count = batch.len();
    batch.clear();
    count
}

/// Prints the stats every 5 s, and once more when `stop` is cancelled.
async fn report_stats(stats: Stats, stop: CancellationToken) {
    let mut ticker = interval(Duration::from_secs(5));
    ticker.tick().await; // the first tick completes at once
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = ticker.tick() => println!("stats: {}", format_stats(&stats)),
        }
    }
    println!("final stats: {}", format_stats(&stats));
}

fn format_stats(stats: &Stats) -> String {
    let stats = stats.read().unwrap(); // read lock: many readers at once
    let counts: Vec<String> = stats
        .iter()
        .map(|(path, n)| format!("{path}={n}"))
        .collect();
    counts.join(" ")
}

/// Installs the handlers now, and returns a future that completes with the name of the
/// first stop signal: SIGINT or SIGTERM on Unix.
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    })
}

/// Windows has no SIGTERM: a console program is asked to stop with Ctrl+C.
#[cfg(windows)]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        ctrl_c.recv().await;
        "Ctrl+C"
    })
}

fn shutdown_timeout() -> Duration {
    let ms = std::env::var("SHUTDOWN_TIMEOUT_MS").ok();
    Duration::from_millis(ms.and_then(|ms| ms.parse().ok()).unwrap_or(10_000))
}

#[tokio::main]
async fn main() -> std::io::Result<ExitCode> {
    let stop = stop_signal()?; // from here on, a stop signal no longer kills us
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;

    let stats = Stats::default();
    let (events, inbox) = mpsc::channel(1024);
    let app = Router::new()
        .route("/upload", post(upload))
        .fallback(hello) // every other path
        .with_state(App {
            stats: Arc::clone(&stats),
            events, // the only sender outside the requests: the router owns it
        });

    let shutdown = CancellationToken::new(); // cancelled by the signal
    let server_stopped = CancellationToken::new(); // cancelled when every request is answered
    let tasks = TaskTracker::new();
    tasks.spawn(write_events(inbox));
    tasks.spawn(report_stats(Arc::clone(&stats), server_stopped.clone()));
    let server =
        axum::serve(listener, app).with_graceful_shutdown(shutdown.clone().cancelled_owned());
    tasks.spawn(async move {
        server.await.expect("serving never fails");
        println!("http server: stopped, every request answered");
        server_stopped.cancel(); // and the router, with its event sender, is gone
    });
    tasks.close();
    println!("listening on http://{local_addr}");

    let name = stop.await;
    println!("received {name}: shutting down");
    shutdown.cancel(); // stop accepting; finish what is in flight

    let deadline = shutdown_timeout();
    match timeout(deadline, tasks.wait()).await {
        Ok(()) => {
            println!("shutdown complete");
            Ok(ExitCode::SUCCESS)
        }
        Err(_) => {
            println!("shutdown took longer than {deadline:?}: exiting anyway");
            Ok(ExitCode::FAILURE)
        }
    }
}
