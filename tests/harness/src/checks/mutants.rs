//! Mutation testing of the libraries meant to be depended on (a `library` listing that
//! declares `[package.metadata.book.mutants]`): cargo-mutants changes the code one small
//! edit at a time and every such mutant must make some test fail, but for the survivors
//! the declaration names, each explained in the crate's tests. It runs on the listing's
//! copy on its scratch worker (the one the copy-out step built, and cargo-mutants puts back
//! as it was when it ends), cached by the listing's content like the breaks.

use super::{Problems, Run};
use crate::cache::{self, Hasher, Passed};
use crate::context::Ctx;
use crate::declaration::Listing;
use crate::process::{self, Ending};
use crate::scratch::Worker;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// cargo-mutants, pinned like every other tool: installed once per machine.
const VERSION: &str = "27.1.0";
/// The whole cargo-mutants run of one listing.
const LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let libraries: Vec<(&Listing, &[String])> = run
        .selected
        .iter()
        .filter_map(|l| Some((*l, l.claim.mutants()?.survivors.as_slice())))
        .collect();
    if libraries.is_empty() {
        return Ok(vec![]);
    }
    let mut passed = Passed::load(ctx, "mutants", !run.options.no_cache);
    let mut p = Vec::new();
    for (l, survivors) in libraries {
        let mut inputs = Hasher::default();
        inputs
            .tree(&ctx.root, &l.dir)
            .file(&ctx.root, &ctx.root.join("Cargo.lock"))
            .str(VERSION);
        for s in survivors {
            inputs.str(s);
        }
        let key = cache::key(&format!("mutants {}", l.id), &inputs);
        if passed.hit(&key) {
            say!(
                "  {}: unchanged since every mutant was last accounted for",
                l.package
            );
            continue;
        }
        let worker = crate::scratch::worker_of(ctx, run.all, &l.package)?;
        let problems = mutate(ctx, l, survivors, &worker)?;
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// cargo-mutants on `l`'s copy on `worker`, building in the worker's target directory,
/// where the copy-out step built the listing and its dependencies. One copy, not a second
/// one beside it: two copies of a crate share its build in a target directory, and the
/// last mutant built from one would look up to date to the other.
fn mutate(ctx: &Ctx, l: &Listing, survivors: &[String], worker: &Worker) -> Result<Problems> {
    let tool = install(ctx)?;
    let copy = worker.copy(ctx, l)?;
    let out_dir = ctx.target().join("mutants/out").join(&l.package);
    if out_dir.exists() {
        fs_err::remove_dir_all(&out_dir)?;
    }
    fs_err::create_dir_all(&out_dir)?;
    let mut cmd = Command::new(&tool);
    worker.build_here(&mut cmd);
    cmd.current_dir(&copy)
        .args(["mutants", "--in-place", "--no-shuffle", "--timeout", "120"])
        .arg("--dir")
        .arg(&copy)
        .arg("--output")
        .arg(&out_dir);
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, LIMIT)?;
    let who = l.manifest.display();
    if let Ending::TimedOut(limit) = out.ending {
        return Ok(vec![format!(
            "{who}: cargo mutants was still running after {} s",
            limit.as_secs()
        )]);
    }
    let results = out_dir.join("mutants.out");
    let read = |name: &str| -> Vec<String> {
        fs_err::read_to_string(results.join(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let missed = read("missed.txt");
    let timeouts = read("timeout.txt");
    let caught = read("caught.txt").len();
    say!(
        "  {}: {caught} mutants caught, {} missed, {} timed out",
        l.package,
        missed.len(),
        timeouts.len()
    );
    if !out.success() && missed.is_empty() && timeouts.is_empty() {
        return Ok(vec![format!(
            "{who}: cargo mutants {} (did the tests pass unmutated?):\n{}",
            out.describe_ending(),
            crate::cargo::tail(&out.both(), 20)
        )]);
    }
    Ok(verdict(&who.to_string(), &missed, &timeouts, survivors))
}

/// Every missed mutant must be a declared survivor, and every declared survivor must still
/// survive (else its explanation is stale).
fn verdict(who: &str, missed: &[String], timeouts: &[String], survivors: &[String]) -> Problems {
    let (stale, caught_by_none) = crate::expected::unmatched(survivors, missed);
    let mut p: Problems = caught_by_none
        .into_iter()
        .map(|m| format!(
            "{who}: a mutant survives every test: {m}; add a test that catches it, or name it in [package.metadata.book.mutants] survivors and explain in the tests why no test can"
        ))
        .collect();
    p.extend(stale.into_iter().map(|s| format!(
        "{who}: the declared survivor `{s}` is now caught (or gone): remove it and its explanation"
    )));
    for t in timeouts {
        p.push(format!(
            "{who}: a mutant made the tests hang until cargo-mutants' timeout: {t}; a broken library must fail fast"
        ));
    }
    p
}

/// Where the pinned cargo-mutants is installed (the tools cache): its `--root` and its
/// executable.
fn location() -> Result<(PathBuf, PathBuf)> {
    let base = match std::env::var_os("GOROUTINES_BOOK_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let cache = match std::env::var_os("XDG_CACHE_HOME") {
                Some(x) if !x.is_empty() => PathBuf::from(x),
                _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?)
                    .join(".cache"),
            };
            cache.join("goroutines-in-rust").join("tools")
        }
    };
    let root = base.join(format!("cargo-mutants-{VERSION}"));
    let exe = root.join("bin").join("cargo-mutants");
    Ok((root, exe))
}

