//! The listings' own tests (paused-clock timing claims, live-task counts, exercise
//! solutions, services' shutdown) and the harness's: built once, then each test binary run
//! under its own time limit, so a hung test fails within a minute naming its listing. No
//! test may be `#[ignore]`d, and every `proof` a listing names must be one of its tests.

use super::{Problems, Run, limits};
use crate::builds::Built;
use crate::cache::{self, Passed};
use crate::cargo;
use crate::context::Ctx;
use crate::declaration::{Kind, Listing};
use crate::inputs;
use crate::libtest;
use crate::process::{self, Ending};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut passed = Passed::load(ctx, "tests", !run.options.no_cache);
    // A listing (or the harness) whose inputs are as they were when its tests last passed
    // is not built or run again.
    let mut unchanged = 0;
    let mut todo: Vec<(&Listing, String)> = Vec::new();
    for l in run.selected.iter().copied() {
        if l.kind() == Kind::CompileFail {
            continue;
        }
        let key = inputs::key(ctx, "tests", l);
        if passed.hit(&key) {
            unchanged += 1;
        } else {
            todo.push((l, key));
        }
    }
    let harness = if run.options.is_full() {
        Some(cache::key("tests harness", &inputs::harness(ctx))).filter(|k| !passed.hit(k))
    } else {
        None
    };
    if unchanged > 0 {
        say!("  {unchanged} listing(s) unchanged since their tests last passed: not run again");
    }
    if todo.is_empty() && harness.is_none() {
        passed.save(run.options.is_full())?;
        return Ok(vec![]);
    }
    let mut p = Vec::new();
    if !todo.is_empty() {
        p.extend(listings_tests(run, todo, &mut passed)?);
    }
    if let Some(key) = harness {
        let problems = harness_tests(ctx)?;
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// The changed listings' tests, each run (and passed in `passed`) when it finds nothing.
fn listings_tests(
    run: &Run,
    todo: Vec<(&Listing, String)>,
    passed: &mut Passed,
) -> Result<Problems> {
    // Their copies' builds, as copy-out made them (or made now, if it did not run).
    let wanted: Vec<&Listing> = todo.iter().map(|(l, _)| *l).collect();
    let builds = crate::builds::of(run.ctx, run.all, &wanted)?;
    let mut p = Vec::new();
    for (l, key) in todo {
        let problems = match builds.built(run.ctx, l) {
            Ok(built) => check_listing(run, l, built)?,
            Err(problem) => vec![problem],
        };
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    Ok(p)
}

/// The harness's own tests, built on their own and run.
fn harness_tests(ctx: &Ctx) -> Result<Problems> {
    let build = libtest::build_harness_tests(ctx)?;
    if !build.success() {
        return Ok(vec![format!(
            "building the harness's tests failed:\n{}",
            build.report()
        )]);
    }
    let dir = ctx.root.join("tests/harness");
    let mut problems = Vec::new();
    for exe in build.tests_of(&dir) {
        problems.extend(run_binary("tests/harness/Cargo.toml", &dir, &exe.path)?.0);
    }
    Ok(problems)
}

/// One listing's test binaries run, `#[ignore]` refused, its proofs found, and a
/// library's documentation examples run.
fn check_listing(run: &Run, l: &Listing, built: &Built) -> Result<Problems> {
    let mut p = Vec::new();
    let mut names = BTreeSet::new();
    for exe in built.tests() {
        let (problems, hung) = run_binary(&l.manifest.display().to_string(), &l.dir, &exe.path)?;
        if hung {
            run.mark_hung(&l.package, "a test of it hung in the tests step".into());
        }
        p.extend(problems);
        names.extend(cargo::list_tests(&exe.path)?);
        let ignored = list_ignored(&exe.path)?;
        if !ignored.is_empty() {
            p.push(format!(
                "{}: #[ignore]d tests check nothing: {ignored:?}; make them pass or delete them",
                l.manifest.display()
            ));
        }
    }
    for proof in &l.proof {
        if !names.contains(proof) {
            p.push(format!(
                "{}: proof `{proof}` is not a test of {} (its tests: {names:?})",
                l.manifest.display(),
                l.package
            ));
        }
    }
    if l.kind() == Kind::Library {
        p.extend(doc_tests(run, l, built)?);
    }
    Ok(p)
}

/// Runs one test binary under its limit; a hang names the listing and the test. Also
/// whether it hung.
fn run_binary(who: &str, package_dir: &Path, exe: &Path) -> Result<(Problems, bool)> {
    let out = process::run_watching(
        &mut libtest::test_command(exe, package_dir),
        limits::TEST_BINARY,
        Some(process::libtest_stuck),
    )?;
    Ok(match out.ending {
        Ending::Exited(s) if s.success() => (vec![], false),
        Ending::Exited(_) => (
            vec![format!(
                "{who}: tests failed ({}):\n{}",
                exe.file_name().unwrap_or_default().to_string_lossy(),
                crate::libtest::failures(&out.stdout)
            )],
            false,
        ),
        _ => (
            vec![format!(
                "{who}: a test {} (limit {} s per test binary){}",
                out.describe_ending(),
                limits::TEST_BINARY.as_secs(),
                stuck_tests(&out.stdout)
            )],
            true,
        ),
    })
}

/// "test x has been running for over 60 seconds" names the hung tests.
fn stuck_tests(stdout: &str) -> String {
    let stuck = crate::libtest::stuck(stdout);
    if stuck.is_empty() {
        String::new()
    } else {
        format!(": still running: {}", stuck.join(", "))
    }
}

fn list_ignored(exe: &Path) -> Result<Vec<String>> {
    let run = process::run(
        Command::new(exe).args(["--list", "--format", "terse", "--ignored"]),
        limits::TEST_BINARY,
    )?;
    Ok(run
        .stdout
        .lines()
        .filter_map(|t| t.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// A library's documentation examples, under `cargo test --doc` in its copy.
fn doc_tests(run: &Run, l: &Listing, built: &Built) -> Result<Problems> {
    let worker = crate::scratch::worker_of(run.ctx, run.all, &l.package)?;
    let out = process::run(
        &mut worker.cargo(&built.dir, &["test", "--doc"]),
        limits::TEST_BINARY * 5,
    )?;
    Ok(if out.success() {
        vec![]
    } else {
        vec![format!(
            "{}: documentation examples: cargo test --doc {}:\n{}",
            l.manifest.display(),
            out.describe_ending(),
            cargo::tail(&out.both(), 30)
        )]
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn hung_tests_are_named() {
        let out =
            "running 2 tests\ntest a ... ok\ntest tests::b has been running for over 60 seconds\n";
        assert_eq!(stuck_tests(out), ": still running: tests::b");
        assert_eq!(stuck_tests("test a ... ok\n"), "");
    }
}
