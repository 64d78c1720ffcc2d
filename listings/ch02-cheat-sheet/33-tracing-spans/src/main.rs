// Shows: structured logging with `tracing`. Each task runs inside a span that records
// its request id; the span goes with the task across every `.await`, so each line says
// whose it is.
// Run: cargo run -p ch02-33-tracing-spans
use tracing::{Instrument, info, info_span};

async fn handle(id: u32) {
    info!("started");
    tokio::task::yield_now().await; // other tasks run here, and log in between
    info!(items = id * 10, "finished");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .without_time() // keeps this example's output the same on every run
        .with_target(false)
        .with_ansi(false)
        .init();

    let tasks: Vec<_> = (1..=3)
        .map(|id| tokio::spawn(handle(id).instrument(info_span!("request", id))))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
