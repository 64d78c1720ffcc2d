//! Each listing copied out of the workspace, as a reader who copies it gets it: a clean
//! copy (files removed from the listing are removed from the copy) with the workspace's
//! `Cargo.lock`, built on its own. An ordinary listing must build with only what its
//! `Cargo.toml` says; a compile-fail listing must fail with exactly its declared errors,
//! read from rustc's JSON diagnostics, and show the compiler's normalised text.

use super::{Problems, Run};
use crate::cache::Passed;
use crate::cargo;
use crate::copy::copy;
use crate::declaration::{Kind, Listing};
use crate::inputs;
use crate::process;
use anyhow::Result;
use std::path::Path;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let out_root = ctx.target().join("copied-out");
    let shared_target = ctx.target().join("copied-out-target");
    // Under --bless a compile-fail listing's expected text is written, not compared: every
    // listing is checked then.
    let mut passed = Passed::load(ctx, "copy-out", !run.options.no_cache && !run.options.bless);
    let mut unchanged = 0;
    let mut p = Vec::new();
    for l in run.selected.iter().copied() {
        let key = inputs::key(ctx, "copy-out", l);
        if passed.hit(&key) {
            unchanged += 1;
            continue;
        }
        let problems = check_one(run, l, &out_root, &shared_target)?;
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    if unchanged > 0 {
        eprintln!(
            "  {unchanged} listing(s) unchanged since their copy last built: not copied again"
        );
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// One listing copied out under `out_root` and checked (built into `shared_target`).
fn check_one(run: &Run, l: &Listing, out_root: &Path, shared_target: &Path) -> Result<Problems> {
    let ctx = run.ctx;
    let dest = copy(ctx, l, out_root)?;
    let check = |args: &[&str]| {
        let mut cmd = process::cargo();
        cmd.current_dir(&dest)
            .args(["check", "--quiet"])
            .args(args)
            .arg("--target-dir")
            .arg(shared_target);
        cargo::json(&mut cmd)
    };
    if l.kind() == Kind::CompileFail {
        return crate::compile_fail::compile_errors(ctx, l, &check(&[])?, run.options.bless);
    }
    // What `cargo run` / `cargo build` builds, alone: cargo turns on the features a
    // dev-dependency asks for only when tests are built in the same command, so a
    // feature missing from [dependencies] shows only here.
    let reader_build = check(&[])?;
    if !reader_build.success() {
        return Ok(vec![format!(
            "{}: `cargo build` of a copy fails (to {}): its [dependencies] lack something the code uses (a dev-dependency may supply it to the tests):\n{}",
            l.manifest.display(),
            ctx.rel(&dest),
            reader_build.report()
        )]);
    }
    // Then what `cargo test` builds.
    let tests = check(&["--all-targets"])?;
    if !tests.success() {
        return Ok(vec![format!(
            "{}: `cargo test` of a copy does not build (to {}):\n{}",
            l.manifest.display(),
            ctx.rel(&dest),
            tests.report()
        )]);
    }
    Ok(vec![])
}
