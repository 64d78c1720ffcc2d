//! Each listing copied out of the workspace, as a reader who copies it gets it: a clean
//! copy (files removed from the listing are removed from the copy) with the workspace's
//! `Cargo.lock`, built on its own. An ordinary listing must build with only what its
//! `Cargo.toml` says; a compile-fail listing must fail with exactly its declared errors,
//! read from rustc's JSON diagnostics, and show the compiler's normalised text.

use super::{Problems, Run};
use crate::builds::Built;
use crate::cache::Passed;
use crate::cargo;
use crate::declaration::{Kind, Listing};
use crate::inputs;
use crate::scratch::Worker;
use anyhow::Result;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    // Under --bless a compile-fail listing's expected text is written, not compared: every
    // listing is checked then.
    let mut passed = Passed::load(ctx, "copy-out", !run.options.no_cache && !run.options.bless);
    let mut unchanged = 0;
    let mut jobs = Vec::new();
    for l in run.selected.iter().copied() {
        let key = inputs::key(ctx, "copy-out", l);
        if passed.hit(&key) {
            unchanged += 1;
        } else {
            jobs.push((l, key));
        }
    }
    if unchanged > 0 {
        say!("  {unchanged} listing(s) unchanged since their copy last built: not copied again");
    }
    // Each listing on its scratch worker's lane: the copy and its build are the
    // ones the breaks step then edits and rebuilds.
    let outcomes = crate::scratch::on_workers(
        ctx,
        run.all,
        jobs,
        |(l, _)| l.package.as_str(),
        |worker, _, (l, key)| (key, check_one(run, worker, l)),
    )?;
    let mut p = Vec::new();
    for (key, problems) in outcomes {
        let problems = problems?;
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// One listing copied into its worker's tree and built there.
fn check_one(run: &Run, worker: &Worker, l: &Listing) -> Result<Problems> {
    let ctx = run.ctx;
    let dest = worker.copy(ctx, l)?;
    let cargo = |args: &[&str]| cargo::json(&mut worker.cargo(&dest, args));
    if l.kind() == Kind::CompileFail {
        // `cargo build`, as the page tells the reader to run it (see `run_command`).
        let build = cargo(&["build", "--quiet"])?;
        return crate::compile_fail::compile_errors(ctx, l, &build, run.options.bless);
    }
    // What `cargo run` / `cargo build` builds, alone: cargo turns on the features a
    // dev-dependency asks for only when tests are built in the same command, so a
    // feature missing from [dependencies] shows only here.
    let reader_build = cargo(&["build", "--quiet"])?;
    if !reader_build.success() {
        return Ok(vec![format!(
            "{}: `cargo build` of a copy fails (to {}); if the workspace builds it, its [dependencies] lack something the code uses that a dev-dependency supplies to the tests:\n{}",
            l.manifest.display(),
            ctx.rel(&dest),
            reader_build.report()
        )]);
    }
    // Then what `cargo test` builds: the programs and tests the later steps run.
    let built = Built::build(ctx, worker, l)?;
    let problems = built.failure(ctx, l).into_iter().collect();
    crate::builds::keep(l, built);
    Ok(problems)
}
