//! A break checked: applied to a scratch copy of the listing (each worker has its own
//! scratch tree and target directory), and the check it names run on the copy.

use super::limits;
use crate::cargo;
use crate::context::Ctx;
use crate::declaration::{Break, Fails, Kind, Listing};
use crate::libtest::TestEnding;
use crate::process;
use crate::scratch::Worker;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(super) enum Verdict {
    /// The check failed, as required: the start of what it printed.
    Failed(String),
    /// The check still passes (why, if something is known).
    Held(String),
}

/// A worker's scratch copies (see [`crate::scratch`]), where breaks are applied.
pub(super) struct Scratch<'a> {
    ctx: &'a Ctx,
    worker: &'a Worker,
}

impl<'a> Scratch<'a> {
    pub(super) fn new(ctx: &'a Ctx, worker: &'a Worker) -> Self {
        Scratch { ctx, worker }
    }

    /// A fresh copy of the listing with the break applied; the copy's folder.
    pub(super) fn apply(&self, l: &Listing, b: &Break) -> Result<PathBuf> {
        let copy = self.worker.copy(self.ctx, l)?;
        let original = l.break_file(b);
        let rel = original.strip_prefix(&l.dir).context("the break's file")?;
        let text = fs_err::read_to_string(&original)?;
        anyhow::ensure!(
            text.matches(&b.find).count() == 1,
            "no longer applies: its `find` text must occur exactly once in {}",
            self.ctx.rel(&original)
        );
        // Edited in the copy, which may differ from the listing's file where the copy-out
        // made it a crate of its own (its Cargo.toml ends with a `[workspace]` table).
        let copied = fs_err::read_to_string(copy.join(rel))?;
        crate::files::write_if_changed(
            &copy.join(rel),
            copied.replacen(&b.find, &b.replace, 1).as_bytes(),
        )?;
        Ok(copy)
    }

    fn cargo(&self, copy: &Path, args: &[&str]) -> Command {
        self.worker.cargo(copy, args)
    }

    /// Runs the check the break names on the broken copy. `targets` says which target
    /// holds each test, so only that one is rebuilt.
    pub(super) fn verdict(
        &self,
        l: &Listing,
        copy: &Path,
        b: &Break,
        targets: &BTreeMap<String, Vec<String>>,
    ) -> Result<Verdict> {
        let copied = rebased(l, copy);
        match &b.fails {
            Fails::Compile if l.kind() == Kind::CompileFail => {
                // `build`, not `check`, as the reader runs it: and so on the dependencies
                // the copy-out step built here, instead of a second, checked-only set.
                let build = cargo::json(&mut self.cargo(copy, &["build", "--quiet"]))?;
                let problems =
                    crate::compile_fail::compile_errors(self.ctx, &copied, &build, false)?;
                Ok(if problems.is_empty() {
                    Verdict::Held(": rustc still reports exactly the declared errors".into())
                } else if build.success() {
                    Verdict::Failed("it compiles: rustc reports no error\n".into())
                } else {
                    Verdict::Failed(first_errors(&build))
                })
            }
            Fails::Compile => self.build_verdict(copy),
            Fails::Output => {
                let build = cargo::json(&mut self.cargo(copy, &["build", "--quiet", "--bins"]))?;
                let exe = built(&build, copy, |b| b.program(copy).map(Path::to_path_buf))?;
                let (mismatches, _) = crate::run_program::run_and_judge(self.ctx, &copied, &exe)?;
                Ok(if mismatches.is_empty() {
                    Verdict::Held(": it prints the output shown and exits as it should".into())
                } else {
                    let reader: Vec<String> = mismatches.into_iter().map(|m| m.reader).collect();
                    Verdict::Failed(self.as_listing(&reader.join("\n"), copy))
                })
            }
            Fails::Loom => {
                let mut cmd = crate::loom_model::command(copy, &self.ctx.target().join("loom"));
                let build = cargo::json(&mut cmd)?;
                built(&build, copy, |_| Some(()))?;
                let (outcome, model) = crate::loom_model::outcome_of(&copied, copy, &build)?;
                let want = l.kind().facts().loom;
                Ok(if outcome.is(want) {
                    Verdict::Held(": loom's verdict is still the one the listing shows".into())
                } else {
                    Verdict::Failed(self.as_listing(&outcome.reader(&model), copy))
                })
            }
            Fails::Schedule => self.schedule_verdict(l, &copied, copy),
            Fails::Test(name) => {
                let mut args = vec!["test", "--quiet", "--no-run"];
                if let Some(select) = targets.get(name) {
                    args.extend(select.iter().map(String::as_str));
                }
                let build = cargo::json(&mut self.cargo(copy, &args))?;
                built(&build, copy, |_| Some(()))?;
                for exe in build.tests_of(copy) {
                    let out = process::run_watching(
                        crate::libtest::test_command(&exe.path, copy).args(["--exact", name]),
                        limits::TEST_BINARY,
                        Some(process::libtest_stuck),
                    )?;
                    if out.stdout.contains("running 0 tests") {
                        continue;
                    }
                    return test_verdict(name, &out);
                }
                anyhow::bail!("no test binary of the copy has a test named `{name}`")
            }
        }
    }

