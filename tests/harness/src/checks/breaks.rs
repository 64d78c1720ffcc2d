//! Every check shown able to fail. Each listing declares breaks: edits that make its
//! claim false. Each is applied to a scratch copy of the listing (built in a target
//! directory all breaks share), the one check it names is run, and that check must fail.
//! The failure, as the reader's own command prints it (normalised: no thread ids, ports or
//! machine paths), is recorded in `breaks/<id>.txt` beside the listing (with `--bless`) and
//! compared whole on every run: it is what the book's "Break it" box shows. Breaks run two
//! at a time, each worker with a scratch tree and target directory of its own.
//!
//! Coverage is checked too: a listing that fixes a bug, shows a bug, has a loom model or
//! has tests must have the breaks that prove each of those checks can fail.

use super::{Problems, Run, limits};
use crate::cache::{self, Hasher, Passed};
use crate::cargo;
use crate::context::Ctx;
use crate::declaration::{Break, BugProof, Fails, Kind, Listing};
use crate::libtest::TestEnding;
use crate::process;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Counts for the end of the run.
#[derive(Default)]
pub struct Summary {
    total: usize,
    by_check: BTreeMap<&'static str, usize>,
    by_kind: BTreeMap<&'static str, usize>,
    uncovered: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "breaks: {} declared", self.total)?;
        let join = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(f, "  by the check they turn red: {}", join(&self.by_check))?;
        writeln!(f, "  by listing kind: {}", join(&self.by_kind))?;
        if self.uncovered.is_empty() {
            write!(f, "  listings with a claim and no break for it: none")
        } else {
            writeln!(
                f,
                "  listings with a claim and no break for it: {}",
                self.uncovered.len()
            )?;
            for u in &self.uncovered {
                writeln!(f, "    {u}")?;
            }
            Ok(())
        }
    }
}

pub fn check(run: &Run) -> Result<(Problems, Summary)> {
    let ctx = run.ctx;
    let mut summary = Summary::default();
    let mut p = Vec::new();

    // What each listing's tests are called, from the workspace's own test binaries.
    let build = crate::libtest::build_tests(ctx, &run.selected, false)?;
    if !build.success() {
        return Ok((
            vec![format!("building the tests failed:\n{}", build.report())],
            summary,
        ));
    }
    let tests = crate::libtest::tests_by_listing(&build)?;
    let none = BTreeMap::new();
    for l in &run.selected {
        let names: BTreeSet<String> = tests
            .get(l.dir.as_path())
            .unwrap_or(&none)
            .keys()
            .cloned()
            .collect();
        for missing in coverage(l, &names) {
            summary
                .uncovered
                .push(format!("{}: {missing}", l.manifest.display()));
            p.push(format!("{}: {missing}", l.manifest.display()));
        }
        for b in &l.breaks {
            summary.total += 1;
            *summary.by_check.entry(check_name(&b.fails)).or_default() += 1;
            *summary.by_kind.entry(l.kind().name()).or_default() += 1;
        }
    }

    let mut passed = Passed::load(ctx, "breaks", !run.options.no_cache && !run.options.bless);
    let mut queue: Vec<Job> = Vec::new();
    for l in &run.selected {
        for b in &l.breaks {
            let key = cache::key(&format!("{} {}", l.id, b.id()), &inputs(ctx, l, b));
            if passed.hit(&key) {
                continue;
            }
            if let Some(first) = run.hung(&l.package) {
                p.push(format!(
                    "{}: break `{}` not checked: the listing hung earlier in this run ({first})",
                    l.manifest.display(),
                    b.id()
                ));
                continue;
            }
            queue.push(Job { l, b, key });
        }
    }
    let results = run_in_parallel(ctx, queue, &tests);
    for (job, result) in results {
        let (l, b) = (job.l, job.b);
        let who = format!(
            "{}: break `{}` (\"{}\")",
            l.manifest.display(),
            b.id(),
            b.does
        );
        match result {
            Err(e) => p.push(format!("{who}: {e:#}")),
            Ok(Verdict::Held(why)) => p.push(format!(
                "{who} should turn `{}` red, but the check still passes{why}",
                b.fails
            )),
            Ok(Verdict::Failed(excerpt)) => match record(ctx, l, b, &excerpt, run.options.bless)? {
                Some(problem) => p.push(problem),
                None => passed.pass(job.key)?,
            },
        }
    }
    for l in &run.selected {
        p.extend(missing_records(ctx, l));
    }
    passed.save(run.options.is_full())?;
    Ok((p, summary))
}

/// One break to check.
struct Job<'a> {
    l: &'a Listing,
    b: &'a Break,
    key: String,
}

/// How many breaks are checked at once: each worker builds in a target directory of its
/// own, so two workers use both cores of a small machine without waiting on cargo's lock.
const WORKERS: usize = 2;

