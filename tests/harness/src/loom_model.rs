//! loom models: built with `--cfg loom` and run one at a time, each in a process of its
//! own (loom aborts the whole process after reporting a deadlock), and how a model ended,
//! read from its output. Shared by the loom and breaks steps.

use crate::cargo::{self, Build};
use crate::checks::limits;
use crate::declaration::{Listing, LoomVerdict};
use crate::process::{self, Ending};
use crate::schedule::{self, Record};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// `cargo test --release --no-run` with `--cfg loom`, in `dir`, building into `target`,
/// at optimisation level 1 where release has 3. What loom reports does not depend on it:
/// it explores the same interleavings, in the same order, and counts the same runs; on the
/// 2-core machine the 24 listings with a model built in 39 CPU-s instead of 58, and no
/// model ran for a second.
pub fn command(dir: &Path, target: &Path) -> Command {
    let mut cmd = process::cargo();
    cmd.current_dir(dir)
        .env("RUSTFLAGS", "--cfg loom")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .args(["test", "--release", "--no-run", "--quiet", "--target-dir"])
        .arg(target);
    cmd
}

/// How the listing's model ends, and its name (for a break's record).
pub fn outcome_of(l: &Listing, dir: &Path, build: &Build) -> Result<(Outcome, String)> {
    let model = l.claim.loom().unwrap_or_default().to_string();
    let out = run_binary(&model, dir, build)?
        .with_context(|| format!("no test named `{model}` exists under --cfg loom"))?;
    anyhow::ensure!(
        matches!(out.ending, Ending::Exited(_)),
        "loom model `{model}` {}",
        out.describe_ending()
    );
    Ok((outcome(out.success(), &out.both()), model))
}

/// The model's run, from whichever test binary has it (None if none does).
pub fn run_binary(model: &str, dir: &Path, build: &Build) -> Result<Option<process::Run>> {
    run_binary_with(model, dir, build, &[])
}

/// The same, with environment variables set (and the test's output not captured, so what
/// the model prints comes out even if loom aborts the process).
fn run_binary_with(
    model: &str,
    dir: &Path,
    build: &Build,
    env: &[(&str, &str)],
) -> Result<Option<process::Run>> {
    for exe in build.tests_of(dir) {
        let mut cmd = Command::new(&exe.path);
        cmd.args(["--exact", model, "--test-threads=1"])
            // The failure message, not a backtrace, is what the report should end with.
            .env("RUST_BACKTRACE", "0");
        if !env.is_empty() {
            cmd.arg("--nocapture").envs(env.iter().copied());
        }
        let out = process::run(&mut cmd, limits::LOOM_MODEL)?;
        if !out.stdout.contains("running 0 tests") {
            return Ok(Some(out));
        }
    }
    Ok(None)
}

