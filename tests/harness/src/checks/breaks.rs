//! Every check shown able to fail. Each listing declares breaks: edits that make its
//! claim false. Each is applied to a scratch copy of the listing (built in a target
//! directory all breaks share), the one check it names is run, and that check must fail.
//! The start of the failure is recorded in `breaks/<N>.txt` beside the listing (with
//! `--bless`) and compared on every run: it is what the book's "Break it" box shows.
//!
//! Coverage is checked too: a listing that fixes a bug, shows a bug, has a loom model or
//! has tests must have the breaks that prove each of those checks can fail.

use super::{Problems, Run, limits};
use crate::cache::{self, Hasher, Passed};
use crate::cargo;
use crate::context::Ctx;
use crate::declaration::{Break, Fails, Kind, Listing};
use crate::process::{self, Ending};
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
    let build = super::tests::build_tests(ctx, &run.selected, false)?;
    if !build.success() {
        return Ok((
            vec![format!("building the tests failed:\n{}", build.report())],
            summary,
        ));
    }
    let tests = super::tests::tests_by_listing(&build)?;
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

    let scratch = Scratch::new(ctx);
    let mut passed = Passed::load(ctx, "breaks", !run.options.no_cache && !run.options.bless);
    for l in &run.selected {
        for (i, b) in l.breaks.iter().enumerate() {
            let n = i + 1;
            let key = cache::key(&format!("{} {n}", l.id), &inputs(ctx, l, b));
            if passed.hit(&key) {
                continue;
            }
            eprintln!("  break {} #{n}: {}", l.package, b.does);
            let targets = tests.get(l.dir.as_path()).unwrap_or(&none);
            match scratch
                .apply(l, b)
                .and_then(|copy| scratch.verdict(l, &copy, b, targets))
            {
                Err(e) => p.push(format!(
                    "{}: break {n} (\"{}\"): {e:#}",
                    l.manifest.display(),
                    b.does
                )),
                Ok(Verdict::Held(why)) => p.push(format!(
                    "{}: break {n} (\"{}\") should turn `{}` red, but the check still passes{why}",
                    l.manifest.display(),
                    b.does,
                    b.fails
                )),
                Ok(Verdict::Failed(excerpt)) => {
                    match record(ctx, l, n, &excerpt, run.options.bless)? {
                        Some(problem) => p.push(problem),
                        None => passed.pass(key)?,
                    }
                }
            }
        }
    }
    passed.save(run.options.is_full())?;
    Ok((p, summary))
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
    type Accepts<'a> = &'a dyn Fn(&Fails) -> bool;
    let claim_check: Option<(&str, Accepts)> = match kind {
        Kind::CompileFail => Some(("fails = \"compile\"", &|f| *f == Fails::Compile)),
        Kind::LosesUpdates | Kind::Deadlocks => Some(("fails = \"loom\"", &|f| *f == Fails::Loom)),
        Kind::Panics | Kind::ExitsEarly | Kind::Leaks => {
            Some(("fails = \"output\" or a test", &|f| {
                matches!(f, Fails::Output | Fails::Test(_))
            }))
        }
        _ => None,
    };
    if let Some((what, f)) = claim_check
        && !has(f)
    {
        missing.push(format!(
            "kind `{}`: needs a break that removes the bug ({what})",
            kind.name()
        ));
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
    for sibling in super::copy_out::sibling_dependencies(&l.dir).unwrap_or_default() {
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
    fn new(ctx: &'a Ctx) -> Self {
        Scratch {
            ctx,
            root: ctx.target().join("breaks/src"),
            target: ctx.target().join("breaks/target"),
        }
    }

    /// A fresh copy of the listing with the break applied; the copy's folder.
    fn apply(&self, l: &Listing, b: &Break) -> Result<PathBuf> {
        let copy = super::copy_out::copy(self.ctx, l, &self.root)?;
        let original = l.break_file(b);
        let rel = original.strip_prefix(&l.dir).context("the break's file")?;
        let text = fs_err::read_to_string(&original)?;
        anyhow::ensure!(
            text.matches(&b.find).count() == 1,
            "no longer applies: its `find` text must occur exactly once in {}",
            self.ctx.rel(&original)
        );
        process::write_if_changed(
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
                let problems = super::copy_out::compile_errors(self.ctx, &copied, &build, false)?;
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
                let problems = super::outputs::verdict(self.ctx, &copied, &exe)?;
                Ok(match problems.first() {
                    None => {
                        Verdict::Held(": it prints the output shown and exits as declared".into())
                    }
                    Some(first) => Verdict::Failed(self.excerpt_of_problem(first, copy)),
                })
            }
            Fails::Loom => {
                let mut cmd = super::loom::command(copy, &self.target.join("loom"));
                let build = cargo::json(&mut cmd)?;
                built(&build, copy, |_| Some(()))?;
                let (problems, _) = super::loom::run_model(&copied, copy, &build)?;
                Ok(match problems.first() {
                    None => Verdict::Held(": loom's verdict is still the declared one".into()),
                    Some(first) => Verdict::Failed(self.excerpt_of_problem(first, copy)),
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
                        super::tests::test_command(&exe.path, copy).args(["--exact", name]),
                        limits::TEST_BINARY,
                        Some(process::libtest_stuck),
                    )?;
                    if out.stdout.contains("running 0 tests") {
                        continue;
                    }
                    return Ok(match out.ending {
                        Ending::Exited(s) if s.success() => Verdict::Held(String::new()),
                        Ending::Exited(_) => Verdict::Failed(test_failure(name, &out.stdout)),
                        // Killed at the limit or stopped by libtest's warning: either
                        // way it hung, and the record must not depend on which came first.
                        _ => Verdict::Failed(format!(
                            "test {name} hung, and was killed with its process group\n"
                        )),
                    });
                }
                anyhow::bail!("no test binary of the copy has a test named `{name}`")
            }
        }
    }

    /// A harness problem message, with the scratch copy's paths shown as the listing's.
    fn excerpt_of_problem(&self, problem: &str, copy: &Path) -> String {
        let copy_rel = self.ctx.rel(copy);
        let lines: Vec<&str> = problem.lines().take(12).collect();
        let mut s = lines
            .join("\n")
            .replace(&copy_rel, &scratch_to_listing(&copy_rel));
        s.push('\n');
        s
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

/// The start of libtest's report for one failed test, without what varies between runs
/// (thread ids, timings).
fn test_failure(name: &str, stdout: &str) -> String {
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

/// Compares the excerpt with `breaks/<n>.txt` (its first line must match: it says how the
/// check fails), or writes it with `--bless`.
fn record(ctx: &Ctx, l: &Listing, n: usize, excerpt: &str, bless: bool) -> Result<Option<String>> {
    let excerpt = &crate::normalize::run_output(excerpt);
    let file = l.break_record(n);
    if bless {
        process::write_if_changed(&file, excerpt.as_bytes())?;
        eprintln!("    recorded {}", ctx.rel(&file));
        return Ok(None);
    }
    let Ok(recorded) = fs_err::read_to_string(&file) else {
        return Ok(Some(format!(
            "{}: break {n} fails as required, but {} does not exist; record it with `cargo xtask test --only breaks --listing {} --bless` and review it",
            l.manifest.display(),
            ctx.rel(&file),
            l.package
        )));
    };
    let headline = |s: &str| s.lines().next().unwrap_or("").trim().to_string();
    if headline(&recorded) != headline(excerpt) {
        return Ok(Some(format!(
            "{}: break {n} now fails differently from what the book shows:\n{}\n  re-record with `cargo xtask test --only breaks --listing {} --bless` and review it",
            ctx.rel(&file),
            crate::diff::lines(&recorded, excerpt),
            l.package
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn a_test_failure_is_cut_to_its_start() {
        let out = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\nthread 't' (77) panicked at src/lib.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\nnote: run with `RUST_BACKTRACE=1`\n\n\nfailures:\n    t\n";
        assert_eq!(
            test_failure("t", out),
            "test t ... FAILED\nthread 't' (77) panicked at src/lib.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\n"
        );
    }

    #[test]
    fn scratch_paths_read_as_the_listing() {
        assert_eq!(
            scratch_to_listing("target/breaks/src/ch01-a/05-b"),
            "listings/ch01-a/05-b"
        );
    }
}
