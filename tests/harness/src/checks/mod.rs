//! `cargo xtask test`: the steps, one file each, and the runner that orders them, times
//! them, and reports every problem (each naming the file at fault) at the end. Steps that
//! don't depend on a failed one still run, so one run shows every problem.

mod book;
mod breaks;
mod browser;
mod citations;
mod copy_out;
mod declarations;
mod go;
pub mod limits;
mod loom;
mod mdbook_test;
mod mutants;
mod outputs;
mod own_project;
mod report;
mod schedules;
mod skeptic;
mod style;
mod tests;

use crate::context::Ctx;
use crate::declaration::{self, Listing};
use anyhow::Result;
use clap::{Args, ValueEnum};
use report::Report;
use std::time::Instant;

pub type Problems = Vec<String>;

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Step {
    /// Listing declarations, the workspace's exclude list, chapter references.
    Declarations,
    /// Every `{{#cite}}` phrase is in its item's docs or source at the pinned version.
    Citations,
    /// cargo fmt --check, and rustfmt for the compile-fail listings.
    Fmt,
    /// cargo clippy --all-targets -D warnings.
    Clippy,
    /// Each listing copied out of the workspace builds; compile-fail error codes and text.
    CopyOut,
    /// The Go programs the book shows.
    Go,
    /// Each listing run as its kind declares; benchmarks' quick runs.
    Outputs,
    /// The listings' own tests and the harness's, each binary under a time limit.
    Tests,
    /// loom models.
    Loom,
    /// The schedule each failing loom model is drawn with; each passing model's count.
    Schedules,
    /// cargo-mutants over the libraries meant to be depended on.
    Mutants,
    /// Every break turns its check red.
    Breaks,
    /// The book builds with no warnings, raw directives or broken links.
    Book,
    /// The book in headless Chromium.
    Browser,
    /// Sample listings built from the page alone, in a fresh `cargo new` project.
    OwnProject,
    /// skeptic: every Rust block of the book under cargo test.
    Skeptic,
    /// mdbook test.
    MdbookTest,
}

impl Step {
    /// Steps that look at listings one by one, and so honour `--listing`.
    fn per_listing(self) -> bool {
        match self {
            Step::Outputs
            | Step::Tests
            | Step::CopyOut
            | Step::Loom
            | Step::Schedules
            | Step::Mutants
            | Step::Breaks => true,
            Step::Declarations
            | Step::Citations
            | Step::Fmt
            | Step::Clippy
            | Step::Go
            | Step::Book
            | Step::Browser
            | Step::OwnProject
            | Step::Skeptic
            | Step::MdbookTest => false,
        }
    }

    /// Where the step runs (see [`Place`]).
    fn place(self) -> Place {
        match self {
            Step::Declarations
            | Step::Fmt
            | Step::Clippy
            | Step::CopyOut
            | Step::Go
            | Step::Outputs
            | Step::Tests => Place::Alone,
            Step::Loom | Step::Schedules | Step::Mutants | Step::Breaks => Place::BesideTheBook,
            Step::Citations => Place::BeforeTheBook,
            Step::Book => Place::Book,
            Step::Browser | Step::OwnProject | Step::Skeptic | Step::MdbookTest => {
                Place::ReadsTheBook
            }
        }
    }

    /// Steps that read the built book, and so need the book step's build first.
    fn reads_built_book(self) -> bool {
        self.place() == Place::ReadsTheBook
    }

    /// The steps on the book's thread: the book step, those that read the built book,
    /// and those before them.
    fn is_book_step(self) -> bool {
        matches!(
            self.place(),
            Place::BeforeTheBook | Place::Book | Place::ReadsTheBook
        )
    }

    /// Steps the book steps run beside.
    fn beside_the_book(self) -> bool {
        self.place() == Place::BesideTheBook
    }