/// `cargo install` of the pinned version, unoptimised and without debug info: cargo-mutants
/// spends its time waiting on the builds and tests it starts, and so built it compiles in
/// a third of the time a release build takes (31 s against 80 s on two cores).
fn install_command(root: &Path) -> Command {
    let mut cmd = process::cargo();
    cmd.env("CARGO_PROFILE_DEV_DEBUG", "0")
        .args([
            "install",
            "--locked",
            "--debug",
            "--version",
            VERSION,
            "cargo-mutants",
            "--root",
        ])
        .arg(root);
    cmd
}

/// The install of cargo-mutants, to start in the background at the beginning of a run
/// (at low priority: it takes the cycles the first steps leave idle), when this run will
/// need it and it is not installed yet.
pub fn prefetch(run: &Run) -> Option<crate::background::Job> {
    if !run.selected.iter().any(|l| l.claim.mutants().is_some()) {
        return None;
    }
    let (root, exe) = location().ok()?;
    if exe.is_file() {
        return None;
    }
    Some(crate::background::Job {
        name: "cargo-mutants",
        cmd: crate::background::low_priority(install_command(&root)),
        limit: crate::cargo::BUILD_LIMIT,
        log: run.ctx.target().join("tools").join("cargo-mutants.log"),
    })
}

/// The pinned cargo-mutants, installed into the tools cache on first use (or by the run's
/// background install, waited for here).
fn install(ctx: &Ctx) -> Result<PathBuf> {
    let (root, exe) = location()?;
    // Started only if it was missing at the start of the run: say how it went.
    if let Some(done) = crate::background::board().wait("cargo-mutants") {
        say!(
            "  cargo-mutants {VERSION}: {}",
            done.describe(|p| ctx.rel(p))
        );
    }
    if exe.is_file() {
        return Ok(exe);
    }
    say!(
        "  installing cargo-mutants {VERSION} into {} (once per machine, a few minutes)",
        root.display()
    );
    let ending = process::stream(&mut install_command(&root), crate::cargo::BUILD_LIMIT)?;
    anyhow::ensure!(
        ending.is_success() && exe.is_file(),
        "installing cargo-mutants {VERSION} failed"
    );
    Ok(exe)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn survivors_must_be_declared_and_still_survive() {
        let missed = vec!["src/lib.rs:80:40: replace + with - in run".to_string()];
        let declared = vec!["replace + with - in run".to_string()];
        assert!(verdict("x", &missed, &[], &declared).is_empty());
        assert_eq!(verdict("x", &missed, &[], &[]).len(), 1);
        assert_eq!(verdict("x", &[], &[], &declared).len(), 1);
        assert_eq!(verdict("x", &[], &["m".into()], &[]).len(), 1);
    }
}
