//! Running commands under a time limit that holds: every child starts as the leader of a
//! process group of its own (a job object on Windows), and when its limit passes the whole
//! group is killed, so a hung listing, test or doctest leaves nothing running behind it.
//! Ctrl-C, SIGTERM and SIGHUP kill the groups still running before the harness exits (a
//! child in its own group does not see the terminal's signals), and a group is killed when
//! its leader exits too, so a grandchild left running cannot hold the harness's pipes open or
//! outlive it.

use anyhow::{Context, Result};
use process_wrap::std::{ChildWrapper, CommandWrap};
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(ExitStatus),
    /// Still running when its limit passed; its process group was killed.
    TimedOut(Duration),
    /// A line of its output showed it was stuck (see [`Watch`]); its group was killed.
    Stopped,
}

impl Ending {
    /// Exited with status 0.
    pub fn is_success(self) -> bool {
        matches!(self, Ending::Exited(s) if s.success())
    }
}

/// What a command printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub ending: Ending,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn success(&self) -> bool {
        self.ending.is_success()
    }

    pub fn code(&self) -> Option<i32> {
        match self.ending {
            Ending::Exited(s) => s.code(),
            _ => None,
        }
    }

    pub fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// "exited with exit status: 1", "was killed after 10 s", for messages.
    pub fn describe_ending(&self) -> String {
        match self.ending {
            Ending::Exited(s) => format!("exited with {s}"),
            Ending::TimedOut(limit) => format!(
                "was still running after {} s and was killed (with its whole process group)",
                limit.as_secs()
            ),
            Ending::Stopped => "was stopped: its output showed it stuck".to_string(),
        }
    }
}

/// A line that, once printed, means the command is stuck and should be killed now rather
/// than at its limit (libtest's "has been running for over 60 seconds").
pub type Watch = fn(&str) -> bool;

/// libtest warns about a test still running after 60 s: a hung listing test.
pub fn libtest_stuck(line: &str) -> bool {
    crate::libtest::is_stuck_line(line)
}

/// Output kept from one command: enough to see what went wrong, bounded so a program that
/// prints for ever cannot exhaust memory.
const KEEP_BYTES: usize = 4 << 20;

/// Runs `cmd` with its output captured, killing its process group after `limit`.
pub fn run(cmd: &mut Command, limit: Duration) -> Result<Run> {
    run_watching(cmd, limit, None)
}

/// Like [`run`], but also kills the group as soon as an output line matches `watch`.
pub fn run_watching(cmd: &mut Command, limit: Duration, watch: Option<Watch>) -> Result<Run> {
    run_stoppable(cmd, limit, watch, Arc::new(AtomicBool::new(false)))
}

/// Like [`run_watching`], and the group is also killed once `stop` is set (by another
/// thread that no longer wants the result): it then ends as [`Ending::Stopped`].
pub fn run_stoppable(
    cmd: &mut Command,
    limit: Duration,
    watch: Option<Watch>,
    stop: Arc<AtomicBool>,
) -> Result<Run> {
    let mut child = spawn_in_group(cmd, true)?;
    let stuck = stop;
    let out = reader(child.stdout().take(), watch, stuck.clone());
    let err = reader(child.stderr().take(), watch, stuck.clone());
    let (ending, elapsed) = wait_or_kill(&mut child, limit, Some(&stuck))?;
    let stdout = out.join().expect("reader thread")?;
    let stderr = err.join().expect("reader thread")?;
    Ok(Run {
        ending,
        stdout,
        stderr,
        elapsed,
    })
}

/// Runs `cmd` with its output going to the terminal, killing its group after `limit`.
pub fn stream(cmd: &mut Command, limit: Duration) -> Result<Ending> {
    say!("  $ {}", describe(cmd));
    let mut child = spawn_in_group(cmd, false)?;
    let (ending, _) = wait_or_kill(&mut child, limit, None)?;
    if let Ending::TimedOut(limit) = ending {
        say!(
            "  killed after {} s, with its process group: {}",
            limit.as_secs(),
            describe(cmd)
        );
    }
    Ok(ending)
}

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// The process groups started and not yet reaped, for the Ctrl-C handler.
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// On Ctrl-C, SIGTERM or SIGHUP, kill every group still running, then exit as interrupted.
pub fn kill_groups_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        for pgid in LIVE.lock().map(|l| l.clone()).unwrap_or_default() {
            kill_group(pgid);
        }
        say!("\ninterrupted: killed the commands still running");
        std::process::exit(130);
    });
}

#[cfg(unix)]
fn kill_group(pgid: u32) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(pgid as i32), Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {
    // On Windows the job object kills the tree when the harness exits.
}

fn copy_command(cmd: &Command) -> Command {
    with_rest_of(Command::new(cmd.get_program()), cmd)
}

/// `to`, given `from`'s arguments, environment and folder: `from` rebuilt (std's Command
/// can't be cloned), or run through another program (`nice -n 19 cargo …`).
pub fn with_rest_of(mut to: Command, from: &Command) -> Command {
    to.args(from.get_args());
    for (k, v) in from.get_envs() {
        match v {
            Some(v) => to.env(k, v),
            None => to.env_remove(k),
        };
    }
    if let Some(dir) = from.get_current_dir() {
        to.current_dir(dir);
    }
    to
}

