//! The one table of kinds: everything the harness knows about a listing kind, in one row.

/// The kind alone, for badges, ordering and the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Runs,
    CompileFail,
    Panics,
    ExitsEarly,
    Leaks,
    LosesUpdates,
    Deadlocks,
    Service,
    Library,
    Bench,
}

/// How a listing's loom model (if it has one) must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoomVerdict {
    /// Every interleaving passes.
    Passes,
    /// Some interleaving fails the model's own assertion: an update is lost.
    LosesAnUpdate,
    /// loom reports a deadlock.
    Deadlocks,
}

/// What must prove that a bug kind's bug is real: a break that removes it must turn this
/// check red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BugProof {
    /// `fails = "compile"`.
    Compile,
    /// `fails = "loom"`.
    Loom,
    /// `fails = "output"` or a test.
    OutputOrTest,
}

/// Everything the harness knows about a kind, in one row: the badge and its tooltip, how
/// the listing is run and checked, and what a break of a bug must turn red. Adding a kind
/// is one row here plus what the compiler then asks for (every `match` over kinds is
/// exhaustive: no wildcard arm hides a place the new kind must be handled).
#[derive(Debug, Clone, Copy)]
pub struct KindFacts {
    /// The `kind = "…"` of the declaration.
    pub name: &'static str,
    pub badge: &'static str,
    /// What the test command proves for this kind: the badge's tooltip.
    pub tooltip: &'static str,
    /// A bug kind: a break must remove the bug and turn this check red.
    pub bug: Option<BugProof>,
    /// Its binary is run and its stdout compared with `output.txt`.
    pub checks_stdout: bool,
    /// It shows an `output.txt` (run output, or the compiler's errors).
    pub has_output_file: bool,
    /// The Rust Playground can run it as shown: a service waits for signals, a library has
    /// nothing to run, a benchmark needs a release build and a quiet machine, and a
    /// deadlock never ends.
    pub playground: bool,
    /// rustdoc attributes of its code block (after `rust`); compile-fail adds its codes.
    pub fence: &'static [&'static str],
    /// How its loom model, if any, must end.
    pub loom: LoomVerdict,
    /// Its promises are proved by tests the declaration names in `proof`.
    pub proved_by_tests: bool,
    /// Its tests run the real program and wait on the wall clock (for signals and
    /// deadlines): the breaks step starts its breaks first, so those waits overlap other
    /// builds instead of ending the step.
    pub waits_on_the_clock: bool,
}

const RUNS: KindFacts = KindFacts {
    name: "runs",
    badge: "runs",
    tooltip: "Checked: exits 0 and prints exactly the output shown.",
    bug: None,
    checks_stdout: true,
    has_output_file: true,
    playground: true,
    fence: &[],
    loom: LoomVerdict::Passes,
    proved_by_tests: false,
    waits_on_the_clock: false,
};

const COMPILE_FAIL: KindFacts = KindFacts {
    name: "compile-fail",
    badge: "does not compile",
    tooltip: "Checked: rustc rejects it with exactly these error codes.",
    bug: Some(BugProof::Compile),
    checks_stdout: false,
    fence: &["compile_fail"],
    ..RUNS
};

const PANICS: KindFacts = KindFacts {
    name: "panics",
    badge: "panics",
    tooltip: "Checked: exits with status 101 and this panic message.",
    bug: Some(BugProof::OutputOrTest),
    fence: &["should_panic"],
    ..RUNS
};

const EXITS_EARLY: KindFacts = KindFacts {
    name: "exits-early",
    badge: "exits early",
    tooltip: "Checked: exits 0 having lost the work; the output shows what is missing.",
    bug: Some(BugProof::OutputOrTest),
    ..RUNS
};

const LEAKS: KindFacts = KindFacts {
    name: "leaks",
    badge: "leaks",
    tooltip: "Checked: the live thread/task count it prints stays above zero.",
    bug: Some(BugProof::OutputOrTest),
    ..RUNS
};

const LOSES_UPDATES: KindFacts = KindFacts {
    name: "loses-updates",
    badge: "loses updates",
    tooltip: "Checked: a loom model finds an interleaving that loses an update.",
    bug: Some(BugProof::Loom),
    checks_stdout: false,
    has_output_file: false,
    loom: LoomVerdict::LosesAnUpdate,
    ..RUNS
};

const DEADLOCKS: KindFacts = KindFacts {
    name: "deadlocks",
    badge: "deadlocks",
    tooltip: "Checked: a loom model reports the deadlock.",
    bug: Some(BugProof::Loom),
    checks_stdout: false,
    has_output_file: false,
    playground: false,
    // A deadlock never returns: compile it, don't run it.
    fence: &["no_run"],
    loom: LoomVerdict::Deadlocks,
    proved_by_tests: false,
    waits_on_the_clock: false,
};

const SERVICE: KindFacts = KindFacts {
    name: "service",
    badge: "service",
    tooltip: "Checked: its tests start the real binary, signal it and check how it shuts down.",
    checks_stdout: false,
    has_output_file: false,
    playground: false,
    // It runs until it is signalled.
    fence: &["no_run"],
    proved_by_tests: true,
    waits_on_the_clock: true,
    ..RUNS
};

const LIBRARY: KindFacts = KindFacts {
    name: "library",
    badge: "library",
    tooltip: "Checked: its tests and documentation examples pass.",
    checks_stdout: false,
    has_output_file: false,
    playground: false,
    proved_by_tests: true,
    ..RUNS
};

const BENCH: KindFacts = KindFacts {
    name: "bench",
    badge: "benchmark",
    tooltip: "Checked: builds and measures the rows shown; the figures come from a real run.",
    checks_stdout: false,
    has_output_file: false,
    playground: false,
    // It takes seconds, in a release build.
    fence: &["no_run"],
    ..RUNS
};

impl Kind {
    /// Every kind, in the order the index of listings shows them.
    pub const ALL: [Kind; 10] = [
        Kind::Runs,
        Kind::CompileFail,
        Kind::Panics,
        Kind::ExitsEarly,
        Kind::Leaks,
        Kind::LosesUpdates,
        Kind::Deadlocks,
        Kind::Service,
        Kind::Library,
        Kind::Bench,
    ];

    /// The one table of kinds: each row is a `const` above, this `match` is the only place
    /// a kind is mapped to its facts.
    pub const fn facts(self) -> KindFacts {
        match self {
            Kind::Runs => RUNS,
            Kind::CompileFail => COMPILE_FAIL,
            Kind::Panics => PANICS,
            Kind::ExitsEarly => EXITS_EARLY,
            Kind::Leaks => LEAKS,
            Kind::LosesUpdates => LOSES_UPDATES,
            Kind::Deadlocks => DEADLOCKS,
            Kind::Service => SERVICE,
            Kind::Library => LIBRARY,
            Kind::Bench => BENCH,
        }
    }

    pub fn is_bug(self) -> bool {
        self.facts().bug.is_some()
    }

    pub fn runs_on_playground(self) -> bool {
        self.facts().playground
    }

    pub fn name(self) -> &'static str {
        self.facts().name
    }

    pub fn badge(self) -> &'static str {
        self.facts().badge
    }

    /// The badge's tooltip: what the test command proves for this kind.
    pub fn tooltip(self) -> &'static str {
        self.facts().tooltip
    }

    pub fn checks_stdout(self) -> bool {
        self.facts().checks_stdout
    }

    pub fn has_output_file(self) -> bool {
        self.facts().has_output_file
    }
}