/// The model's schedule record (`schedule.txt`), from a real loom run of the listing in
/// `dir` (the listing itself, or a copy of it), built into `loom_target`: a passing model
/// as it is, a failing one copied under `work` (a folder per package) and built against
/// loom-probe. Every loom build of a run shares that one target directory (the loom step's),
/// so loom and its dependencies compile once: a second directory cost 26 CPU-s more. So
/// `work` must be the same folder for every caller (`target/schedules`): a copy of the
/// same listing elsewhere would be the same cargo unit, and found fresh.
/// `Ok(Err(why))` if the model did not end as its kind requires, so there is nothing to
/// draw: `why` says what happened instead.
pub fn schedule(
    ctx: &crate::context::Ctx,
    l: &Listing,
    dir: &Path,
    loom_target: &Path,
    work: &Path,
) -> Result<std::result::Result<Record, String>> {
    let model = l.claim.loom().unwrap_or_default();
    let loom = schedule::loom_version(&ctx.root)?;
    let want = l.kind().facts().loom;
    if want == LoomVerdict::Passes {
        return explored(dir, loom_target, model, loom);
    }
    let probed = crate::copy::copy_dir_as_workspace(ctx, dir, &work.join(&l.package))?;
    schedule::use_probe(&ctx.root, &probed.join("Cargo.toml"))?;
    let build = cargo::json(&mut command(&probed, loom_target))?;
    anyhow::ensure!(
        build.success(),
        "building the model with loom-probe failed:\n{}",
        build.report()
    );
    let out = run_binary_with(model, &probed, &build, &[("LOOM_PROBE", "1")])?
        .with_context(|| format!("no test named `{model}` exists under --cfg loom"))?;
    let got = outcome(out.success(), &out.both());
    let ending = match &got {
        Outcome::ModelPanicked(m) if want == LoomVerdict::LosesAnUpdate => {
            schedule::probe::ending(m)
        }
        Outcome::Deadlock(_) if want == LoomVerdict::Deadlocks => "loom reports a deadlock".into(),
        other => return Ok(Err(other.reader(model))),
    };
    let Some((execution, passed_over, steps)) = schedule::probe::failing(&out.both())? else {
        return Ok(Err(
            "the model failed, but loom-probe printed no failing execution".into(),
        ));
    };
    // Each source file the steps name, read once (every step looks its line up).
    let mut sources = std::collections::BTreeMap::new();
    for s in &steps {
        sources
            .entry(s.file.clone())
            .or_insert_with(|| fs_err::read_to_string(probed.join(&s.file)).ok());
    }
    let source = |file: &str| sources.get(file).cloned().flatten();
    let reduced = schedule::reduce::reduce(&steps, &source)?;
    let Some(summary) = reduced.summary else {
        return Ok(Err(format!(
            "in the failing execution loom found, no step {}:\n{}",
            match want {
                LoomVerdict::Deadlocks => "closes a cycle of threads waiting for locks",
                LoomVerdict::LosesAnUpdate | LoomVerdict::Passes =>
                    "writes over another thread's write made after its own read",
            },
            cargo::tail(&out.both(), 20)
        )));
    };
    Ok(Ok(Record::Failing(schedule::Failing {
        model: model.into(),
        loom,
        execution,
        passed_over,
        lanes: reduced.lanes,
        functions: reduced.functions,
        rows: reduced.rows,
        ending,
        summary,
    })))
}

/// A passing model's record: how many executions loom explored, from its own LOOM_LOG line.
fn explored(
    dir: &Path,
    loom_target: &Path,
    model: &str,
    loom: String,
) -> Result<std::result::Result<Record, String>> {
    let build = cargo::json(&mut command(dir, loom_target))?;
    anyhow::ensure!(
        build.success(),
        "building the loom model failed:\n{}",
        build.report()
    );
    let out = run_binary_with(model, dir, &build, &[("LOOM_LOG", "loom::model=info")])?
        .with_context(|| format!("no test named `{model}` exists under --cfg loom"))?;
    let got = outcome(out.success(), &out.both());
    Ok(match (got, schedule::probe::explored(&out.stdout)) {
        (Outcome::Passed, Some(executions)) => Ok(Record::Explored {
            model: model.into(),
            loom,
            executions,
        }),
        (Outcome::Passed, None) => {
            Err("loom printed no count of the executions it explored".into())
        }
        (other, _) => Err(other.reader(model)),
    })
}

/// How a loom model ended, read from its test binary's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every interleaving passed.
    Passed,
    /// The model's own code panicked in some interleaving (its assertion): the panic lines.
    ModelPanicked(String),
    /// loom reported a deadlock: its report.
    Deadlock(String),
    /// loom itself gave up (too many branches or threads, an internal error), or the
    /// binary failed without a panic: the lines that say so.
    Other(String),
}

/// loom's deadlock report: `deadlock; threads = [(Id(0), Blocked(..)), …]`.
const DEADLOCK: &str = "deadlock; threads = [";

