//! The scraper against a local test site: every URL gets one report, the bound on
//! fetches in flight holds, and a hanging page times out while the others report.
use super::*;
use axum::extract::State;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::runtime::Handle;
use tokio::sync::watch;

/// Not a timing claim: a bound so that a broken scraper fails a test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

/// Holds each `/gated` request until the test opens it, counting how many it holds.
struct Gate {
    in_flight: AtomicUsize,
    max: AtomicUsize,
    held: watch::Sender<usize>,
    open: watch::Sender<bool>,
}

impl Gate {
    fn new(open: bool) -> Arc<Gate> {
        Arc::new(Gate {
            in_flight: AtomicUsize::new(0),
            max: AtomicUsize::new(0),
            held: watch::Sender::new(0),
            open: watch::Sender::new(open),
        })
    }
}

async fn gated(State(gate): State<Arc<Gate>>) -> &'static str {
    let now = gate.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    gate.max.fetch_max(now, Ordering::SeqCst);
    gate.held.send_replace(now);
    let mut open = gate.open.subscribe();
    open.wait_for(|&open| open)
        .await
        .expect("the gate is never dropped");
    gate.in_flight.fetch_sub(1, Ordering::SeqCst);
    "through the gate"
}

/// `/ok/{n}` answers with n bytes at once, `/fail` with a 500, `/hang` never, and
/// `/gated` when the gate is open. Anything else is a 404.
async fn start_site(gate: Arc<Gate>) -> String {
    let site = Router::new()
        .route(
            "/ok/{n}",
            get(|Path(n): Path<usize>| async move { "x".repeat(n) }),
        )
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/hang", get(std::future::pending::<String>))
        .route("/gated", get(gated))
        .with_state(gate);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, site).await });
    base
}

/// The same site on a thread and runtime of its own, with a real clock: for tests whose
/// own runtime has its clock paused, or that count its tasks.
fn start_site_on_own_thread(gate: Arc<Gate>) -> String {
    let (base_tx, base_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            base_tx.send(start_site(gate).await).unwrap();
            std::future::pending::<()>().await
        });
    });
    base_rx.recv().unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn next(reports: &mut mpsc::Receiver<Report>) -> Option<Report> {
    tokio::time::timeout(PATIENCE, reports.recv())
        .await
        .expect("a report within PATIENCE")
}

async fn collect(mut reports: mpsc::Receiver<Report>) -> Vec<Report> {
    let mut all = Vec::new();
    while let Some(report) = next(&mut reports).await {
        all.push(report);
    }
    all
}