    /// Whether the broken copy still builds: with its tests, then alone, as `cargo run`
    /// builds it (a dev-dependency's features reach the program only when tests are built
    /// in the same command).
    fn build_verdict(&self, copy: &Path) -> Result<Verdict> {
        for args in [
            &["build", "--quiet", "--all-targets"][..],
            &["build", "--quiet"],
        ] {
            let build = cargo::json(&mut self.cargo(copy, args))?;
            if !build.success() {
                return Ok(Verdict::Failed(first_errors(&build)));
            }
        }
        Ok(Verdict::Held(": it still compiles".into()))
    }

    /// The broken copy's schedule (or count) against the one recorded for the listing.
    fn schedule_verdict(&self, l: &Listing, copied: &Listing, copy: &Path) -> Result<Verdict> {
        let recorded = fs_err::read_to_string(l.dir.join(crate::schedule::FILE))
            .context("the listing's recorded schedule")?;
        // The schedules step's folder, not one of this worker's: cargo hashes a path
        // package by its place in its own workspace, so two copies of one listing, each a
        // workspace of its own, are one unit in the shared loom target directory, and the
        // second build would run the first's binary as fresh. In one folder they are one
        // copy, rebuilt whenever its files change.
        let work = self.ctx.target().join("schedules");
        use crate::schedule::Record;
        Ok(
            match crate::loom_model::schedule(
                self.ctx,
                copied,
                copy,
                &self.ctx.target().join("loom"),
                &work,
            )? {
                // The model no longer ends as drawn: what loom says instead.
                Err(why) => Verdict::Failed(self.as_listing(&why, copy)),
                Ok(got) if got.to_text() == recorded => {
                    Verdict::Held(": loom's run still matches the schedule drawn".into())
                }
                Ok(got) => match (Record::parse(&recorded)?, got) {
                    // What the reader's LOOM_LOG run prints, against the page's count.
                    (
                        Record::Explored {
                            executions: shown, ..
                        },
                        Record::Explored { executions, .. },
                    ) => Verdict::Failed(format!(
                        "INFO loom::model: Completed in {executions} iterations\n(the page shows {shown})\n"
                    )),
                    (_, got) => Verdict::Failed(format!(
                        "loom now fails in a different interleaving from the one drawn:\n{}",
                        crate::diff::lines(&recorded, &got.to_text())
                    )),
                },
            },
        )
    }

    /// Text that names the scratch copy, with the listing's paths instead.
    fn as_listing(&self, text: &str, copy: &Path) -> String {
        let copy_rel = self.ctx.rel(copy);
        let mut s = text
            .replace(&copy_rel, &scratch_to_listing(&copy_rel))
            .trim_end()
            .to_string();
        s.push('\n');
        s
    }
}

