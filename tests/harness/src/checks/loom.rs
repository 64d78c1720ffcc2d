//! loom models, compiled with `--cfg loom` in a target directory of their own (so they
//! never invalidate the normal build) and each run in a process of its own: loom aborts
//! the whole process after reporting a deadlock. A `loses-updates` or `deadlocks` listing
//! must fail as it claims; every other model must pass every interleaving.

use super::{Problems, Run, limits};
use crate::cargo::{self, Build};
use crate::declaration::{Kind, Listing};
use crate::process::{self, Ending};
use anyhow::Result;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub fn check(run: &Run) -> Result<Problems> {
    let with_models: Vec<&Listing> = run
        .selected
        .iter()
        .copied()
        .filter(|l| l.claim.loom().is_some())
        .collect();
    if with_models.is_empty() {
        return Ok(vec![]);
    }
    let mut cmd = command(&run.ctx.root, &run.ctx.target().join("loom"));
    for l in &with_models {
        cmd.args(["-p", &l.package]);
    }
    let build = cargo::json(&mut cmd)?;
    if !build.success() {
        return Ok(vec![format!(
            "building the loom models failed:\n{}",
            build.report()
        )]);
    }
    let mut p = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for l in with_models {
        let (problems, took) = run_model(l, &l.dir, &build)?;
        p.extend(problems);
        if took > slowest.0 {
            slowest = (took, l.package.clone());
        }
    }
    if !slowest.1.is_empty() {
        eprintln!(
            "  slowest loom model: {} in {:.2} s",
            slowest.1,
            slowest.0.as_secs_f64()
        );
    }
    Ok(p)
}

/// `cargo test --release --no-run` with `--cfg loom`, in `dir`, building into `target`.
pub fn command(dir: &Path, target: &Path) -> Command {
    let mut cmd = process::cargo();
    cmd.current_dir(dir)
        .env("RUSTFLAGS", "--cfg loom")
        .args(["test", "--release", "--no-run", "--quiet", "--target-dir"])
        .arg(target);
    cmd
}

/// Runs the listing's model from the test binaries built from `dir`, and checks its
/// verdict against the kind.
pub fn run_model(l: &Listing, dir: &Path, build: &Build) -> Result<(Problems, Duration)> {
    let model = l.claim.loom().unwrap_or_default();
    let who = l.manifest.display();
    for exe in build.tests_of(dir) {
        let out = process::run(
            Command::new(&exe.path)
                .args(["--exact", model, "--test-threads=1"])
                // The failure message, not a backtrace, is what the report should end with.
                .env("RUST_BACKTRACE", "0"),
            limits::LOOM_MODEL,
        )?;
        if out.stdout.contains("running 0 tests") {
            continue;
        }
        if let Ending::TimedOut(limit) = out.ending {
            return Ok((
                vec![format!(
                    "{who}: loom model `{model}` did not finish within {} s",
                    limit.as_secs()
                )],
                out.elapsed,
            ));
        }
        return Ok((verdict(l, model, &out), out.elapsed));
    }
    Ok((
        vec![format!(
            "{who}: declares loom = \"{model}\", but no test of that exact name exists under --cfg loom"
        )],
        Duration::ZERO,
    ))
}

/// What loom's output says, without backtraces and addresses: the panic and deadlock
/// lines and the assertion's values.
fn essence(text: &str) -> String {
    let keep: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.contains("panicked at")
                || t.starts_with("deadlock")
                || t.contains("deadlock;")
                || t.starts_with("assertion")
                || t.starts_with("left:")
                || t.starts_with("right:")
                || t.starts_with("test result:")
        })
        .take(10)
        .collect();
    if keep.is_empty() {
        cargo::tail(text, 15)
    } else {
        keep.join("\n") + "\n"
    }
}

fn verdict(l: &Listing, model: &str, out: &process::Run) -> Problems {
    let who = l.manifest.display();
    let text = out.both();
    let deadlock = text.contains("deadlock");
    let tail = essence(&text);
    let problem = match l.kind() {
        Kind::LosesUpdates if out.success() => Some(format!(
            "{who}: declared loses-updates, but loom explored every interleaving of `{model}` and none lost an update"
        )),
        Kind::LosesUpdates if deadlock || !text.contains("panicked") => Some(format!(
            "{who}: declared loses-updates, but `{model}` failed some other way:\n{tail}"
        )),
        Kind::Deadlocks if out.success() => Some(format!(
            "{who}: declared deadlocks, but loom found no deadlock in `{model}`"
        )),
        Kind::Deadlocks if !deadlock => Some(format!(
            "{who}: declared deadlocks, but `{model}` failed without loom reporting a deadlock:\n{tail}"
        )),
        Kind::LosesUpdates | Kind::Deadlocks => None,
        _ if !out.success() => Some(format!(
            "{who}: loom found an interleaving where `{model}` fails:\n{tail}"
        )),
        _ => None,
    };
    problem.into_iter().collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn loom_output_is_cut_to_its_verdict() {
        let out = "running 1 test\nthread 'm' panicked at src/main.rs:9:5:\ndeadlock; threads = [(Id(0), Blocked(..))]\nstack backtrace:\n   0: 0x55d5 - std::backtrace\n";
        assert_eq!(
            essence(out),
            "thread 'm' panicked at src/main.rs:9:5:\ndeadlock; threads = [(Id(0), Blocked(..))]\n"
        );
    }
}
