// Shows: debugging aids. The runtime counts live tasks, the OS counts threads (Linux:
// /proc/self), named threads show up by name, and a tracing span on each task says
// which task wrote each log line.
// Run: cargo run -p ch03-41-counting-and-tracing
use std::sync::mpsc;
use std::thread;

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tracing::Instrument;

fn live_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// The threads of this process and their names, as the kernel sees them (Linux only).
fn live_threads() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stdout)
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .init();
    println!(
        "at start: {} tasks, {} thread",
        live_tasks(),
        live_threads().len()
    );

    // Three tasks, each in a span that names it, each waiting for a job.
    let mut senders = Vec::new();
    for id in 1..=3 {
        let (tx, rx) = oneshot::channel::<&str>();
        senders.push(tx);
        let span = tracing::info_span!("worker", id);
        tokio::spawn(
            async move {
                tracing::info!("waiting for a job");
                let _ = rx.await;
                tracing::info!("done");
            }
            .instrument(span),
        );
    }
    tokio::task::yield_now().await;

    // Two named threads, each blocked in `recv` until its sender is dropped.
    let (ready, all_ready) = mpsc::channel();
    let (mut stops, mut indexers) = (Vec::new(), Vec::new());
    for i in 0..2 {
        let (stop, stopped) = mpsc::channel::<()>();
        let ready = ready.clone();
        let indexer = thread::Builder::new().name(format!("indexer-{i}"));
        let handle = indexer.spawn(move || {
            ready.send(()).unwrap(); // by now the OS knows this thread's name
            let _ = stopped.recv();
        });
        stops.push(stop);
        indexers.push(handle.unwrap());
    }
    for _ in 0..2 {
        all_ready.recv().unwrap();
    }
    let threads = live_threads();
    let named: Vec<_> = threads
        .iter()
        .filter(|t| t.starts_with("indexer"))
        .collect();
    println!(
        "now: {} tasks, {} threads, named {named:?}",
        live_tasks(),
        threads.len()
    );

    drop(senders); // every worker's `rx.await` returns
    drop(stops); // every indexer's `recv` returns
    for indexer in indexers {
        indexer.join().unwrap();
    }
    tokio::task::yield_now().await;
    println!("at the end: {} tasks", live_tasks());
}
