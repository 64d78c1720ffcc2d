//! The listings' test binaries: listing their tests, running one as `cargo
//! test` would, and reading libtest's output (which test failed, which hung, and the start
//! of a failure as `cargo test` prints it). One place, used by the tests step and the
//! breaks step alike.

use crate::builds::Builds;
use crate::cargo::{self, Build};
use crate::context::Ctx;
use crate::declaration::Listing;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// libtest's warning about a test still running after 60 s: a hung test. The harness
/// kills the binary as soon as it appears.
pub fn is_stuck_line(line: &str) -> bool {
    line.contains("has been running for over 60 seconds")
}

/// The tests libtest reported as hung: `test NAME has been running for over 60 seconds`.
pub fn stuck(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| is_stuck_line(l))
        .filter_map(|l| l.strip_prefix("test ")?.split(" has been").next())
        .collect()
}

/// Whether libtest itself reported `name` as failed: its `test NAME ... FAILED` line
/// (`test NAME - should panic ... FAILED` for a `#[should_panic]` test).
pub fn failed(stdout: &str, name: &str) -> bool {
    reported(stdout, name, "FAILED")
}

/// libtest's result line for `name`: `test NAME ... RESULT`, or with ` - should panic`.
fn reported(stdout: &str, name: &str, result: &str) -> bool {
    let plain = format!("test {name} ... {result}");
    let should_panic = format!("test {name} - should panic ... {result}");
    stdout
        .lines()
        .any(|l| l.trim_end() == plain || l.trim_end() == should_panic)
}

/// How one test ended, in libtest's own words: failed, hung, or neither (the binary failed
/// for some other reason: a panic outside the test, an abort, a bind error in setup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestEnding {
    /// `test NAME ... FAILED`, and the start of its report (the panic and its message).
    Failed(String),
    /// `test NAME has been running for over 60 seconds`.
    Hung,
    /// `test NAME ... ok`.
    Passed,
    /// libtest said nothing about the test: what the binary printed last.
    Unreported(String),
}

/// Reads the outcome of `name` from a run of its test binary (`--exact NAME`).
pub fn ending(stdout: &str, name: &str) -> TestEnding {
    if failed(stdout, name) {
        return TestEnding::Failed(failure(name, stdout));
    }
    if stuck(stdout).contains(&name) {
        return TestEnding::Hung;
    }
    if reported(stdout, name, "ok") {
        return TestEnding::Passed;
    }
    TestEnding::Unreported(crate::cargo::tail(stdout, 10))
}

/// The start of libtest's report for one failed test, as `cargo test` prints it, without
/// what varies between runs (backtraces; thread ids go in `normalize`).
pub fn failure(name: &str, stdout: &str) -> String {
    let marker = format!("---- {name} stdout ----");
    let section = stdout
        .split_once(&marker)
        .map(|(_, rest)| rest)
        .unwrap_or("");
    let mut lines = vec![format!("test {name} ... FAILED")];
    for line in section.lines().skip_while(|l| l.trim().is_empty()) {
        if line.starts_with("note: run with `RUST_BACKTRACE")
            || line.starts_with("stack backtrace:")
            || line == "failures:"
            || line.starts_with("---- ")
        {
            break;
        }
        // proptest's note about where it would save failing cases is not the failure.
        if line.contains("FileFailurePersistence") {
            continue;
        }
        lines.push(line.to_string());
        if lines.len() >= 8 {
            break;
        }
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// The part of a test binary's output that says what failed (for the tests step's report).
pub fn failures(stdout: &str) -> String {
    match stdout.find("\nfailures:\n") {
        Some(pos) => crate::cargo::tail(&stdout[pos + 1..], 40),
        None => crate::cargo::tail(stdout, 20),
    }
}

/// The harness's own test binary, built on its own (with the listings, the harness's
/// dependencies would take the listings' features and build again) and by clippy's
/// driver: the clippy step lints this very build, so it is compiled once (see `lint`).
pub fn build_harness_tests(ctx: &Ctx) -> Result<Build> {
    crate::lint::build(ctx, crate::lint::Cfg::Tests)
}

/// The tests of each listing its build holds, by package: each test's name and the cargo
/// option that builds the target holding it (`--bin x`).
pub fn tests_by_listing(
    listings: &[&Listing],
    builds: &Builds,
) -> Result<BTreeMap<String, BTreeMap<String, Vec<String>>>> {
    let mut map = BTreeMap::new();
    for l in listings {
        let Some(built) = builds.get(l) else { continue };
        let mut names = BTreeMap::new();
        for exe in built.tests() {
            for name in cargo::list_tests(&exe.path)? {
                names.insert(name, exe.select.clone());
            }
        }
        map.insert(l.package.clone(), names);
    }
    Ok(map)
}

/// A test binary as `cargo test` runs it: in its package's folder, with
/// CARGO_MANIFEST_DIR pointing there, and without backtraces (the failure message is
/// what a report should show).
pub fn test_command(exe: &Path, package_dir: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.current_dir(package_dir)
        .env("CARGO_MANIFEST_DIR", package_dir)
        .env("RUST_BACKTRACE", "0");
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\nthread 't' (77) panicked at src/lib.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\nnote: run with `RUST_BACKTRACE=1`\n\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed\n";

    #[test]
    fn a_failure_is_cut_to_its_start() {
        assert_eq!(
            failure("t", FAILED),
            "test t ... FAILED\nthread 't' (77) panicked at src/lib.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\n"
        );
    }

    #[test]
    fn only_libtest_s_own_line_names_a_failed_test() {
        assert!(matches!(ending(FAILED, "t"), TestEnding::Failed(_)));
        // Another test's failure is not this one's.
        assert!(!matches!(ending(FAILED, "t2"), TestEnding::Failed(_)));
        // A binary that died before libtest reported anything (a panic in setup, an abort).
        let aborted = "running 1 test\nfatal runtime error: stack overflow\n";
        assert!(matches!(ending(aborted, "t"), TestEnding::Unreported(_)));
        // The name inside a message is not the report.
        let mention = "running 1 test\nthread 'main' panicked: test t ... FAILED was expected\n";
        assert!(matches!(ending(mention, "t"), TestEnding::Unreported(_)));
        assert_eq!(ending("test t ... ok\n", "t"), TestEnding::Passed);
        // A #[should_panic] test that no longer panics.
        let no_panic = "test t - should panic ... FAILED\n\nfailures:\n\n---- t stdout ----\nnote: test did not panic as expected at src/lib.rs:1:1\n";
        assert_eq!(
            ending(no_panic, "t"),
            TestEnding::Failed(
                "test t ... FAILED\nnote: test did not panic as expected at src/lib.rs:1:1\n"
                    .into()
            )
        );
        assert_eq!(
            ending("test t - should panic ... ok\n", "t"),
            TestEnding::Passed
        );
    }

    #[test]
    fn hung_tests_are_named() {
        let out =
            "running 2 tests\ntest a ... ok\ntest tests::b has been running for over 60 seconds\n";
        assert_eq!(stuck(out), vec!["tests::b"]);
        assert_eq!(ending(out, "tests::b"), TestEnding::Hung);
        assert!(stuck("test a ... ok\n").is_empty());
    }
}