type Tests<'a> = BTreeMap<&'a Path, BTreeMap<String, Vec<String>>>;

/// Checks the jobs on [`WORKERS`] threads, the breaks of one listing on one worker (its
/// scratch copy and build stay warm); returns each job with its verdict, in job order.
fn run_in_parallel<'a>(
    ctx: &Ctx,
    jobs: Vec<Job<'a>>,
    tests: &Tests,
) -> Vec<(Job<'a>, Result<Verdict>)> {
    let none = BTreeMap::new();
    // Whole listings go to the worker with the least work so far.
    let mut lanes: Vec<Vec<(usize, Job<'a>)>> = (0..WORKERS).map(|_| Vec::new()).collect();
    let mut lane_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let lane = *lane_of
            .entry(job.l.package.as_str())
            .or_insert_with(|| (0..WORKERS).min_by_key(|&w| lanes[w].len()).unwrap_or(0));
        lanes[lane].push((i, job));
    }
    let mut done: Vec<(usize, Job<'a>, Result<Verdict>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .into_iter()
            .enumerate()
            .map(|(w, lane)| {
                let none = &none;
                scope.spawn(move || {
                    let scratch = Scratch::new(ctx, w);
                    lane.into_iter()
                        .map(|(i, job)| {
                            eprintln!("  break {} `{}` (worker {w})", job.l.package, job.b.id());
                            let targets = tests.get(job.l.dir.as_path()).unwrap_or(none);
                            let verdict = scratch
                                .apply(job.l, job.b)
                                .and_then(|copy| scratch.verdict(job.l, &copy, job.b, targets));
                            (i, job, verdict)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a breaks worker panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter().map(|(_, job, v)| (job, v)).collect()
}

/// A break that has no record yet (one whose check did not run here is reported by the
/// run; one cached as passed had its record then).
fn missing_records(ctx: &Ctx, l: &Listing) -> Problems {
    l.breaks
        .iter()
        .filter(|b| !l.break_record(b).is_file())
        .map(|b| {
            format!(
                "{}: break `{}` has no record {}; record it with `cargo xtask test --only breaks --listing {} --bless` and review it",
                l.manifest.display(),
                b.id(),
                ctx.rel(&l.break_record(b)),
                l.package
            )
        })
        .collect()
}

fn check_name(fails: &Fails) -> &'static str {
    match fails {
        Fails::Output => "output",
        Fails::Compile => "compile",
        Fails::Loom => "loom",
        Fails::Test(_) => "test",
    }
}

/// What a listing claims that has no break to prove the check can fail.
pub fn coverage(l: &Listing, tests: &BTreeSet<String>) -> Vec<String> {
    let mut missing = Vec::new();
    let has = |f: &dyn Fn(&Fails) -> bool| l.breaks.iter().any(|b| f(&b.fails));
    if let Some(fixed) = &l.fixes
        && l.breaks.is_empty()
    {
        missing.push(format!(
            "fixes {fixed}, but has no break that puts the bug back"
        ));
    }
    let kind = l.kind();
    if let Some(proof) = kind.facts().bug {
        let (what, ok): (&str, fn(&Fails) -> bool) = match proof {
            BugProof::Compile => ("fails = \"compile\"", |f| *f == Fails::Compile),
            BugProof::Loom => ("fails = \"loom\"", |f| *f == Fails::Loom),
            BugProof::OutputOrTest => ("fails = \"output\" or a test", |f| {
                matches!(f, Fails::Output | Fails::Test(_))
            }),
        };
        if !has(&ok) {
            missing.push(format!(
                "kind `{}`: needs a break that removes the bug ({what})",
                kind.name()
            ));
        }
    }
    if l.claim.loom().is_some() && !kind.is_bug() && !has(&|f| *f == Fails::Loom) {
        missing.push("has a loom model but no break with fails = \"loom\"".into());
    }
    for t in tests {
        if !has(&|f| *f == Fails::Test(t.clone())) {
            missing.push(format!("test `{t}` has no break (fails = \"test {t}\")"));
        }
    }
    for b in &l.breaks {
        if let Fails::Test(t) = &b.fails
            && !tests.contains(t)
        {
            missing.push(format!(
                "a break names `test {t}`, which is not a test of the crate (its tests: {tests:?})"
            ));
        }
    }
    missing
}

/// Everything a break's verdict depends on: the listing and the siblings it uses, the lock file,
/// the break, and the recorded excerpt it is compared with.
fn inputs(ctx: &Ctx, l: &Listing, b: &Break) -> Hasher {
    let mut h = Hasher::default();
    h.tree(&ctx.root, &l.dir);
    // The sibling listings it depends on by path, and nothing else of its chapter.
    for sibling in crate::copy::sibling_dependencies(&l.dir).unwrap_or_default() {
        h.tree(&ctx.root, &l.dir.parent().unwrap_or(&l.dir).join(sibling));
    }
    h.file(&ctx.root, &ctx.root.join("Cargo.lock"))
        .str(&b.does)
        .str(&b.find)
        .str(&b.replace)
        .str(&b.fails.to_string())
        .str(b.file.as_deref().unwrap_or(""));
    h
}

enum Verdict {
    /// The check failed, as required: the start of what it printed.
    Failed(String),
    /// The check still passes (why, if something is known).
    Held(String),
}

/// Scratch copies of the listings, built into one shared target directory.
struct Scratch<'a> {
    ctx: &'a Ctx,
    root: PathBuf,
    target: PathBuf,
}

impl<'a> Scratch<'a> {
    /// Worker `w`'s scratch tree and target directory.
    fn new(ctx: &'a Ctx, w: usize) -> Self {
        Scratch {
            ctx,
            root: ctx.target().join(format!("breaks/{w}/src")),
            target: ctx.target().join(format!("breaks/{w}/target")),
        }
    }

    /// A fresh copy of the listing with the break applied; the copy's folder.
    fn apply(&self, l: &Listing, b: &Break) -> Result<PathBuf> {
        let copy = crate::copy::copy(self.ctx, l, &self.root)?;
        let original = l.break_file(b);
        let rel = original.strip_prefix(&l.dir).context("the break's file")?;
        let text = fs_err::read_to_string(&original)?;
        anyhow::ensure!(
            text.matches(&b.find).count() == 1,
            "no longer applies: its `find` text must occur exactly once in {}",
            self.ctx.rel(&original)
        );
        crate::files::write_if_changed(
            &copy.join(rel),
            text.replacen(&b.find, &b.replace, 1).as_bytes(),
        )?;
        Ok(copy)
    }

    fn cargo(&self, copy: &Path, args: &[&str]) -> Command {
        let mut cmd = process::cargo();
        cmd.current_dir(copy)
            .args(args)
            .arg("--target-dir")
            .arg(&self.target)
            // Scratch builds are thrown away: skip debug info, which is most of link time.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_PROFILE_TEST_DEBUG", "0");
        cmd
    }

    /// Runs the check the break names on the broken copy. `targets` says which target
    /// holds each test, so only that one is rebuilt.
    fn verdict(
        &self,
        l: &Listing,
        copy: &Path,
        b: &Break,
        targets: &BTreeMap<String, Vec<String>>,
    ) -> Result<Verdict> {
        let copied = rebased(l, copy);
        match &b.fails {
            Fails::Compile if l.kind() == Kind::CompileFail => {
                let build = cargo::json(&mut self.cargo(copy, &["check", "--quiet"]))?;
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
            Fails::Compile => {
                let build =
                    cargo::json(&mut self.cargo(copy, &["check", "--quiet", "--all-targets"]))?;
                Ok(if build.success() {
                    Verdict::Held(": it still compiles".into())
                } else {
                    Verdict::Failed(first_errors(&build))
                })
            }
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
                let mut cmd = crate::loom_model::command(copy, &self.target.join("loom"));
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
            "test {name} has been running for over 60 seconds\n(it never finishes: the test hangs)\n"
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

/// Compares the failure with its record `breaks/<id>.txt`, whole (both normalised), or
/// writes it with `--bless`.
fn record(ctx: &Ctx, l: &Listing, b: &Break, excerpt: &str, bless: bool) -> Result<Option<String>> {
    let excerpt = &crate::normalize::record(excerpt);
    let file = l.break_record(b);
    if bless {
        crate::files::write_if_changed(&file, excerpt.as_bytes())?;
        eprintln!("    recorded {}", ctx.rel(&file));
        return Ok(None);
    }
    let Ok(recorded) = fs_err::read_to_string(&file) else {
        // Reported by `missing_records`.
        return Ok(None);
    };
    Ok(compare_record(&recorded, excerpt).map(|diff| {
        format!(
            "{}: break `{}` now fails differently from what the book shows:\n{diff}\n  re-record with `cargo xtask test --only breaks --listing {} --bless` and review it",
            ctx.rel(&file),
            b.id(),
            l.package
        )
    }))
}

/// The diff between a record and a new failure, if they differ at all.
fn compare_record(recorded: &str, failure: &str) -> Option<String> {
    let recorded = crate::normalize::record(recorded);
    (recorded != failure).then(|| crate::diff::lines(&recorded, failure))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn records_are_compared_whole() {
        let record = "test t ... FAILED
  left: 10
";
        assert_eq!(compare_record(record, record), None);
        // A changed figure on a later line is a different failure.
        assert!(
            compare_record(
                record,
                "test t ... FAILED
  left: 7
"
            )
            .is_some()
        );
        assert!(
            compare_record(
                record,
                "test t ... FAILED
"
            )
            .is_some()
        );
    }

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
