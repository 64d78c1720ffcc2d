//! Starts the real program, sends it a real SIGTERM and checks how it shuts down.
//! Unix only: the signal is sent with `kill`.
#![cfg(unix)]
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// Not a timing claim: only a bound, so that a broken program fails the test instead of
/// hanging it.
const PATIENCE: Duration = Duration::from_secs(20);

/// The program as a child process, with its stdout read line by line on a thread.
struct Program {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Program {
    fn start(env: &[(&str, &str)]) -> Program {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ch01-35-signal-shutdown"))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the program");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Program {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads stdout until the line `expected` (the SIGTERM listener exists before it).
    fn wait_for(&mut self, expected: &str) {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    let found = line == expected;
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(e) => panic!("no line {expected:?} ({e:?}); saw {:#?}", self.seen),
            }
        }
    }

    /// Sends SIGTERM, as `kill -s TERM <pid>` does in a shell.
    fn sigterm(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-s", "TERM", &pid]).status();
        assert!(
            sent.as_ref().is_ok_and(|s| s.success()),
            "kill -s TERM {pid}: {sent:?}"
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
        let status = self.child.wait().expect("wait for the program");
        (status, self.seen.clone())
    }
}

impl Drop for Program {
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

#[test]
fn sigterm_stops_every_worker_then_exits_cleanly() {
    let mut program = Program::start(&[]);
    program.wait_for("running 3 workers");
    program.sigterm();
    let (status, lines) = program.finish();

    let received = position(&lines, "SIGTERM: stopping the workers");
    let done = position(&lines, "all workers stopped");
    for id in 1..=3 {
        let stopped = position(&lines, &format!("worker {id}: stopped"));
        assert!(received < stopped && stopped < done, "{lines:#?}");
    }
    assert_eq!(done, lines.len() - 1, "{lines:#?}");
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn a_worker_that_ignores_the_token_is_cut_off_at_the_deadline() {
    let mut program = Program::start(&[("STUCK_WORKER", "1")]);
    program.wait_for("running 4 workers");
    program.sigterm();
    let (status, lines) = program.finish();

    for id in 1..=3 {
        position(&lines, &format!("worker {id}: stopped"));
    }
    let last = lines.last().map(String::as_str);
    assert_eq!(last, Some("deadline passed: 1 worker(s) still running"));
    assert_eq!(status.code(), Some(1), "{lines:#?}");
}