    fn title(self) -> &'static str {
        match self {
            Step::Declarations => "listing declarations and chapter references",
            Step::Citations => "citations: every quoted phrase is in its Tokio, std or Go item",
            Step::Fmt => "cargo fmt --check",
            Step::Clippy => "cargo clippy --all-targets -D warnings",
            Step::Outputs => "listings run as declared",
            Step::Tests => "the listings' tests and the harness's, each under a time limit",
            Step::CopyOut => {
                "each listing builds copied out of the workspace; compile-fail error codes"
            }
            Step::Loom => "loom models",
            Step::Schedules => {
                "loom schedules: the interleaving each failing model is drawn with, as loom finds it"
            }
            Step::Go => "the Go side: every Go snippet formatted, vetted, built; Go bugs measured",
            Step::Mutants => {
                "mutants: every cargo-mutants mutant of the observer is caught or explained"
            }
            Step::Breaks => "breaks: every declared break turns its check red",
            Step::Book => "mdbook build (no warnings, no raw directives, no broken links)",
            Step::Browser => {
                "the book in a browser (no raw directives or console errors; badges, admonitions, search)"
            }
            Step::OwnProject => {
                "own project: sample listings built from the page alone in a fresh cargo new"
            }
            Step::Skeptic => "skeptic: the book's Rust blocks under cargo test",
            Step::MdbookTest => "mdbook test",
        }
    }

    const ALL: [Step; 17] = [
        Step::Declarations,
        Step::Citations,
        Step::Fmt,
        Step::Clippy,
        Step::CopyOut,
        Step::Go,
        Step::Outputs,
        Step::Tests,
        Step::Loom,
        Step::Schedules,
        Step::Mutants,
        Step::Breaks,
        Step::Book,
        Step::Browser,
        Step::OwnProject,
        Step::Skeptic,
        Step::MdbookTest,
    ];
}

/// Where a step runs in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// One after the other, with the machine to itself: first the steps whose programs
    /// keep time or measure races (Go, outputs, tests), and those before them.
    Alone,
    /// Then these, with the book steps beside them on a thread of their own: they build
    /// on the scratch workers or in target directories of their own, and nothing they
    /// check depends on how fast the machine is.
    BesideTheBook,
    /// On the book steps' thread, before the book's build: it reads the pages' sources and
    /// the sources they cite, and builds nothing.
    BeforeTheBook,
    /// The book's build.
    Book,
    /// Steps that read the built book (after the book step).
    ReadsTheBook,
}

#[derive(Debug, Args, Default)]
pub struct Options {
    /// Run only this step (repeat for several). Declarations are always checked.
    #[arg(long, value_enum)]
    pub only: Vec<Step>,
    /// Check only this listing (package name, e.g. ch01-08-joinset-first-error; repeat
    /// for several). Runs the per-listing steps only, unless --only says otherwise.
    #[arg(long)]
    pub listing: Vec<String>,
    /// Ignore what passed before: re-check everything.
    #[arg(long)]
    pub no_cache: bool,
    /// Record what breaks print (breaks/<N>.txt) instead of comparing with it, and measure
    /// the Go trials afresh into their results.md.
    #[arg(long)]
    pub bless: bool,
}

impl Options {
    fn wants(&self, step: Step) -> bool {
        if !self.only.is_empty() {
            return self.only.contains(&step);
        }
        self.listing.is_empty() || step.per_listing()
    }

    /// A full run: caches may drop what it did not use.
    pub fn is_full(&self) -> bool {
        self.only.is_empty() && self.listing.is_empty()
    }
}

/// What every step gets.
pub struct Run<'a> {
    pub ctx: &'a Ctx,
    pub options: &'a Options,
    /// Every listing (references between listings need them all).
    pub all: &'a [Listing],
    /// The listings this run checks (`--listing`), else all.
    pub selected: Vec<&'a Listing>,
    /// Listings whose program or test was killed for running too long earlier in this run,
    /// by package, with that first failure: later steps don't wait on them again (a hang
    /// costs one time limit, not one per step).
    hung: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

impl Run<'_> {
    /// The first hang of this listing in this run, if it hung.
    pub fn hung(&self, package: &str) -> Option<String> {
        self.hung.lock().ok()?.get(package).cloned()
    }

    /// Records that a listing hung (the first hang is kept: it is the one to look at).
    pub fn mark_hung(&self, package: &str, what: String) {
        if let Ok(mut hung) = self.hung.lock() {
            hung.entry(package.to_string()).or_insert(what);
        }
    }

    /// The listings that hung so far.
    pub fn hung_listings(&self) -> Vec<&Listing> {
        self.all
            .iter()
            .filter(|l| self.hung(&l.package).is_some())
            .collect()
    }
}