/// A URL on 127.0.0.1 where nothing listens: connecting to it is refused.
async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_url_gets_exactly_one_report() {
    let base = start_site(Gate::new(true)).await;
    let refused = refused_url().await;
    let mut urls: Vec<String> = (1..=10).map(|n| format!("{base}/ok/{n}")).collect();
    urls.extend((1..=3).map(|n| format!("{base}/fail?n={n}")));
    urls.extend((1..=2).map(|n| format!("{base}/missing/{n}")));
    urls.push(refused.clone());

    // A timeout far beyond any answer here: none of these fetches should reach it.
    let reports = collect(scrape(client(), urls.clone(), 4, PATIENCE)).await;

    let mut reported: Vec<&str> = reports.iter().map(|r| r.url.as_str()).collect();
    reported.sort();
    let mut expected: Vec<&str> = urls.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(reported, expected, "one report per URL, no more, no fewer");

    // Checked in URL order, not in the order the fetches ended: the first mismatch a
    // broken scraper shows is then the same on every run.
    let mut reports = reports;
    reports.sort_by(|a, b| a.url.cmp(&b.url));
    for Report { url, outcome } in &reports {
        let path = url.strip_prefix(&base).unwrap_or(url);
        match path.split('/').nth(1) {
            Some("ok") => {
                let n: usize = path["/ok/".len()..].parse().unwrap();
                assert_eq!(*outcome, Outcome::Fetched { bytes: n }, "{url}");
            }
            Some("fail?n=1" | "fail?n=2" | "fail?n=3") => {
                let error = "HTTP 500 Internal Server Error".to_string();
                assert_eq!(*outcome, Outcome::Failed(error), "{url}");
            }
            Some("missing") => {
                let error = "HTTP 404 Not Found".to_string();
                assert_eq!(*outcome, Outcome::Failed(error), "{url}");
            }
            _ => {
                assert_eq!(url, &refused);
                assert!(matches!(outcome, Outcome::Failed(_)), "{url}: {outcome:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_more_than_the_limit_in_flight() {
    let gate = Gate::new(false);
    let base = start_site(Arc::clone(&gate)).await;
    let urls: Vec<String> = (0..12).map(|n| format!("{base}/gated?n={n}")).collect();

    let reports = scrape(client(), urls, 3, PATIENCE);
    // The site now holds every request it gets. Wait until it holds three...
    let mut held = gate.held.subscribe();
    tokio::time::timeout(PATIENCE, held.wait_for(|&n| n >= 3))
        .await
        .expect("three requests in flight")
        .unwrap();
    // ...then let everything through.
    gate.open.send_replace(true);

    let reports = collect(reports).await;
    assert_eq!(reports.len(), 12);
    for report in &reports {
        let body = "through the gate".len();
        assert_eq!(
            report.outcome,
            Outcome::Fetched { bytes: body },
            "{}",
            report.url
        );
    }
    assert_eq!(gate.max.load(Ordering::SeqCst), 3, "in flight at once");
}

const HANG_TIMEOUT: Duration = Duration::from_secs(5);

// The clock is paused, so the timeout is exact and costs no real time. But a paused
// clock also jumps ahead whenever the runtime is idle, even while it waits for the
// network; so while the real requests are in flight we keep a `spawn_blocking` task
// running, which tokio documents as stopping the clock from jumping.
#[tokio::test(start_paused = true)]
async fn a_hanging_page_times_out_while_the_others_report() {
    let base = start_site_on_own_thread(Gate::new(true));
    let hang = format!("{base}/hang");
    let others = [
        format!("{base}/fail"),
        format!("{base}/ok/10"),
        format!("{base}/ok/20"),
    ]; // sorted, to compare with the reports below
    let mut urls = vec![hang.clone()];
    urls.extend(others.iter().cloned());

    let (release, hold) = std::sync::mpsc::channel::<()>();
    let clock_holder = tokio::task::spawn_blocking(move || hold.recv());
    let start = tokio::time::Instant::now();
    let mut reports = scrape(client(), urls, 2, HANG_TIMEOUT);

    // The hanging fetch holds one of the two permits; the rest go through the other.
    let mut early = Vec::new();
    for _ in 0..others.len() {
        let report = next(&mut reports).await.expect("a report");
        assert_ne!(report.outcome, Outcome::TimedOut, "{}", report.url);
        early.push(report.url);
    }
    early.sort();
    assert_eq!(early, others);
    assert_eq!(start.elapsed(), Duration::ZERO, "the clock has not moved");

    // Now let the clock run: the only timer left is the hanging fetch's timeout.
    release.send(()).unwrap();
    clock_holder.await.unwrap().unwrap();
    let last = next(&mut reports).await.expect("the hanging page's report");
    assert_eq!((last.url, last.outcome), (hang, Outcome::TimedOut));
    assert_eq!(start.elapsed(), HANG_TIMEOUT);
    assert!(next(&mut reports).await.is_none(), "no more reports");
}

// The site runs elsewhere, so every task on this runtime belongs to the scraper (or to
// the HTTP client it drives). The clock is paused: after the reader goes away, letting it
// advance gives every task its chance to end, and a task still fetching would still be
// there, waiting on a gate that never opens, with an hour left on its timeout.
#[tokio::test(start_paused = true)]
async fn no_task_is_left_when_the_reader_stops() {
    let gate = Gate::new(false);
    let base = start_site_on_own_thread(Arc::clone(&gate));
    let urls: Vec<String> = (0..12).map(|n| format!("{base}/gated?n={n}")).collect();

    // As in the test above, a blocking task keeps the clock still while we wait for the
    // network: the site must hold three requests before the reader goes away.
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let clock_holder = tokio::task::spawn_blocking(move || hold.recv());
    let reports = scrape(client(), urls, 3, Duration::from_secs(3600));
    let mut held = gate.held.subscribe();
    held.wait_for(|&n| n >= 3).await.unwrap();

    drop(reports); // the reader stops reading
    release.send(()).unwrap();
    clock_holder.await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
}

// On the paused clock, fetches of a page that never answers all end at their timeout, and
// the clock jumps straight to it. With three permits, twelve such fetches run in four
// rounds of three: exactly four timeouts long. More at once would take fewer rounds.
#[tokio::test(start_paused = true)]
async fn hanging_fetches_run_in_rounds_of_the_limit() {
    let base = start_site_on_own_thread(Gate::new(true));
    let urls: Vec<String> = (0..12).map(|n| format!("{base}/hang?n={n}")).collect();
    let start = tokio::time::Instant::now();
    let reports = collect(scrape(client(), urls, 3, HANG_TIMEOUT)).await;
    assert_eq!(reports.len(), 12);
    assert!(reports.iter().all(|r| r.outcome == Outcome::TimedOut));
    assert_eq!(start.elapsed(), 4 * HANG_TIMEOUT);
}
