//! loom models, compiled with `--cfg loom` in a target directory of their own (so they
//! never invalidate the normal build) and each run in a process of its own: loom aborts
//! the whole process after reporting a deadlock. A `loses-updates` or `deadlocks` listing
//! must fail as it claims; every other model must pass every interleaving.

use super::{Problems, Run};
use crate::cache::Passed;
use crate::cargo::{self, Build};
use crate::declaration::{Listing, LoomVerdict};
use crate::loom_model;
use crate::process::{self, Ending};
use anyhow::Result;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The models' build, started ahead at the lowest CPU priority (see [`build_ahead`]).
static AHEAD: Mutex<Option<Ahead>> = Mutex::new(None);

struct Ahead {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

/// Starts building the models this run will check, at the lowest CPU priority; the runner
/// calls it as the Go step starts, since Go, outputs and tests leave a core mostly idle
/// (their programs mostly wait). The loom step then finds its build done, or mostly done.
pub fn build_ahead(run: &Run) {
    let mut passed = Passed::load(run.ctx, "loom", !run.options.no_cache);
    let (models, _) = to_check(run, &mut passed);
    if models.is_empty() {
        return;
    }
    let mut cmd = crate::background::low_priority(command(run, &models));
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        // A failed build is the loom step's to report, from its own build.
        let _ = process::run_stoppable(&mut cmd, crate::cargo::BUILD_LIMIT, None, flag);
    });
    if let Ok(mut ahead) = AHEAD.lock() {
        *ahead = Some(Ahead { stop, thread });
    }
}

/// Stops the build started ahead if it still runs (the loom step's own build, at normal
/// priority, finishes what it left), and waits for it to end.
pub fn finish_ahead() {
    let ahead = AHEAD.lock().ok().and_then(|mut a| a.take());
    if let Some(a) = ahead {
        a.stop.store(true, Ordering::SeqCst);
        let _ = a.thread.join();
    }
}

/// The selected listings with a model, and how many of them passed before unchanged (a
/// model whose listing, and what it builds with, is unchanged since it last ended as
/// claimed is not built or run again).
fn to_check<'a>(run: &Run<'a>, passed: &mut Passed) -> (Vec<(&'a Listing, String)>, usize) {
    let with_models: Vec<(&Listing, String)> = run
        .selected
        .iter()
        .copied()
        .filter(|l| l.claim.loom().is_some())
        .map(|l| (l, crate::inputs::key(run.ctx, "loom", l)))
        .collect();
    let total = with_models.len();
    let left: Vec<(&Listing, String)> = with_models
        .into_iter()
        .filter(|(_, key)| !passed.hit(key))
        .collect();
    let unchanged = total - left.len();
    (left, unchanged)
}

/// The build of `models`, in the loom step's target directory.
fn command(run: &Run, models: &[(&Listing, String)]) -> std::process::Command {
    let mut cmd = loom_model::command(&run.ctx.root, &run.ctx.target().join("loom"));
    for (l, _) in models {
        cmd.args(["-p", &l.package]);
    }
    cmd
}

pub fn check(run: &Run) -> Result<Problems> {
    finish_ahead();
    let mut passed = Passed::load(run.ctx, "loom", !run.options.no_cache);
    let (with_models, unchanged) = to_check(run, &mut passed);
    if unchanged > 0 {
        say!("  {unchanged} model(s) unchanged since they last ended as claimed: not run again");
    }
    if with_models.is_empty() {
        passed.save(run.options.is_full())?;
        return Ok(vec![]);
    }
    let build = cargo::json(&mut command(run, &with_models))?;
    if !build.success() {
        return Ok(vec![format!(
            "building the loom models failed:\n{}",
            build.report()
        )]);
    }
    let mut p = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for (l, key) in with_models {
        let (problems, took) = run_model(l, &l.dir, &build)?;
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
        if took > slowest.0 {
            slowest = (took, l.package.clone());
        }
    }
    passed.save(run.options.is_full())?;
    if !slowest.1.is_empty() {
        say!(
            "  slowest loom model: {} in {:.2} s",
            slowest.1,
            slowest.0.as_secs_f64()
        );
    }
    Ok(p)
}

/// Runs the listing's model from the test binaries built from `dir`, and checks its
/// verdict against the kind.
pub fn run_model(l: &Listing, dir: &Path, build: &Build) -> Result<(Problems, Duration)> {
    let model = l.claim.loom().unwrap_or_default();
    let who = l.manifest.display();
    let Some(out) = loom_model::run_binary(model, dir, build)? else {
        return Ok((
            vec![format!(
                "{who}: names loom = \"{model}\", but no test of that exact name exists under --cfg loom"
            )],
            Duration::ZERO,
        ));
    };
    if let Ending::TimedOut(limit) = out.ending {
        return Ok((
            vec![format!(
                "{who}: loom model `{model}` did not finish within {} s",
                limit.as_secs()
            )],
            out.elapsed,
        ));
    }
    Ok((verdict(l, model, &out), out.elapsed))
}

/// The problem, if the model's run did not end as the listing's kind requires.
fn verdict(l: &Listing, model: &str, out: &process::Run) -> Problems {
    let who = l.manifest.display();
    let want = l.kind().facts().loom;
    let got = loom_model::outcome(out.success(), &out.both());
    if got.is(want) {
        return vec![];
    }
    let expected = match want {
        LoomVerdict::Passes => "must pass every interleaving",
        LoomVerdict::LosesAnUpdate => {
            "must find an interleaving that fails its own assertion (a lost update)"
        }
        LoomVerdict::Deadlocks => "must make loom report a deadlock",
    };
    vec![format!(
        "{who}: loom model `{model}` {expected}, but:\n{}",
        got.reader(model)
    )]
}