fn spawn_in_group(cmd: &Command, captured: bool) -> Result<Box<dyn ChildWrapper>> {
    // std's Command can be neither cloned nor moved out of a `&mut`: rebuild it for the
    // wrapper, with pipes when the output is captured and the terminal otherwise.
    let mut copy = copy_command(cmd);
    copy.stdin(Stdio::null());
    if captured {
        copy.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let mut wrapped = CommandWrap::from(copy);
    #[cfg(unix)]
    wrapped.wrap(process_wrap::std::ProcessGroup::leader());
    #[cfg(windows)]
    wrapped.wrap(process_wrap::std::JobObject);
    let child = wrapped
        .spawn()
        .with_context(|| format!("starting {}", describe(cmd)))?;
    if let Ok(mut live) = LIVE.lock() {
        live.push(child.id());
    }
    Ok(child)
}

fn reader(
    pipe: Option<impl Read + Send + 'static>,
    watch: Option<Watch>,
    stuck: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Result<String>> {
    std::thread::spawn(move || {
        let Some(mut pipe) = pipe else {
            return Ok(String::new());
        };
        let mut kept = Vec::new();
        let mut line = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            let n = pipe.read(&mut buf)?;
            if n == 0 {
                break;
            }
            if kept.len() < KEEP_BYTES {
                kept.extend_from_slice(&buf[..n]);
            }
            if let Some(watch) = watch {
                for &b in &buf[..n] {
                    if b == b'\n' {
                        if watch(&String::from_utf8_lossy(&line)) {
                            stuck.store(true, Ordering::SeqCst);
                        }
                        line.clear();
                    } else {
                        line.push(b);
                    }
                }
            }
        }
        Ok(String::from_utf8_lossy(&kept).into_owned())
    })
}

fn wait_or_kill(
    child: &mut Box<dyn ChildWrapper>,
    limit: Duration,
    stuck: Option<&AtomicBool>,
) -> Result<(Ending, Duration)> {
    let started = Instant::now();
    let id = child.id();
    let ending = loop {
        if let Some(status) = child.try_wait()? {
            // The leader is gone; whatever it left behind in its group goes too.
            kill_group(id);
            break Ending::Exited(status);
        }
        let stopped = stuck.is_some_and(|s| s.load(Ordering::SeqCst));
        if stopped || started.elapsed() >= limit {
            // SIGKILL to the whole group, then reap the leader (the pipes close once every
            // process holding them is gone, which ends the reader threads).
            child.kill().ok();
            child.wait().ok();
            break if stopped {
                Ending::Stopped
            } else {
                Ending::TimedOut(limit)
            };
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    forget(id);
    Ok((ending, started.elapsed()))
}

/// Takes a group that is gone off the list Ctrl-C kills.
fn forget(pgid: u32) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|&p| p != pgid);
    }
}

/// A program kept running while the harness works with it (a browser it drives), in a
/// process group of its own like every other command: dropping it kills the group, and
/// Ctrl-C does too while it runs. Its standard error arrives line by line on `stderr`;
/// its standard output is read and dropped.
pub struct Held {
    child: Box<dyn ChildWrapper>,
    pub stderr: std::sync::mpsc::Receiver<String>,
}

/// Starts `cmd` as a [`Held`] program.
pub fn hold(cmd: &Command) -> Result<Held> {
    let mut child = spawn_in_group(cmd, true)?;
    let stdout = child.stdout().take();
    std::thread::spawn(move || stdout.map(|mut o| std::io::copy(&mut o, &mut std::io::sink())));
    let (lines, stderr) = std::sync::mpsc::channel();
    let pipe = child.stderr().take();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let Some(pipe) = pipe else { return };
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    Ok(Held { child, stderr })
}

impl Drop for Held {
    fn drop(&mut self) {
        let id = self.child.id();
        self.child.kill().ok();
        self.child.wait().ok();
        kill_group(id);
        forget(id);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    fn alive(pid: &str) -> bool {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !fs_err::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ")
    }

    #[test]
    fn a_hung_child_is_killed_with_its_children_within_the_limit() {
        // The child starts a grandchild that would outlive it, prints its pid, and hangs.
        let t = Instant::now();
        let run = run(
            &mut sh("sleep 600 & echo $!; sleep 600"),
            Duration::from_millis(500),
        )
        .unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert_eq!(run.ending, Ending::TimedOut(Duration::from_millis(500)));
        let grandchild = run.stdout.trim();
        assert!(!grandchild.is_empty());
        // Reaped by init after the kill; give it a moment to disappear.
        let gone = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            !alive(grandchild)
        });
        assert!(gone, "grandchild {grandchild} survived the kill");
    }

    #[test]
    fn a_grandchild_left_behind_is_killed_when_the_child_exits() {
        // The child leaves a grandchild holding its stdout and exits at once: the harness
        // must neither wait for it nor leave it running.
        let t = Instant::now();
        let run = run(&mut sh("sleep 600 & echo $!"), Duration::from_secs(60)).unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(run.success());
        let grandchild = run.stdout.trim();
        let gone = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            !alive(grandchild)
        });
        assert!(gone, "grandchild {grandchild} outlived its parent's group");
    }

    #[test]
    fn a_finished_child_reports_status_and_output() {
        let run = run(
            &mut sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(run.code(), Some(3));
        assert_eq!(run.stdout, "out\n");
        assert_eq!(run.stderr, "err\n");
        assert!(!run.success());
    }

    #[test]
    fn a_watched_line_stops_the_child_at_once() {
        let t = Instant::now();
        let run = run_watching(
            &mut sh("echo 'test x has been running for over 60 seconds'; sleep 600"),
            Duration::from_secs(60),
            Some(libtest_stuck),
        )
        .unwrap();
        assert_eq!(run.ending, Ending::Stopped);
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_streamed_hang_is_killed() {
        let ending = stream(&mut sh("sleep 600"), Duration::from_millis(300)).unwrap();
        assert_eq!(ending, Ending::TimedOut(Duration::from_millis(300)));
    }
}
