//! Installs that start before the step that needs them. A fresh machine has no Go, no
//! Chromium and no cargo-mutants; installing each when its step comes leaves the other
//! core idle while apt-get unpacks or cargo compiles. Instead the runner starts them at
//! the beginning, each chain of jobs on a thread of its own, their output going to a log
//! file (it would interleave with the steps' own), and a step that needs one waits for it
//! by name. A job that failed is the step's to report: it retries in the foreground,
//! with the output on screen.

use crate::process::{self, Ending};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One command to run in the background.
pub struct Job {
    /// What steps wait for it by (a Debian package, a tool's name).
    pub name: &'static str,
    pub cmd: Command,
    pub limit: Duration,
    /// Where its output goes.
    pub log: PathBuf,
}

/// How a background job ended.
#[derive(Clone, Debug)]
pub struct Done {
    pub ok: bool,
    pub elapsed: Duration,
    pub log: PathBuf,
    /// Why it failed, in a line: its ending, or why it could not start.
    pub why: String,
}

impl Done {
    /// "done in the background in 41 s (log: target/tools/chromium.log)".
    pub fn describe(&self, rel: impl Fn(&std::path::Path) -> String) -> String {
        if self.ok {
            format!(
                "done in the background in {} s (log: {})",
                self.elapsed.as_secs(),
                rel(&self.log)
            )
        } else {
            format!(
                "failed in the background: {} (log: {})",
                self.why,
                rel(&self.log)
            )
        }
    }
}

/// Jobs started, and how each ended once it has.
#[derive(Default)]
pub struct Board {
    jobs: Mutex<BTreeMap<&'static str, Option<Done>>>,
    ended: Condvar,
}

impl Board {
    /// Runs `jobs` one after another on a new thread (an apt-get holds the package lock,
    /// so installs through it form one chain).
    pub fn start(&'static self, jobs: Vec<Job>) {
        self.start_with(jobs, run_job)
    }

    fn start_with(&'static self, jobs: Vec<Job>, run: fn(&mut Job) -> Done) {
        if jobs.is_empty() {
            return;
        }
        {
            let mut state = self.jobs.lock().expect("background jobs");
            for j in &jobs {
                state.insert(j.name, None);
            }
        }
        std::thread::spawn(move || {
            for mut job in jobs {
                let done = run(&mut job);
                self.jobs
                    .lock()
                    .expect("background jobs")
                    .insert(job.name, Some(done));
                self.ended.notify_all();
            }
        });
    }

    /// Waits for every job started to end (so that none outlives the run).
    pub fn wait_all(&self) {
        let mut state = self.jobs.lock().expect("background jobs");
        while state.values().any(Option::is_none) {
            state = self.ended.wait(state).expect("background jobs");
        }
    }

    /// Waits for the job called `name` to end. None: no such job was started.
    pub fn wait(&self, name: &str) -> Option<Done> {
        let mut state = self.jobs.lock().expect("background jobs");
        loop {
            match state.get(name) {
                None => return None,
                Some(Some(done)) => return Some(done.clone()),
                Some(None) => state = self.ended.wait(state).expect("background jobs"),
            }
        }
    }
}

/// The run's board.
pub fn board() -> &'static Board {
    static BOARD: OnceLock<Board> = OnceLock::new();
    BOARD.get_or_init(Board::default)
}

fn run_job(job: &mut Job) -> Done {
    let started = Instant::now();
    let outcome: Result<(Ending, String)> = process::run(&mut job.cmd, job.limit).map(|r| {
        let mut text = format!("$ {}\n", process::describe(&job.cmd));
        text.push_str(&r.both());
        (r.ending, text)
    });
    let (ok, why) = match outcome {
        Ok((ending, text)) => {
            let wrote = crate::files::write_if_changed(&job.log, text.as_bytes());
            match (ending.is_success(), wrote) {
                (true, Ok(())) => (true, String::new()),
                (true, Err(e)) => (true, format!("its log could not be written: {e:#}")),
                (false, _) => (false, describe(&ending)),
            }
        }
        Err(e) => (false, format!("it could not start: {e:#}")),
    };
    Done {
        ok,
        elapsed: started.elapsed(),
        log: job.log.clone(),
        why,
    }
}

