//! Every check shown able to fail. Each listing declares breaks: edits that make its
//! claim false. Each is applied to a scratch copy of the listing (see `crate::scratch`),
//! the one check it names is run, and that check must fail.
//! The failure, as the reader's own command prints it (normalised: no thread ids, ports or
//! machine paths), is recorded in `breaks/<id>.txt` beside the listing (with `--bless`) and
//! compared whole on every run: it is what the book's "Break it" box shows. Breaks run on
//! the scratch workers the copy-out step built each listing on, two lanes per worker.
//!
//! Coverage is checked too: a listing that fixes a bug, shows a bug, has a loom model or
//! has tests must have the breaks that prove each of those checks can fail.
//!
//! `coverage` holds those rules, `scratch` applies a break to a scratch copy and runs the
//! check it names (through the shared modules every step uses: `run_program`,
//! `compile_fail`, `loom_model`, `libtest`), and `record` compares or writes its record.

mod coverage;
mod record;
mod scratch;

use super::{Problems, Run, limits};
use crate::cache::{self, Hasher, Passed};
use crate::context::Ctx;
use crate::declaration::{Break, Listing};
use anyhow::Result;
use coverage::{check_name, coverage};
use record::record;
use scratch::{Scratch, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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
    let mut passed = Passed::load(ctx, "breaks", !run.options.no_cache && !run.options.bless);
    let mut p = Vec::new();
    let queue = queue(run, &mut passed, &mut p);

    // What each listing's tests are called, from its copy's build: needed for the
    // listings with breaks to check, and for those whose coverage changed.
    let mut wanted: Vec<&Listing> = Vec::new();
    let mut covered = Vec::new();
    for l in run.selected.iter().copied() {
        let key = coverage_key(ctx, l);
        let changed = !passed.hit(&key);
        if changed || queue.iter().any(|job| job.l.package == l.package) {
            wanted.push(l);
        }
        if changed {
            covered.push((l, key));
        }
    }
    let builds = crate::builds::of(ctx, run.all, &wanted)?;
    for l in &wanted {
        if let Some(failure) = builds.get(l).and_then(|b| b.failure(ctx, l)) {
            p.push(failure);
        }
    }
    let tests = crate::libtest::tests_by_listing(&wanted, &builds)?;
    tally(run, &mut summary);
    for (l, key) in covered {
        let missing = uncovered(l, &tests);
        // A listing that did not build has no tests to count: it is checked again.
        let built = builds.get(l).is_none_or(|b| b.build.success());
        if missing.is_empty() && built {
            passed.pass(key)?;
        }
        summary.uncovered.extend(missing.iter().cloned());
        p.extend(missing);
    }

    let results = run_in_parallel(run, queue, &tests)?;
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

/// Counts the breaks into the summary.
fn tally(run: &Run, summary: &mut Summary) {
    for l in &run.selected {
        for b in &l.breaks {
            summary.total += 1;
            *summary.by_check.entry(check_name(&b.fails)).or_default() += 1;
            *summary.by_kind.entry(l.kind().name()).or_default() += 1;
        }
    }
}

/// Every claim of `l` without a break to prove it (see [`coverage`]), naming the listing.
fn uncovered(l: &Listing, tests: &Tests) -> Problems {
    let none = BTreeMap::new();
    let names: BTreeSet<String> = tests
        .get(&l.package)
        .unwrap_or(&none)
        .keys()
        .cloned()
        .collect();
    coverage(l, &names)
        .into_iter()
        .map(|missing| format!("{}: {missing}", l.manifest.display()))
        .collect()
}

/// What a listing's coverage depends on: its declaration and its tests, all in its files.
fn coverage_key(ctx: &Ctx, l: &Listing) -> String {
    cache::key(
        &format!("{} coverage", l.id),
        &crate::inputs::listing(ctx, l),
    )
}

/// The breaks to check: all but those cached as passed, and those of a listing that hung
/// earlier in this run (reported in `p`).
fn queue<'a>(run: &Run<'a>, passed: &mut Passed, p: &mut Problems) -> Vec<Job<'a>> {
    let mut queue = Vec::new();
    for l in run.selected.iter().copied() {
        for b in &l.breaks {
            let key = cache::key(&format!("{} {}", l.id, b.id()), &inputs(run.ctx, l, b));
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
    // First (each lane keeping its order) the breaks that wait: those whose records say
    // they hang, which wait out a time limit (10 s for a program, libtest's 60 s for a
    // test), then those whose records show a Tokio timeout that elapsed (30 s of real
    // time for a test off the paused clock) and those of listings whose tests wait on the
    // wall clock. Waiting costs no CPU while other lanes build; left to the end of a
    // lane, it was a minute of idle cores in cold runs. (Cached: each record read once.)
    queue.sort_by_cached_key(|job| {
        let record = fs_err::read_to_string(job.l.break_record(job.b)).unwrap_or_default();
        if record_hangs(&record) {
            0
        } else if record_times_out(&record) || job.l.kind().facts().waits_on_the_clock {
            1
        } else {
            2
        }
    });
    queue
}

/// Whether a break's record shows a program or test that never finished.
fn record_hangs(record: &str) -> bool {
    record.contains(crate::run_program::NEVER_FINISHES)
}

/// Whether a break's record shows a `tokio::time::timeout` that elapsed (its error's
/// `Debug`): a wait, unless the test runs on the paused clock.
fn record_times_out(record: &str) -> bool {
    record.contains("Elapsed(())")
}

/// One break to check.
struct Job<'a> {
    l: &'a Listing,
    b: &'a Break,
    key: String,
}