pub fn run(ctx: &Ctx, options: &Options) -> Result<()> {
    let started = Instant::now();
    // Before anything runs: what the browser and Go steps will install, if anything.
    crate::tools::announce();
    let mut report = Report::default();

    let mut all = Vec::new();
    report.step(Step::Declarations, &mut || {
        let (loaded, mut problems) = declaration::load_each(ctx)?;
        all = loaded;
        problems.extend(declarations::check(ctx, &all)?);
        Ok(problems)
    });
    if all.is_empty() {
        // No declaration could be read: nothing else can be checked.
        return report.finish(started, None);
    }
    let run = Run {
        ctx,
        options,
        all: &all,
        selected: select(&all, options)?,
        hung: Default::default(),
    };
    start_installs(&run);
    let mut breaks_summary = None;
    let wanted = |keep: fn(Step) -> bool| -> Vec<Step> {
        Step::ALL
            .into_iter()
            .skip(1)
            .filter(|s| options.wants(*s) && keep(*s))
            .collect()
    };
    let book_steps = wanted(Step::is_book_step);
    let beside = wanted(Step::beside_the_book);
    for step in wanted(|s| !s.is_book_step() && !s.beside_the_book()) {
        if step == Step::Go && options.wants(Step::Loom) {
            loom::build_ahead(&run);
        }
        report.step(step, &mut || run_step(step, &run, &mut breaks_summary));
    }
    let mut run_beside = |report: &mut Report| {
        for &step in &beside {
            report.step(step, &mut || run_step(step, &run, &mut breaks_summary));
        }
    };
    // Under --bless the breaks write the records the book shows: the book waits for them.
    if book_steps.is_empty() || beside.is_empty() || options.bless {
        run_beside(&mut report);
        book_and_its_readers(&run, &book_steps, &mut report);
    } else {
        the_book_beside(&run, &book_steps, &mut report, run_beside);
    }
    // Nothing started in the background outlives the run.
    loom::finish_ahead();
    crate::background::board().wait_all();
    report.finish(started, breaks_summary)
}

/// `others` (the steps [`Step::beside_the_book`], in order) and beside them, on a thread
/// of their own, the book and the steps that read it: they share no target directory, and
/// the book steps take the cores the others leave idle (a break waiting out a hang, a loom
/// model on one core). The book steps' lines are held and printed when both are done, so
/// neither's lines interleave with the other's.
fn the_book_beside(
    run: &Run,
    book_steps: &[Step],
    report: &mut Report,
    mut others: impl FnMut(&mut Report),
) {
    let names: Vec<String> = book_steps
        .iter()
        .filter_map(|s| Some(s.to_possible_value()?.get_name().to_string()))
        .collect();
    say!(
        "\n(beside the next steps, on a thread of their own: {}; their lines follow them)",
        names.join(", ")
    );
    let (book_report, held) = std::thread::scope(|scope| {
        let book = scope.spawn(|| {
            crate::say::held(|| {
                let mut r = Report::default();
                book_and_its_readers(run, book_steps, &mut r);
                r
            })
        });
        others(report);
        book.join().expect("the book steps' thread panicked")
    });
    eprint!("{held}");
    report.absorb(book_report);
}

/// The book step, then the steps that read the built book (`steps`, in order). A step
/// that reads it builds it first when the book step itself was not asked for, and is
/// not run when the book did not build.
fn book_and_its_readers(run: &Run, steps: &[Step], report: &mut Report) {
    let mut book_built = false;
    for &step in steps {
        if step.reads_built_book() && !book_built {
            if !run.options.wants(Step::Book) {
                report.step(Step::Book, &mut || book::check(run));
            }
            book_built = !report.failed_step(Step::Book) || book::built();
            if !book_built {
                report.skipped(step, "the book did not build");
                continue;
            }
        }
        let ok = report.step(step, &mut || run_step(step, run, &mut None));
        if step == Step::Book {
            // Problems in the book's content (prose, index) still let its pages be checked.
            book_built = ok || book::built();
        }
    }
}

