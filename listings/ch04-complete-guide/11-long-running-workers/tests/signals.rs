//! Starts the real service binary, sends it real signals and checks how it shuts down.
//! Unix only: the signals are sent with `kill`.
#![cfg(unix)]
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

const WORKERS: [&str; 3] = ["data monitor", "health checker", "message processor"];

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_ch04-11-long-running-workers"))
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

    /// Reads stdout until a line starts with `prefix`.
    fn wait_for(&mut self, prefix: &str) {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    let found = line.starts_with(prefix);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(e) => panic!(
                    "no line starting with {prefix:?} ({e:?}); saw {:#?}",
                    self.seen
                ),
            }
        }
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

fn position(lines: &[String], line: &str) -> usize {
    lines
        .iter()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line {line:?} in {lines:#?}"))
}

fn stops_cleanly(signal: &str) {
    let mut service = Service::start(&[]);
    service.wait_for("ready: 3 workers running");
    service.send(signal);
    let (status, lines) = service.finish();

    let received = position(&lines, &format!("received SIG{signal}: shutting down"));
    for name in WORKERS {
        let cleaned_up = position(&lines, &format!("{name}: cleaned up and stopped"));
        assert!(cleaned_up > received, "{name} cleaned up before the signal");
    }
    assert_eq!(lines.last().unwrap(), "all workers stopped cleanly");
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn sigterm_stops_every_worker_cleanly() {
    stops_cleanly("TERM");
}

#[test]
fn sigint_stops_every_worker_cleanly() {
    stops_cleanly("INT");
}

#[test]
fn a_worker_that_ignores_cancellation_is_cut_off_at_the_deadline() {
    let mut service =
        Service::start(&[("START_STUCK_WORKER", "1"), ("SHUTDOWN_TIMEOUT_MS", "200")]);
    service.wait_for("ready: 4 workers running");
    service.send("TERM");
    let (status, lines) = service.finish();

    for name in WORKERS {
        position(&lines, &format!("{name}: cleaned up and stopped"));
    }
    assert_eq!(
        lines.last().unwrap(),
        "1 worker(s) still running after 200ms: exiting anyway"
    );
    assert_eq!(status.code(), Some(1), "{lines:#?}");
}

#[test]
fn a_worker_blocked_in_a_thread_does_not_keep_the_process_alive() {
    let mut service = Service::start(&[
        ("START_BLOCKED_WORKER", "1"),
        ("SHUTDOWN_TIMEOUT_MS", "200"),
    ]);
    service.wait_for("ready: 4 workers running");
    service.send("TERM");
    // `finish` gives up long before the blocked thread's hour is over: the process must
    // exit without waiting for that thread.
    let (status, lines) = service.finish();

    assert_eq!(
        lines.last().unwrap(),
        "1 worker(s) still running after 200ms: exiting anyway"
    );
    assert_eq!(status.code(), Some(1), "{lines:#?}");
}