/// What libtest said about the one test a break names. Only libtest's own `NAME ...
/// FAILED` (or its report that NAME hung) counts: a binary that fails for another reason (a
/// panic in setup, an abort, a port already taken) has not shown that this test can fail.
fn test_verdict(name: &str, out: &process::Run) -> Result<Verdict> {
    match crate::libtest::ending(&out.stdout, name) {
        TestEnding::Failed(report) => Ok(Verdict::Failed(report)),
        // Stopped at libtest's warning: it hung.
        TestEnding::Hung => Ok(Verdict::Failed(format!(
            "test {name} has been running for over 60 seconds\n(it {}: the test hangs)\n",
            crate::run_program::NEVER_FINISHES
        ))),
        TestEnding::Passed if out.success() => Ok(Verdict::Held(String::new())),
        TestEnding::Passed => anyhow::bail!(
            "test `{name}` passed, but its binary {}: something else in it failed",
            out.describe_ending()
        ),
        TestEnding::Unreported(tail) => anyhow::bail!(
            "the test binary {} without libtest reporting `{name}` as failed (a panic outside the test, an abort?); its last lines:\n{tail}",
            out.describe_ending()
        ),
    }
}

/// `target/breaks/src/ch01-x/05-y` → `listings/ch01-x/05-y`.
fn scratch_to_listing(copy_rel: &str) -> String {
    let parts: Vec<&str> = copy_rel.rsplitn(3, '/').collect();
    match parts.as_slice() {
        [dir, chapter, _] => format!("listings/{chapter}/{dir}"),
        _ => copy_rel.to_string(),
    }
}

/// The listing as copied: the same declaration, its files in the copy.
fn rebased(l: &Listing, copy: &Path) -> Listing {
    let mut c = l.clone();
    c.show = copy.join(l.show.strip_prefix(&l.dir).unwrap_or(&l.show));
    c.dir = copy.to_path_buf();
    c
}

/// The build must have succeeded (a break that stops the build is a `compile` break).
fn built<T>(
    build: &cargo::Build,
    copy: &Path,
    get: impl Fn(&cargo::Build) -> Option<T>,
) -> Result<T> {
    anyhow::ensure!(
        build.success(),
        "the broken copy ({}) does not build; a break that stops compilation must say fails = \"compile\":\n{}",
        copy.display(),
        build.report()
    );
    get(build).context("cargo built nothing to run")
}

fn first_errors(build: &cargo::Build) -> String {
    let rendered: String = build
        .errors
        .iter()
        .take(1)
        .map(|e| e.rendered.as_str())
        .collect();
    let text = crate::normalize::compiler_output(&rendered);
    let mut s: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn only_libtest_s_report_of_the_named_test_counts() {
        let run = |stdout: &str, code: i32| process::Run {
            ending: process::Ending::Exited(std::os::unix::process::ExitStatusExt::from_raw(
                code << 8,
            )),
            stdout: stdout.into(),
            stderr: String::new(),
            elapsed: std::time::Duration::ZERO,
        };
        let failed = "running 1 test
test t ... FAILED

failures:

---- t stdout ----
boom
";
        assert!(matches!(
            test_verdict("t", &run(failed, 101)),
            Ok(Verdict::Failed(_))
        ));
        // A binary that fails without libtest naming the test is not the test failing.
        assert!(
            test_verdict(
                "t",
                &run(
                    "running 1 test
error: address in use
",
                    101
                )
            )
            .is_err()
        );
        assert!(matches!(
            test_verdict(
                "t",
                &run(
                    "test t ... ok
",
                    0
                )
            ),
            Ok(Verdict::Held(_))
        ));
    }

    #[test]
    fn scratch_paths_read_as_the_listing() {
        assert_eq!(
            scratch_to_listing("target/breaks/src/ch01-a/05-b"),
            "listings/ch01-a/05-b"
        );
    }
}
