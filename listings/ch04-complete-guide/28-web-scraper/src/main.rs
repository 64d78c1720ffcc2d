// Shows: a scraper. Every URL gets a task; a semaphore lets three fetch at once; each
// fetch has a timeout; every URL gets exactly one report, whatever happened to it.
// Run: cargo run -p ch04-28-web-scraper (it scrapes a site it serves on 127.0.0.1)
use axum::{Router, extract::Path, http::StatusCode, routing::get};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};

#[derive(Debug, PartialEq)]
enum Outcome {
    Fetched { bytes: usize },
    Failed(String),
    TimedOut,
}

#[derive(Debug)]
struct Report {
    url: String,
    outcome: Outcome,
}

/// Fetches every URL, at most `limit` at a time, each within `timeout`. Returns at once;
/// the reports arrive on the channel, one per URL, as the fetches end. Dropping the
/// receiver stops every fetch still waiting or running.
fn scrape(
    client: reqwest::Client,
    urls: Vec<String>,
    limit: usize,
    timeout: Duration,
) -> mpsc::Receiver<Report> {
    let (reports, inbox) = mpsc::channel(limit.max(1));
    let permits = Arc::new(Semaphore::new(limit));
    for url in urls {
        let (client, permits, reports) = (client.clone(), Arc::clone(&permits), reports.clone());
        tokio::spawn(async move {
            let work = async {
                let _permit = permits.acquire().await.expect("never closed");
                match tokio::time::timeout(timeout, fetch(&client, &url)).await {
                    Ok(Ok(bytes)) => Outcome::Fetched { bytes },
                    Ok(Err(error)) => Outcome::Failed(error),
                    Err(_elapsed) => Outcome::TimedOut,
                }
            }; // the permit goes back here, before we wait for room in the channel
            tokio::select! {
                outcome = work => {
                    let _ = reports.send(Report { url, outcome }).await; // Err: nobody listens
                }
                () = reports.closed() => {} // the caller stopped reading: drop the fetch
            }
        });
    }
    inbox // closes once every task has sent its report and dropped its sender
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<usize, String> {
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    Ok(body.len())
}

/// A small site to scrape, on a free port of 127.0.0.1. Returns its base URL.
async fn serve_demo_site() -> std::io::Result<String> {
    let site = Router::new()
        .route(
            "/page/{n}",
            get(|Path(n): Path<usize>| async move { "x".repeat(n * 100) }),
        )
        .route("/slow", get(slow))
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/hang", get(std::future::pending::<String>)); // never answers
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, site).await });
    Ok(base)
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(100)).await;
    "slow, but here"
}

const LIMIT: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let base = serve_demo_site().await?;
    let paths = [
        "/page/1", "/page/2", "/page/3", "/page/4", "/slow", "/fail", "/missing", "/hang",
    ];
    let urls: Vec<String> = paths.iter().map(|path| format!("{base}{path}")).collect();
    // HTTPS works too (reqwest's `rustls` feature), but this site is plain HTTP on
    // 127.0.0.1: don't let an HTTP_PROXY variable reroute it.
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");

    let mut reports = scrape(client, urls.clone(), LIMIT, TIMEOUT);
    let mut count = 0;
    while let Some(Report { url, outcome }) = reports.recv().await {
        let path = &url[base.len()..];
        match outcome {
            Outcome::Fetched { bytes } => println!("Fetched {path}: {bytes} bytes"),
            Outcome::Failed(error) => println!("Error fetching {path}: {error}"),
            Outcome::TimedOut => println!("Timed out fetching {path} after {TIMEOUT:?}"),
        }
        count += 1;
    }
    println!("{} URLs, {count} reports", urls.len());
    Ok(())
}

#[cfg(test)]
mod tests;
