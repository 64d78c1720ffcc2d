// Shows: concurrent HTTP requests, one task per URL, results kept in URL order. The
// local server answers nobody until every request has arrived, which proves they overlap.
// Run: cargo run -p ch03-12-concurrent-http (serves and fetches on 127.0.0.1 only)
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use tokio::sync::Barrier;

async fn fetch(client: &reqwest::Client, url: &str) -> reqwest::Result<String> {
    client
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await
}

async fn fetch_all(client: &reqwest::Client, urls: &[String]) -> Vec<reqwest::Result<String>> {
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (client, url) = (client.clone(), url.clone()); // each task owns its copies
            tokio::spawn(async move { fetch(&client, &url).await })
        })
        .collect();

    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        // Awaiting in spawn order keeps result i with URL i, whatever finished first.
        results.push(handle.await.expect("a fetch task panicked"));
    }
    results
}

/// A test server on 127.0.0.1: each request waits until `expected` requests are waiting.
async fn start_server(expected: usize) -> SocketAddr {
    async fn page(State(everyone): State<Arc<Barrier>>, Path(id): Path<u32>) -> String {
        everyone.wait().await; // answers only once all requests are in flight
        format!("page {id}")
    }
    let app = Router::new()
        .route("/pages/{id}", get(page))
        .with_state(Arc::new(Barrier::new(expected)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::main]
async fn main() {
    let addr = start_server(4).await;
    let urls: Vec<String> = (1..=4)
        .map(|i| format!("http://{addr}/pages/{i}"))
        .collect();
    // `no_proxy`: talk to 127.0.0.1 directly, even if HTTP_PROXY is set.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    // One at a time, the first request would wait forever for the other three.
    let results = tokio::time::timeout(Duration::from_secs(5), fetch_all(&client, &urls))
        .await
        .expect("the requests were not all in flight at once");
    for (i, result) in results.into_iter().enumerate() {
        println!("url {}: {}", i + 1, result.expect("request failed"));
    }
}