/// Reads a finished model's output. A panic counts as the model's own only if it is raised
/// in the listing's code (`panicked at src/…` or at the listing's path), not in loom's.
pub fn outcome(success: bool, text: &str) -> Outcome {
    if success {
        return Outcome::Passed;
    }
    let text = crate::normalize::run_output(text);
    if let Some(line) = text.lines().find(|l| l.contains(DEADLOCK)) {
        return Outcome::Deadlock(format!("{}\n", line.trim()));
    }
    let lines: Vec<&str> = text.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at ")) {
        let at = lines[i].split("panicked at ").nth(1).unwrap_or("");
        let message: Vec<&str> = lines[i..]
            .iter()
            .take_while(|l| !l.starts_with("note: ") && !l.starts_with("stack backtrace"))
            .take(6)
            .copied()
            .collect();
        let message = message.join("\n") + "\n";
        let in_loom = at.starts_with("$CARGO/") || at.contains("/loom-");
        return if in_loom {
            Outcome::Other(message)
        } else {
            Outcome::ModelPanicked(message)
        };
    }
    Outcome::Other(cargo::tail(&text, 15))
}

impl Outcome {
    /// Whether this is the ending the kind requires.
    pub fn is(&self, verdict: LoomVerdict) -> bool {
        matches!(
            (verdict, self),
            (LoomVerdict::Passes, Outcome::Passed)
                | (LoomVerdict::LosesAnUpdate, Outcome::ModelPanicked(_))
                | (LoomVerdict::Deadlocks, Outcome::Deadlock(_))
        )
    }

    /// What the reader sees running the model with `cargo test` (a "Break it" box).
    pub fn reader(&self, model: &str) -> String {
        match self {
            Outcome::Passed => {
                format!("test {model} ... ok\nloom explored every interleaving and none failed.\n")
            }
            Outcome::ModelPanicked(m) => {
                format!(
                    "test {model} ... FAILED\nIn one interleaving, the model's assertion fails:\n{m}"
                )
            }
            Outcome::Deadlock(m) => format!("loom reports a deadlock:\n{m}"),
            Outcome::Other(m) => format!("test {model} fails, but not as the book says:\n{m}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadlock_needs_loom_s_report() {
        let out = "running 1 test\nthread 'm' panicked at $CARGO/loom-0.7.2/src/rt/mod.rs:1:1:\ndeadlock; threads = [(Id(0), Blocked(..)), (Id(1), Blocked(..))]\nstack backtrace:\n";
        assert_eq!(
            outcome(false, out),
            Outcome::Deadlock(
                "deadlock; threads = [(Id(0), Blocked(..)), (Id(1), Blocked(..))]\n".into()
            )
        );
        // The word alone, in some other failure, is not loom's report.
        let other = "thread 'm' panicked at src/main.rs:9:5:\nno deadlock here\n";
        assert!(!outcome(false, other).is(LoomVerdict::Deadlocks));
    }

    #[test]
    fn a_lost_update_needs_the_model_s_own_assertion() {
        let own = "thread 'm' panicked at src/main.rs:40:9:\nassertion `left == right` failed\n  left: 1\n right: 2\nnote: run with `RUST_BACKTRACE=1`\n";
        let got = outcome(false, own);
        assert!(got.is(LoomVerdict::LosesAnUpdate), "{got:?}");
        assert!(got.reader("m").contains("left: 1"));
        // loom giving up is not a lost update.
        let branches = "thread 'm' panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/loom-0.7.2/src/rt/path.rs:247:13:\nModel exceeded maximum number of branches.\n";
        assert!(!outcome(false, branches).is(LoomVerdict::LosesAnUpdate));
        // Nor is a failure without a panic (an abort, a crash).
        assert!(!outcome(false, "error: test failed, signal: 6\n").is(LoomVerdict::LosesAnUpdate));
    }

    #[test]
    fn passing_is_only_success() {
        assert!(outcome(true, "").is(LoomVerdict::Passes));
        assert!(!outcome(false, "").is(LoomVerdict::Passes));
    }
}
