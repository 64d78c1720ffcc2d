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
use std::time::Duration;

pub fn check(run: &Run) -> Result<Problems> {
    let mut passed = Passed::load(run.ctx, "loom", !run.options.no_cache);
    // A model whose listing (and what it builds with) is unchanged since it last ended as
    // claimed is not built or run again.
    let with_models: Vec<(&Listing, String)> = run
        .selected
        .iter()
        .copied()
        .filter(|l| l.claim.loom().is_some())
        .map(|l| (l, crate::inputs::key(run.ctx, "loom", l)))
        .collect();
    let total = with_models.len();
    let with_models: Vec<(&Listing, String)> = with_models
        .into_iter()
        .filter(|(_, key)| !passed.hit(key))
        .collect();
    if with_models.len() < total {
        say!(
            "  {} model(s) unchanged since they last ended as claimed: not run again",
            total - with_models.len()
        );
    }
    if with_models.is_empty() {
        passed.save(run.options.is_full())?;
        return Ok(vec![]);
    }
    let mut cmd = loom_model::command(&run.ctx.root, &run.ctx.target().join("loom"));
    for (l, _) in &with_models {
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
