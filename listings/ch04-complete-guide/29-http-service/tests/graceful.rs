//! Starts the real service binary on a free port of 127.0.0.1, talks to it with real
//! HTTP clients, sends it real signals and checks how it shuts down. Unix only: the
//! signals are sent with `kill`.
#![cfg(unix)]
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Not a timing claim: only a bound, so that a broken service fails the test instead of
/// hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

/// The service as a child process, with its stdout read line by line on a thread.
struct Service {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Service {
    fn start(env: &[(&str, &str)]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ch04-29-http-service"))
            .env("ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the service");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Service {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads stdout until a line starts with `prefix`, and returns the rest of that line.
    fn wait_for(&mut self, prefix: &str) -> String {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.to_string();
                    }
                }
                Err(e) => panic!(
                    "no line starting with {prefix:?} ({e:?}); saw {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Waits for the ready line, and returns the address the service listens on.
    fn wait_until_listening(&mut self) -> SocketAddr {
        self.wait_for("listening on http://")
            .parse()
            .expect("an address")
    }

    /// Sends the signal named `signal` (`TERM`, `INT`), as `kill -s TERM <pid>` does in a
    /// shell.
    fn send(&self, signal: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-s", signal, &pid]).status();
        assert!(
            sent.as_ref().is_ok_and(|s| s.success()),
            "kill -s {signal} {pid}: {sent:?}"
        );
    }

    /// Reads stdout until the process closes it, then returns the exit status and every
    /// line the process printed.
    fn finish(&mut self) -> (ExitStatus, Vec<String>) {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("still running; saw {:#?}", self.seen),
            }
        }
        let status = self.child.wait().expect("wait for the service");
        (status, self.seen.clone())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // Only matters when a test failed half-way: leave no process behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs each path with reqwest, a real HTTP client, and checks the answers.
fn get_all(addr: SocketAddr, paths: &[&str]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        for path in paths {
            let response = client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let body = response.text().await.unwrap();
            assert_eq!(body, format!("Hello, you've requested: {path}\n"));
        }
    });
}

/// Starts a POST /upload of 10 bytes and sends only the first 5.
fn start_upload(addr: SocketAddr) -> TcpStream {
    let mut upload = TcpStream::connect(addr).unwrap();
    upload.set_read_timeout(Some(PATIENCE)).unwrap();
    let head = "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n";
    upload.write_all(head.as_bytes()).unwrap();
    upload.write_all(b"hello").unwrap();
    upload
}

/// The service stops accepting as soon as it sees the signal; this waits until a new
/// connection is refused, and fails if that does not happen within PATIENCE.
fn wait_until_refused(addr: SocketAddr) {
    let start = Instant::now();
    loop {
        match TcpStream::connect(addr) {
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => return,
            // The listener closed while this connection waited in its queue: the kernel
            // resets it. Not yet the refusal this waits for; the next attempt shows it.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("unexpected error connecting: {e}"),
            Ok(_accepted) => {}
        }
        assert!(start.elapsed() < PATIENCE, "still accepting connections");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn position(lines: &[String], line: &str) -> usize {
    lines
        .iter()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line {line:?} in {lines:#?}"))
}

#[test]
fn a_request_in_flight_is_answered_and_new_connections_are_refused() {
    let mut service = Service::start(&[]);
    let addr = service.wait_until_listening();
    get_all(addr, &["/hello", "/hello"]);

    let mut upload = start_upload(addr);
    service.wait_for("upload: receiving"); // the handler is running: the request is in flight
    service.send("TERM");
    service.wait_for("received SIGTERM: shutting down");
    wait_until_refused(addr); // while the upload is still open, so the process is alive

    upload.write_all(b"world").unwrap(); // the other 5 bytes
    let mut response = String::new();
    upload.read_to_string(&mut response).unwrap(); // the server closes the connection after it
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\nreceived 10 bytes\n"),
        "{response}"
    );

    let (status, lines) = service.finish();
    let stopped = position(&lines, "http server: stopped, every request answered");
    // The background workers flush after the last request, so they count all three.
    assert!(position(&lines, "final stats: /hello=2 /upload=1") > stopped);
    assert!(position(&lines, "event writer: flushed; events written: 3") > stopped);
    assert_eq!(lines.last().unwrap(), "shutdown complete");
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn sigint_with_nothing_in_flight_exits_cleanly() {
    let mut service = Service::start(&[]);
    let addr = service.wait_until_listening();
    get_all(addr, &["/a", "/b", "/a"]);
    service.send("INT");

    let (status, lines) = service.finish();
    position(&lines, "received SIGINT: shutting down");
    position(&lines, "final stats: /a=2 /b=1");
    position(&lines, "event writer: flushed; events written: 3");
    assert_eq!(lines.last().unwrap(), "shutdown complete");
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn a_request_that_never_ends_is_cut_off_at_the_deadline() {
    let mut service = Service::start(&[("SHUTDOWN_TIMEOUT_MS", "300")]);
    let addr = service.wait_until_listening();
    let _upload = start_upload(addr); // and never finished
    service.wait_for("upload: receiving");
    service.send("TERM");

    let (status, lines) = service.finish();
    assert_eq!(
        lines.last().unwrap(),
        "shutdown took longer than 300ms: exiting anyway"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("http server: stopped")),
        "{lines:#?}"
    );
    assert_eq!(status.code(), Some(1), "{lines:#?}");
}