fn describe(ending: &Ending) -> String {
    match ending {
        Ending::Exited(s) => format!("it exited with {s}"),
        Ending::TimedOut(limit) => format!("it was killed after {} s", limit.as_secs()),
        Ending::Stopped => "it was stopped".into(),
    }
}

/// `cmd` at the lowest CPU priority (through `nice`, when the machine has it): a build in
/// the background then takes only the cycles the steps leave idle.
pub fn low_priority(cmd: Command) -> Command {
    if !std::path::Path::new("/usr/bin/nice").exists() {
        return cmd;
    }
    let mut nice = Command::new("/usr/bin/nice");
    nice.args(["-n", "19"]).arg(cmd.get_program());
    process::with_rest_of(nice, &cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak() -> &'static Board {
        Box::leak(Box::default())
    }

    fn job(name: &'static str) -> Job {
        Job {
            name,
            cmd: Command::new("true"),
            limit: Duration::from_secs(5),
            log: PathBuf::from(format!("/nonexistent/{name}.log")),
        }
    }

    #[test]
    fn a_step_waits_for_its_job_and_only_for_a_started_one() {
        let board = leak();
        // Each job ends as its name says, after the one before it.
        board.start_with(vec![job("a"), job("fails"), job("c")], |j| Done {
            ok: j.name != "fails",
            elapsed: Duration::ZERO,
            log: j.log.clone(),
            why: if j.name == "fails" {
                "it exited with exit status: 100".into()
            } else {
                String::new()
            },
        });
        assert!(board.wait("c").is_some_and(|d| d.ok));
        let failed = board.wait("fails").unwrap();
        assert!(!failed.ok);
        assert!(
            failed
                .describe(|p| p.display().to_string())
                .contains("failed in the background: it exited with exit status: 100")
        );
        assert!(board.wait("a").is_some_and(|d| d.ok));
        assert!(board.wait("never-started").is_none());
        board.wait_all();
    }

    #[test]
    fn a_real_job_writes_its_log_and_a_failing_one_says_why() {
        let dir = std::env::temp_dir().join(format!("background-test-{}", std::process::id()));
        let board = leak();
        let mut echo = Command::new("sh");
        echo.args(["-c", "echo unpacking; exit 0"]);
        let mut fail = Command::new("sh");
        fail.args(["-c", "echo E: no space; exit 100"]);
        board.start(vec![
            Job {
                name: "ok",
                cmd: echo,
                limit: Duration::from_secs(30),
                log: dir.join("ok.log"),
            },
            Job {
                name: "bad",
                cmd: fail,
                limit: Duration::from_secs(30),
                log: dir.join("bad.log"),
            },
        ]);
        let ok = board.wait("ok").unwrap();
        assert!(ok.ok, "{ok:?}");
        assert!(
            std::fs::read_to_string(dir.join("ok.log"))
                .unwrap()
                .contains("unpacking")
        );
        let bad = board.wait("bad").unwrap();
        assert!(!bad.ok);
        assert!(bad.why.contains("100"), "{}", bad.why);
        assert!(
            std::fs::read_to_string(dir.join("bad.log"))
                .unwrap()
                .contains("E: no space")
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn low_priority_keeps_the_command() {
        let mut cmd = Command::new("cargo");
        cmd.args(["install", "x"]).env("A", "1").current_dir("/tmp");
        let nice = low_priority(cmd);
        if nice.get_program() == "/usr/bin/nice" {
            let args: Vec<_> = nice.get_args().collect();
            assert_eq!(args, ["-n", "19", "cargo", "install", "x"]);
            assert_eq!(nice.get_current_dir(), Some(std::path::Path::new("/tmp")));
            assert!(
                nice.get_envs()
                    .any(|(k, v)| k == "A" && v == Some("1".as_ref()))
            );
        }
    }
}