type Tests = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Checks the jobs on the scratch workers, each listing's breaks on its own worker (where
/// the copy-out step built it, so its copy and build are warm); returns each job with its
/// verdict, in job order.
fn run_in_parallel<'a>(
    run: &Run<'a>,
    jobs: Vec<Job<'a>>,
    tests: &Tests,
) -> Result<Vec<(Job<'a>, Result<Verdict>)>> {
    let none = BTreeMap::new();
    crate::scratch::on_workers(
        run.ctx,
        run.all,
        jobs,
        |job| job.l.package.as_str(),
        |worker, w, job| {
            say!("  break {} `{}` (worker {w})", job.l.package, job.b.id());
            let scratch = Scratch::new(run.ctx, worker);
            let targets = tests.get(&job.l.package).unwrap_or(&none);
            let verdict = scratch
                .apply(job.l, job.b)
                .and_then(|copy| scratch.verdict(job.l, &copy, job.b, targets));
            (job, verdict)
        },
    )
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

/// Everything a break's verdict depends on: the listing and the siblings it uses, the
/// workspace files (`inputs::listing`), the break, and the recorded excerpt it is compared
/// with (in the listing's folder).
fn inputs(ctx: &Ctx, l: &Listing, b: &Break) -> Hasher {
    let mut h = crate::inputs::listing(ctx, l);
    // A schedule break runs the model against loom-probe.
    if b.fails == crate::declaration::Fails::Schedule {
        h.tree(&ctx.root, &ctx.root.join("tests/loom-probe"));
    }
    h.str(&b.does)
        .str(&b.find)
        .str(&b.replace)
        .str(&b.fails.to_string())
        .str(b.file.as_deref().unwrap_or(""));
    h
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn breaks_that_hang_are_told_from_their_records() {
        // A program stopped at its limit, and a test stopped at libtest's warning.
        let program = include_str!(
            "../../../../../listings/ch01-week7-goroutines/13-channel-owner/breaks/keep-main-s-own-sender-the-owner-waits-for-ever-for-one-more.txt"
        );
        let test = include_str!(
            "../../../../../listings/ch04-complete-guide/29-http-service/breaks/wait-for-the-tasks-with-no-deadline.txt"
        );
        assert!(record_hangs(program) && record_hangs(test));
        // A test that fails, and a panic: they end at once.
        let failed = include_str!(
            "../../../../../listings/ch04-complete-guide/28-web-scraper/breaks/create-the-semaphore-with-no-permits-so-the-limit-is-never.txt"
        );
        let panicked = include_str!(
            "../../../../../listings/ch01-week7-goroutines/01-spawn-and-join/breaks/make-the-first-thread-panic-join-returns-err-and-unwrap.txt"
        );
        assert!(!record_hangs(failed) && !record_hangs(panicked));
        // A timeout that elapsed on the real clock: 30 s of waiting.
        assert!(record_times_out(failed) && !record_times_out(panicked));
        assert!(!record_times_out(program) && !record_hangs(""));
    }
}
