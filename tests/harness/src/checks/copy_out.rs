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
use std::path::Path;

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
    // What `cargo test` builds: the programs and tests the later steps run.
    let built = Built::build(ctx, worker, l)?;
    let mut problems = Vec::new();
    if !built.build.success() {
        problems.push(format!(
            "{}: `cargo test` of a copy does not build (to {}):\n{}",
            l.manifest.display(),
            ctx.rel(&dest),
            built.build.report()
        ));
    }
    crate::builds::keep(l, built);
    // Then what `cargo run` builds, alone: cargo turns on the features a dev-dependency
    // asks for only when tests are built in the same command, so a feature missing from
    // [dependencies] shows only here. `cargo check` finds it as `cargo build` would,
    // without generating code again. A listing without dev-dependencies has nothing to
    // find: `cargo run` builds part of what was just built, with the same features.
    if problems.is_empty() && has_dev_dependencies(&l.manifest)? {
        let reader = cargo(&["check", "--quiet"])?;
        if !reader.success() {
            problems.push(format!(
                "{}: `cargo build` of a copy fails (to {}): its [dependencies] lack something the code uses (a dev-dependency may supply it to the tests):\n{}",
                l.manifest.display(),
                ctx.rel(&dest),
                reader.report()
            ));
        }
    }
    Ok(problems)
}

/// Whether a manifest has dev-dependencies, in `[dev-dependencies]` or a target's.
fn has_dev_dependencies(manifest: &Path) -> Result<bool> {
    let doc: toml::Value = toml::from_str(&fs_err::read_to_string(manifest)?)?;
    let dev = |t: &toml::Value| {
        t.get("dev-dependencies")
            .and_then(|d| d.as_table())
            .is_some_and(|d| !d.is_empty())
    };
    let targets = doc.get("target").and_then(|t| t.as_table());
    Ok(dev(&doc) || targets.is_some_and(|t| t.values().any(dev)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_dev(manifest: &str) -> bool {
        let dir =
            std::env::temp_dir().join(format!("has-dev-{}-{}", std::process::id(), manifest.len()));
        fs_err::create_dir_all(&dir).unwrap();
        let file = dir.join("Cargo.toml");
        fs_err::write(&file, manifest).unwrap();
        let has = has_dev_dependencies(&file).unwrap();
        fs_err::remove_dir_all(&dir).unwrap();
        has
    }

    #[test]
    fn dev_dependencies_are_found_in_every_section_that_holds_them() {
        let package = "[package]\nname = \"x\"\n";
        assert!(!has_dev(&format!(
            "{package}[dependencies]\ntokio = \"1\"\n"
        )));
        assert!(!has_dev(&format!("{package}[dev-dependencies]\n")));
        assert!(has_dev(&format!(
            "{package}[dev-dependencies]\ntokio = \"1\"\n"
        )));
        assert!(has_dev(&format!(
            "{package}[target.'cfg(unix)'.dev-dependencies]\nlibc = \"0.2\"\n"
        )));
    }
}