/// Starts in the background what the steps this run wants will need ([`crate::background`]):
/// Go and Chromium with apt-get, one after the other; beside them, at low priority,
/// cargo-mutants and the doctest crate's dependencies. Each step waits for its own.
fn start_installs(run: &Run) {
    let o = run.options;
    let mut apt = Vec::new();
    if o.wants(Step::Citations) || o.wants(Step::Go) {
        apt.push(&crate::tools::GO);
    }
    if o.wants(Step::Browser) {
        apt.push(&crate::tools::CHROMIUM);
    }
    let board = crate::background::board();
    board.start(crate::tools::prefetch(
        &apt,
        &run.ctx.target().join("tools"),
    ));
    // The low-priority builds form one chain: they only fill idle cycles.
    let mut builds: Vec<_> = Vec::new();
    if o.wants(Step::Mutants) {
        builds.extend(mutants::prefetch(run));
    }
    if o.wants(Step::Skeptic) {
        match crate::doctest_deps::prefetch(run.ctx) {
            Ok(job) => builds.extend(job),
            // The skeptic step meets the same problem and reports it.
            Err(e) => say!("note: the doctest dependencies are not built ahead: {e:#}"),
        }
    }
    board.start(builds);
}

/// The listings this run checks: those `--listing` names, else all. Listings that were
/// refused are reported by the declarations step; the rest are still checked.
fn select<'a>(all: &'a [Listing], options: &Options) -> Result<Vec<&'a Listing>> {
    if options.listing.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut s = Vec::new();
    for name in &options.listing {
        s.push(declaration::find(all, name)?);
    }
    Ok(s)
}

/// Runs one step (the registry: a new step is one line here and one in [`Step`]).
fn run_step(
    step: Step,
    run: &Run,
    breaks_summary: &mut Option<breaks::Summary>,
) -> Result<Problems> {
    match step {
        Step::Declarations => unreachable!("checked first"),
        Step::Citations => citations::check(run),
        Step::Fmt => style::fmt(run),
        Step::Clippy => style::clippy(run),
        Step::Outputs => outputs::check(run),
        Step::Tests => tests::check(run),
        Step::CopyOut => copy_out::check(run),
        Step::Loom => loom::check(run),
        Step::Schedules => schedules::check(run),
        Step::Go => go::check(run),
        Step::Mutants => mutants::check(run),
        Step::Breaks => {
            let (problems, summary) = breaks::check(run)?;
            *breaks_summary = Some(summary);
            Ok(problems)
        }
        Step::Book => book::check(run),
        Step::Browser => browser::check(run),
        Step::OwnProject => own_project::check(run),
        Step::Skeptic => skeptic::check(run),
        Step::MdbookTest => mdbook_test::check(run),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn a_listing_run_wants_the_per_listing_steps_and_only_wins() {
        let options = Options {
            listing: vec!["ch01-01-x".into()],
            ..Options::default()
        };
        assert!(options.wants(Step::Breaks) && options.wants(Step::Outputs));
        assert!(!options.wants(Step::Book) && !options.wants(Step::Citations));
        assert!(!options.is_full());
        let only = Options {
            only: vec![Step::Book],
            listing: vec!["ch01-01-x".into()],
            ..Options::default()
        };
        assert!(only.wants(Step::Book) && !only.wants(Step::Breaks));
        assert!(Options::default().is_full());
        // The steps that read the built book are not per listing.
        for step in Step::ALL {
            assert!(!(step.reads_built_book() && step.per_listing()), "{step:?}");
            // Nothing runs beside itself.
            assert!(!(step.is_book_step() && step.beside_the_book()), "{step:?}");
        }
        // Citations build nothing, so they wait for the book's thread.
        assert!(Step::Citations.is_book_step() && !Step::Citations.reads_built_book());
        // The steps that keep time run with the machine to themselves.
        for step in [Step::Outputs, Step::Tests, Step::Go] {
            assert!(!step.beside_the_book() && !step.is_book_step(), "{step:?}");
        }
    }
}
