//! What each listing claims: its `[package.metadata.book]` table, read into types that
//! make an invalid declaration unwritable (each kind carries only its own fields), plus
//! its breaks. The single source of the caption, badge, code-block attributes, checks and
//! "Break it" boxes.

use crate::context::Ctx;
use crate::fold;
use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a listing demonstrates, with what that kind needs to prove it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Claim {
    /// Exits 0; stdout equals output.txt.
    Runs {
        #[serde(default)]
        unordered: Vec<LineRange>,
        loom: Option<String>,
    },
    /// rustc rejects it with exactly these errors (codes, or a piece of a message).
    CompileFail { errors: Vec<String> },
    /// Exits 101 with this panic message.
    Panics {
        panic: String,
        #[serde(default)]
        unordered: Vec<LineRange>,
        loom: Option<String>,
    },
    /// Exits 0 having lost work; stdout shows what was lost.
    ExitsEarly {
        #[serde(default)]
        unordered: Vec<LineRange>,
        loom: Option<String>,
    },
    /// Exits 0; stdout shows the live thread or task count.
    Leaks {
        #[serde(default)]
        unordered: Vec<LineRange>,
        loom: Option<String>,
    },
    /// A loom model finds an interleaving that loses an update.
    LosesUpdates { loom: String },
    /// loom reports a deadlock.
    Deadlocks { loom: String },
    /// A quick run measures the rows of the committed results table.
    Bench { results: String },
    /// A long-running program whose tests start it, signal it and check its shutdown.
    Service { loom: Option<String> },
    /// A library crate whose tests and documentation examples pass; one meant to be
    /// depended on is also mutation-tested.
    Library {
        loom: Option<String>,
        mutants: Option<Mutants>,
    },
}

/// cargo-mutants over a library: every mutant must be caught by a test, but for the
/// survivors named here (pieces of cargo-mutants' names for them, such as `replace + with
/// - in run`), each one explained in the crate's tests as a mutant no test can tell apart.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutants {
    #[serde(default)]
    pub survivors: Vec<String>,
}

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

impl Claim {
    pub fn kind(&self) -> Kind {
        match self {
            Claim::Runs { .. } => Kind::Runs,
            Claim::CompileFail { .. } => Kind::CompileFail,
            Claim::Panics { .. } => Kind::Panics,
            Claim::ExitsEarly { .. } => Kind::ExitsEarly,
            Claim::Leaks { .. } => Kind::Leaks,
            Claim::LosesUpdates { .. } => Kind::LosesUpdates,
            Claim::Deadlocks { .. } => Kind::Deadlocks,
            Claim::Bench { .. } => Kind::Bench,
            Claim::Service { .. } => Kind::Service,
            Claim::Library { .. } => Kind::Library,
        }
    }

    /// The lines of `output.txt` whose order the program does not fix, for the kinds whose
    /// binary is run (every other line must come exactly where the file shows it).
    pub fn unordered(&self) -> &[LineRange] {
        match self {
            Claim::Runs { unordered, .. }
            | Claim::Panics { unordered, .. }
            | Claim::ExitsEarly { unordered, .. }
            | Claim::Leaks { unordered, .. } => unordered,
            Claim::CompileFail { .. }
            | Claim::LosesUpdates { .. }
            | Claim::Deadlocks { .. }
            | Claim::Bench { .. }
            | Claim::Service { .. }
            | Claim::Library { .. } => &[],
        }
    }

    pub fn loom(&self) -> Option<&str> {
        match self {
            Claim::Runs { loom, .. }
            | Claim::Panics { loom, .. }
            | Claim::ExitsEarly { loom, .. }
            | Claim::Leaks { loom, .. }
            | Claim::Service { loom }
            | Claim::Library { loom, .. } => loom.as_deref(),
            Claim::LosesUpdates { loom } | Claim::Deadlocks { loom } => Some(loom),
            Claim::CompileFail { .. } | Claim::Bench { .. } => None,
        }
    }

    pub fn errors(&self) -> &[String] {
        if let Claim::CompileFail { errors } = self {
            errors
        } else {
            &[]
        }
    }
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
}

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

    /// The one table of kinds.
    pub const fn facts(self) -> KindFacts {
        use BugProof::*;
        use LoomVerdict::*;
        const RUN: KindFacts = KindFacts {
            name: "runs",
            badge: "runs",
            tooltip: "Checked: exits 0 and prints exactly the output shown.",
            bug: None,
            checks_stdout: true,
            has_output_file: true,
            playground: true,
            fence: &[],
            loom: Passes,
        };
        match self {
            Kind::Runs => RUN,
            Kind::CompileFail => KindFacts {
                name: "compile-fail",
                badge: "does not compile",
                tooltip: "Checked: rustc rejects it with exactly these error codes.",
                bug: Some(Compile),
                checks_stdout: false,
                fence: &["compile_fail"],
                ..RUN
            },
            Kind::Panics => KindFacts {
                name: "panics",
                badge: "panics",
                tooltip: "Checked: exits with status 101 and this panic message.",
                bug: Some(OutputOrTest),
                fence: &["should_panic"],
                ..RUN
            },
            Kind::ExitsEarly => KindFacts {
                name: "exits-early",
                badge: "exits early",
                tooltip: "Checked: exits 0 having lost the work; the output shows what is missing.",
                bug: Some(OutputOrTest),
                ..RUN
            },
            Kind::Leaks => KindFacts {
                name: "leaks",
                badge: "leaks",
                tooltip: "Checked: the live thread/task count it prints stays above zero.",
                bug: Some(OutputOrTest),
                ..RUN
            },
            Kind::LosesUpdates => KindFacts {
                name: "loses-updates",
                badge: "loses updates",
                tooltip: "Checked: a loom model finds an interleaving that loses an update.",
                bug: Some(Loom),
                checks_stdout: false,
                has_output_file: false,
                loom: LosesAnUpdate,
                ..RUN
            },
            Kind::Deadlocks => KindFacts {
                name: "deadlocks",
                badge: "deadlocks",
                tooltip: "Checked: a loom model reports the deadlock.",
                bug: Some(Loom),
                checks_stdout: false,
                has_output_file: false,
                playground: false,
                // A deadlock never returns: compile it, don't run it.
                fence: &["no_run"],
                loom: Deadlocks,
            },
            Kind::Service => KindFacts {
                name: "service",
                badge: "service",
                tooltip: "Checked: its tests start the real binary, signal it and check how it shuts down.",
                checks_stdout: false,
                has_output_file: false,
                playground: false,
                // It runs until it is signalled.
                fence: &["no_run"],
                ..RUN
            },
            Kind::Library => KindFacts {
                name: "library",
                badge: "library",
                tooltip: "Checked: its tests and documentation examples pass.",
                checks_stdout: false,
                has_output_file: false,
                playground: false,
                ..RUN
            },
            Kind::Bench => KindFacts {
                name: "bench",
                badge: "benchmark",
                tooltip: "Checked: builds and measures the rows shown; the figures come from a real run.",
                checks_stdout: false,
                has_output_file: false,
                playground: false,
                // It takes seconds, in a release build.
                fence: &["no_run"],
                ..RUN
            },
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

pub fn is_error_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with('E') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

pub use crate::expected::LineRange;

/// An edit that makes the listing's claim false, and the check that must then fail.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// What the edit does, as a reader would say it: "forget to abort the other tasks".
    pub does: String,
    /// The break's name: its record is `breaks/<id>.txt`. Derived from `does` when absent
    /// (lowercase words joined by `-`), so reordering breaks never swaps their records.
    id: Option<String>,
    /// The file to edit, relative to the crate; the shown file if absent.
    pub file: Option<String>,
    /// Text that occurs exactly once in that file.
    pub find: String,
    pub replace: String,
    pub fails: Fails,
}

impl Break {
    /// The break's stable name (see `id`).
    pub fn id(&self) -> String {
        self.id.clone().unwrap_or_else(|| slug(&self.does))
    }
}

/// "Forget to `abort` the tasks!" → `forget-to-abort-the-tasks`, at most 60 characters,
/// cut at a word.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !s.is_empty() && s.len() + 1 + word.len() > 60 {
            break;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&word.to_ascii_lowercase());
    }
    s
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The check a break must turn red.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fails {
    /// The run check of the listing's kind (exit status, panic message, stdout).
    Output,
    /// compile-fail: the declared errors; any other kind: the build.
    Compile,
    /// The loom model's declared verdict.
    Loom,
    /// One test of the crate, by its full name.
    Test(String),
}

impl std::fmt::Display for Fails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fails::Output => f.write_str("output"),
            Fails::Compile => f.write_str("compile"),
            Fails::Loom => f.write_str("loom"),
            Fails::Test(name) => write!(f, "test {name}"),
        }
    }
}

impl std::str::FromStr for Fails {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "output" => Ok(Fails::Output),
            "compile" => Ok(Fails::Compile),
            "loom" => Ok(Fails::Loom),
            other => match other.strip_prefix("test ") {
                Some(name) if !name.trim().is_empty() => Ok(Fails::Test(name.trim().into())),
                _ => Err(format!(
                    "`fails = \"{other}\"`: expected \"output\", \"compile\", \"loom\" or \"test <name>\""
                )),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Fails {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The keys every kind may have; the rest belong to the kind (see [`Claim`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    caption: String,
    show: Option<String>,
    fixes: Option<String>,
    #[serde(default)]
    proof: Vec<String>,
    #[serde(default)]
    breaks: Vec<Break>,
    /// Items of the shown file to fold (`"fn print_chart"`), beyond tests and loom scaffolding.
    fold: Option<Vec<String>>,
    /// Or: fold every item but these (a benchmark's measuring core).
    #[serde(rename = "fold-all-but")]
    fold_all_but: Option<Vec<String>>,
}

const COMMON_KEYS: [&str; 7] = [
    "caption",
    "show",
    "fixes",
    "proof",
    "breaks",
    "fold",
    "fold-all-but",
];

#[derive(Debug, Clone)]
pub struct Listing {
    /// `ch01-week7-goroutines/05-forgetting-to-wait`: what `{{#listing}}` names.
    pub id: String,
    pub dir: PathBuf,
    /// The manifest, relative to the repository root.
    pub manifest: PathBuf,
    pub chapter_dir: String,
    pub chapter: u32,
    pub number: u32,
    pub package: String,
    pub claim: Claim,
    pub caption: String,
    pub show: PathBuf,
    pub fixes: Option<String>,
    /// Tests named as the proof of a service's or library's promises.
    pub proof: Vec<String>,
    pub breaks: Vec<Break>,
    /// Crate names (`tokio_util`) of the normal dependencies, for `extern crate` lines.
    pub dependencies: Vec<String>,
    /// What the book folds in the shown file, beyond tests and loom scaffolding.
    pub fold: fold::Spec,
}

impl Listing {
    pub fn kind(&self) -> Kind {
        self.claim.kind()
    }

    pub fn label(&self) -> String {
        format!("{}-{}", self.chapter, self.number)
    }

    pub fn output_file(&self) -> PathBuf {
        self.dir.join("output.txt")
    }

    pub fn results_file(&self) -> Option<PathBuf> {
        match &self.claim {
            Claim::Bench { results } => Some(self.dir.join(results)),
            _ => None,
        }
    }

    /// The recorded failure of a break: `breaks/<id>.txt`.
    pub fn break_record(&self, b: &Break) -> PathBuf {
        self.breaks_dir().join(format!("{}.txt", b.id()))
    }

    /// Where the break records live.
    pub fn breaks_dir(&self) -> PathBuf {
        self.dir.join("breaks")
    }

    /// The file a break edits.
    pub fn break_file(&self, b: &Break) -> PathBuf {
        match &b.file {
            Some(f) => self.dir.join(f),
            None => self.show.clone(),
        }
    }

    /// The path a reader copies, relative to the repository root.
    pub fn rel_dir(&self) -> String {
        format!("listings/{}", self.id)
    }

    /// How a reader runs it from the repository root.
    pub fn run_command(&self) -> String {
        match self.kind() {
            // Excluded from the workspace, so `-p` can't find it: build the crate directly.
            Kind::CompileFail => {
                format!("cargo build --manifest-path {}/Cargo.toml", self.rel_dir())
            }
            Kind::Bench => format!("cargo run --release -p {}", self.package),
            Kind::Library => format!("cargo test -p {}", self.package),
            _ => format!("cargo run -p {}", self.package),
        }
    }

    /// How a reader runs the check a break turns red in their own project (a copy of the
    /// listing made with `cargo new`), where there is one package and no `-p`.
    pub fn own_check_command(&self, fails: &Fails) -> String {
        match fails {
            Fails::Output => "cargo run".into(),
            Fails::Compile => "cargo build".into(),
            Fails::Loom => format!(
                "RUSTFLAGS=\"--cfg loom\" cargo test --release -- --exact {}",
                self.claim.loom().unwrap_or_default()
            ),
            Fails::Test(name) => format!("cargo test -- --exact {name}"),
        }
    }
}

/// Loads and validates every listing. Every problem found is reported, each naming the
/// file at fault and what to do; fails if any listing is refused.
pub fn load_all(ctx: &Ctx) -> Result<Vec<Listing>> {
    let (listings, problems) = load_each(ctx)?;
    if problems.is_empty() {
        Ok(listings)
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// Every listing that loads, and the problems of those that don't (or that name a
/// listing that doesn't exist): a run can still check the rest.
pub fn load_each(ctx: &Ctx) -> Result<(Vec<Listing>, Vec<String>)> {
    let mut listings = Vec::new();
    let mut problems = Vec::new();
    for chapter in sorted_dirs(&ctx.listings)? {
        let chapter_dir = file_name(&chapter);
        if !is_chapter_dir(&chapter_dir) {
            problems.push(format!(
                "{}: a listings folder must be named chNN-<chapter> (like src/chNN-<chapter>/)",
                ctx.rel(&chapter)
            ));
            continue;
        }
        for dir in sorted_dirs(&chapter)? {
            match load_one(ctx, &chapter_dir, &dir) {
                Ok(listing) => listings.push(listing),
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
    }
    let ids: BTreeSet<String> = listings.iter().map(|l| l.id.clone()).collect();
    for l in &listings {
        if let Some(f) = &l.fixes {
            let target = format!("{}/{f}", l.chapter_dir);
            if !ids.contains(&target) && !ctx.listings.join(&target).is_dir() {
                problems.push(format!(
                    "{}: `fixes = \"{f}\"` names no listing (looked for listings/{target})",
                    l.manifest.display()
                ));
            }
        }
    }
    Ok((listings, problems))
}

/// Reads one listing folder.
pub fn load_one(ctx: &Ctx, chapter_dir: &str, dir: &Path) -> Result<Listing> {
    let manifest = dir.join("Cargo.toml");
    let rel_manifest = PathBuf::from(ctx.rel(&manifest));
    let err = |msg: String| anyhow!("{}: {msg}", rel_manifest.display());
    let text = fs_err::read_to_string(&manifest)
        .map_err(|e| err(format!("every listing folder needs a Cargo.toml ({e})")))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| err(format!("not valid TOML: {e}")))?;

    let dir_name = file_name(dir);
    let number = parse_number(&dir_name).ok_or_else(|| {
        err(format!(
            "listing folder `{dir_name}` must be named NN-what-it-shows (two digits, lowercase words)"
        ))
    })?;
    let chapter: u32 = chapter_dir[2..4]
        .parse()
        .expect("checked by is_chapter_dir");
    let package = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| err("no [package] name".into()))?;
    let want = format!("{}-{dir_name}", &chapter_dir[..4]);
    ensure!(
        package == want,
        err(format!("package name is `{package}`, must be `{want}`"))
    );
    ensure!(
        doc.get("package")
            .and_then(|p| p.get("rust-version"))
            .and_then(|v| v.as_str())
            .is_some(),
        err("[package] needs `rust-version`: the oldest Rust a reader can build it with (\"1.85\" for edition 2024; clippy's incompatible_msrv lint holds the std APIs to it)".into())
    );
    let is_sibling = |path: &str| {
        path.strip_prefix("../").is_some_and(|name| {
            parse_number(name).is_some()
                && dir
                    .parent()
                    .is_some_and(|c| c.join(name).join("Cargo.toml").is_file())
        })
    };
    if let Some(path) = find_inheritance(&toml::Value::Table(doc.clone()), "", &is_sibling) {
        bail!(err(format!(
            "`{path}` ties the listing to this repository; a listing must build when copied out, so give explicit versions (the one path allowed is a listing of the same chapter, `../NN-name`, which a reader copies along)"
        )));
    }

    let table = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("book"))
        .and_then(|b| b.as_table())
        .ok_or_else(|| {
            err("no [package.metadata.book] declaration (see listings/README.md)".into())
        })?;
    let (common, claim) =
        parse_declaration(table).map_err(|e| err(format!("[package.metadata.book]: {e}")))?;
    let kind = claim.kind();

    ensure!(
        !common.caption.trim().is_empty(),
        err("`caption` must not be empty".into())
    );
    if let Claim::CompileFail { errors } = &claim {
        ensure!(
            !errors.is_empty() && errors.iter().all(|e| !e.trim().is_empty()),
            err("kind `compile-fail` needs `errors`: the error codes rustc must report (\"E0499\"), none empty".into())
        );
    }
    if matches!(kind, Kind::Service | Kind::Library) {
        ensure!(
            !common.proof.is_empty(),
            err(format!(
                "kind `{}` needs `proof`: the tests (as `cargo test -- --list` names them) that prove what it promises",
                kind.name()
            ))
        );
    }

    let show = dir.join(common.show.as_deref().unwrap_or("src/main.rs"));
    ensure!(
        show.is_file(),
        err(format!("the shown file {} does not exist", ctx.rel(&show)))
    );
    let output = dir.join("output.txt");
    if kind.has_output_file() {
        ensure!(
            output.is_file(),
            err(format!(
                "kind `{}` needs {} (the output shown in the book)",
                kind.name(),
                ctx.rel(&output)
            ))
        );
    } else {
        ensure!(
            !output.exists(),
            err(format!(
                "kind `{}` shows no output; remove {}",
                kind.name(),
                ctx.rel(&output)
            ))
        );
    }
    if let Claim::Bench { results } = &claim {
        let r = dir.join(results);
        ensure!(
            r.is_file(),
            err(format!("the results file {} does not exist", ctx.rel(&r)))
        );
    }
    if claim.loom().is_some() {
        let has_loom = doc
            .get("target")
            .and_then(|t| t.get("cfg(loom)"))
            .and_then(|t| t.get("dependencies"))
            .and_then(|d| d.get("loom"))
            .is_some();
        ensure!(
            has_loom,
            err("declares a loom model but has no [target.'cfg(loom)'.dependencies] loom".into())
        );
    }
    let mut ids = BTreeSet::new();
    for (i, b) in common.breaks.iter().enumerate() {
        let n = i + 1;
        let id = b.id();
        ensure!(
            is_slug(&id),
            err(format!(
                "break {n}: `id = \"{id}\"` must be lowercase words joined by `-` (it names breaks/<id>.txt)"
            ))
        );
        ensure!(
            ids.insert(id.clone()),
            err(format!(
                "break {n} (\"{}\") has the same name as an earlier break (`{id}`), and so the same record file: give one of them an `id`",
                b.does
            ))
        );
        ensure!(
            !b.does.trim().is_empty() && !b.find.is_empty() && b.find != b.replace,
            err(format!(
                "break {n} needs `does`, a non-empty `find`, and a `replace` that differs from it"
            ))
        );
        match &b.fails {
            Fails::Output if !kind.checks_stdout() => bail!(err(format!(
                "break {n}: `fails = \"output\"`, but kind `{}` has no run check; name a test instead",
                kind.name()
            ))),
            Fails::Loom if claim.loom().is_none() => bail!(err(format!(
                "break {n}: `fails = \"loom\"`, but the listing declares no loom model"
            ))),
            _ => {}
        }
        let file = match &b.file {
            Some(f) => dir.join(f),
            None => show.clone(),
        };
        let source = fs_err::read_to_string(&file)
            .map_err(|e| err(format!("break {n}: cannot read the file it edits: {e}")))?;
        let found = source.matches(&b.find).count();
        ensure!(
            found == 1,
            err(format!(
                "break {n} (\"{}\") no longer applies: its `find` text occurs {found} times in {}, it must occur exactly once",
                b.does,
                ctx.rel(&file)
            ))
        );
    }
    if let Ok(entries) = fs_err::read_dir(dir.join("breaks")) {
        for entry in entries.flatten() {
            let name = file_name(&entry.path());
            let known = name.strip_suffix(".txt").is_some_and(|id| ids.contains(id));
            ensure!(
                known,
                err(format!(
                    "breaks/{name} is the record of no break (the breaks are {ids:?}): delete it, or name the break it belongs to with `id`"
                ))
            );
        }
    }
    if !claim.unordered().is_empty() {
        let shown = fs_err::read_to_string(&output).unwrap_or_default();
        crate::expected::validate(claim.unordered(), shown.lines().count())
            .map_err(|e| err(format!("`unordered`: {e}")))?;
    }
    let source = fs_err::read_to_string(&show).unwrap_or_default();
    let fold = match (common.fold, common.fold_all_but) {
        (Some(_), Some(_)) => bail!(err(
            "`fold` and `fold-all-but` exclude each other: name the items to fold, or the ones to keep".into()
        )),
        (Some(items), None) => fold::Spec::Items(items),
        (None, Some(items)) => fold::Spec::AllBut(items),
        (None, None) => fold::Spec::Auto,
    };
    let hidden = fold::folded(&source, &fold).map_err(|e| {
        let key = if matches!(fold, fold::Spec::AllBut(_)) {
            "fold-all-but"
        } else {
            "fold"
        };
        err(format!("`{key}` {e} in {}", ctx.rel(&show)))
    })?;
    if let Some(line) = fold::ambiguous_line(&source, &hidden) {
        bail!(
            "{}:{line}: a visible line starting with `#` and a space (or `##`) would be hidden or changed by rustdoc and mdBook; fold it or rewrite it",
            ctx.rel(&show)
        );
    }
    let rel_dir = format!("listings/{chapter_dir}/{dir_name}");
    if let Some(problem) = wrong_run_hint(&source, package, &rel_dir, kind) {
        bail!("{}: {problem}", ctx.rel(&show));
    }

    let dependencies = doc
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().map(|k| k.replace('-', "_")).collect())
        .unwrap_or_default();

    Ok(Listing {
        id: format!("{chapter_dir}/{dir_name}"),
        dir: dir.to_path_buf(),
        manifest: rel_manifest,
        chapter_dir: chapter_dir.to_string(),
        chapter,
        number,
        package: package.to_string(),
        claim,
        caption: common.caption.trim().to_string(),
        show,
        fixes: common.fixes,
        proof: common.proof,
        breaks: common.breaks,
        dependencies,
        fold,
    })
}

/// Splits the table into the keys every kind has and the kind's own, and reads each part
/// with unknown keys refused: `errors` on a `runs` listing is an error, not ignored.
fn parse_declaration(table: &toml::Table) -> Result<(Common, Claim)> {
    let mut common = toml::Table::new();
    let mut own = toml::Table::new();
    for (k, v) in table {
        if COMMON_KEYS.contains(&k.as_str()) {
            common.insert(k.clone(), v.clone());
        } else {
            own.insert(k.clone(), v.clone());
        }
    }
    let kind = own
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("?")
        .to_string();
    let common: Common = toml::Value::Table(common)
        .try_into()
        .map_err(|e: toml::de::Error| anyhow!("{}", e.message()))?;
    let claim: Claim = toml::Value::Table(own)
        .try_into()
        .map_err(|e: toml::de::Error| anyhow!("kind `{kind}`: {}", e.message()))?;
    Ok((common, claim))
}

/// The header comment tells readers how to run the listing; a `cargo … -p` there must name
/// this very package, and a compile-fail listing (outside the workspace) must be built
/// with `--manifest-path` to its own Cargo.toml.
fn wrong_run_hint(source: &str, package: &str, rel_dir: &str, kind: Kind) -> Option<String> {
    let header = source.lines().take_while(|l| l.starts_with("//"));
    for line in header {
        let Some(cmd) = line.find("cargo ").map(|i| &line[i..]) else {
            continue;
        };
        let words: Vec<&str> = cmd.split_whitespace().collect();
        for pair in words.windows(2) {
            let value = pair[1].trim_matches(['`', ',', ')', '(', ';', '.']);
            match pair[0] {
                "-p" | "--package" if kind == Kind::CompileFail => {
                    return Some(format!(
                        "the header says `{}`, but a compile-fail listing is outside the workspace: use `cargo build --manifest-path {rel_dir}/Cargo.toml`",
                        cmd.trim()
                    ));
                }
                "-p" | "--package" if value != package => {
                    return Some(format!(
                        "the header says `-p {value}`, but this listing is `{package}`"
                    ));
                }
                "--manifest-path" if value != format!("{rel_dir}/Cargo.toml") => {
                    return Some(format!(
                        "the header says `--manifest-path {value}`, but this listing is {rel_dir}/Cargo.toml"
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

/// Finds `workspace = true`, or a `path` dependency on anything but a sibling listing:
/// both break a copied-out listing.
fn find_inheritance(
    v: &toml::Value,
    at: &str,
    is_sibling: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let table = v.as_table()?;
    for (k, v) in table {
        let here = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        if k == "workspace" && v.as_bool() == Some(true) {
            return Some(here);
        }
        if k == "path" && at.contains("dependencies") && !v.as_str().is_some_and(is_sibling) {
            return Some(here);
        }
        if let Some(found) = find_inheritance(v, &here, is_sibling) {
            return Some(found);
        }
    }
    None
}

pub fn is_chapter_dir(name: &str) -> bool {
    let b = name.as_bytes();
    name.len() > 5
        && name.starts_with("ch")
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
        && b[4] == b'-'
}

fn parse_number(dir_name: &str) -> Option<u32> {
    let (num, rest) = dir_name.split_once('-')?;
    let ok = num.len() == 2
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { num.parse().ok() } else { None }
}

fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The set of compile-fail listing folders, as the root Cargo.toml's `exclude` must list them.
pub fn compile_fail_paths(listings: &[Listing]) -> BTreeSet<String> {
    listings
        .iter()
        .filter(|l| l.kind() == Kind::CompileFail)
        .map(|l| l.rel_dir())
        .collect()
}

/// Finds a file's listing, for commands that take `--listing`.
pub fn find<'a>(listings: &'a [Listing], name: &str) -> Result<&'a Listing> {
    listings
        .iter()
        .find(|l| l.package == name || l.id == name || l.id.ends_with(&format!("/{name}")))
        .with_context(|| {
            format!(
                "no listing is named `{name}` (give a package name such as ch01-05-join-handles)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<(Common, Claim)> {
        parse_declaration(&toml::from_str(toml_text).unwrap())
    }

    #[test]
    fn each_kind_takes_only_its_own_keys() {
        let (_, claim) = parse("kind = \"runs\"\ncaption = \"x\"\nunordered = [\"2-3\"]").unwrap();
        assert_eq!(claim.unordered(), &["2-3".parse::<LineRange>().unwrap()]);
        // The old "sorted" comparison proved no order: it is gone.
        let e = parse("kind = \"runs\"\ncaption = \"x\"\nstdout = \"sorted\"").unwrap_err();
        assert!(e.to_string().contains("unknown field `stdout`"), "{e}");
        let e = parse("kind = \"runs\"\ncaption = \"x\"\nerrors = [\"E0499\"]").unwrap_err();
        assert!(e.to_string().contains("unknown field `errors`"), "{e}");
        let e = parse("kind = \"loses-updates\"\ncaption = \"x\"").unwrap_err();
        assert!(e.to_string().contains("missing field `loom`"), "{e}");
        let e = parse("kind = \"sings\"\ncaption = \"x\"").unwrap_err();
        assert!(e.to_string().contains("unknown variant `sings`"), "{e}");
        let e = parse("kind = \"runs\"\ncaption = \"x\"\ncolour = 1").unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn breaks_are_read_with_their_check() {
        let (common, _) = parse(
            "kind = \"runs\"\ncaption = \"x\"\n[[breaks]]\ndoes = \"d\"\nfind = \"a\"\nreplace = \"b\"\nfails = \"test tests::t\"",
        )
        .unwrap();
        assert_eq!(common.breaks[0].fails, Fails::Test("tests::t".into()));
        assert_eq!("loom".parse::<Fails>(), Ok(Fails::Loom));
        assert!("tests::t".parse::<Fails>().is_err());
        assert!("test ".parse::<Fails>().is_err());
    }

    /// Each folder of fixtures/bad-declarations is a listing the harness must refuse, with
    /// the error its expected.txt holds, naming its manifest.
    #[test]
    fn bad_declarations_are_refused_with_a_clear_error() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad-declarations");
        let ctx = Ctx::at(&root).unwrap();
        let chapter = root.join("listings/ch01-cases");
        let cases = sorted_dirs(&chapter).unwrap();
        assert!(cases.len() >= 12, "{cases:?}");
        for case in cases {
            let expected = fs_err::read_to_string(case.join("expected.txt")).unwrap();
            let err = match load_one(&ctx, "ch01-cases", &case) {
                Ok(_) => panic!("{} was accepted", case.display()),
                Err(e) => format!("{e:#}"),
            };
            assert!(
                err.contains(expected.trim()),
                "{}: expected an error containing {expected:?}, got {err:?}",
                case.display()
            );
            let manifest = format!("listings/ch01-cases/{}/Cargo.toml", file_name(&case));
            assert!(
                err.contains(&manifest) || err.contains("src/main.rs"),
                "the error must name the file: {err}"
            );
        }
    }

    #[test]
    fn good_declarations_of_every_kind_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let listings = load_all(&Ctx::at(&root).unwrap()).unwrap();
        let kinds: Vec<Kind> = listings.iter().map(Listing::kind).collect();
        for kind in Kind::ALL {
            assert!(kinds.contains(&kind), "no fixture of kind {kind:?}");
        }
    }

    #[test]
    fn breaks_are_named_for_what_they_do() {
        assert_eq!(
            slug("Forget to `abort` the tasks!"),
            "forget-to-abort-the-tasks"
        );
        assert_eq!(slug("count one CPU too many"), "count-one-cpu-too-many");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
        assert!(is_slug("a-b-1"));
        assert!(!is_slug("A-b") && !is_slug("-a") && !is_slug(""));
    }

    #[test]
    fn listing_folder_names() {
        assert_eq!(parse_number("05-forgetting-to-wait"), Some(5));
        assert_eq!(parse_number("5-x"), None);
        assert_eq!(parse_number("05-Upper"), None);
        assert!(is_chapter_dir("ch01-week7-goroutines"));
        assert!(!is_chapter_dir("chapter1"));
    }

    #[test]
    fn run_hints_must_name_the_listing() {
        let ok = "// Run: cargo run -p ch01-01-x\nfn main() {}";
        assert_eq!(
            wrong_run_hint(ok, "ch01-01-x", "listings/ch01-a/01-x", Kind::Runs),
            None
        );
        let stale = "// Run: cargo run -p ch01-02-old\n";
        assert!(wrong_run_hint(stale, "ch01-01-x", "listings/ch01-a/01-x", Kind::Runs).is_some());
        let cf = "// Run: cargo build -p ch01-01-x (fails)\n";
        assert!(
            wrong_run_hint(cf, "ch01-01-x", "listings/ch01-a/01-x", Kind::CompileFail).is_some()
        );
        let cf_ok = "// Run: cargo build --manifest-path listings/ch01-a/01-x/Cargo.toml (fails)\n";
        assert_eq!(
            wrong_run_hint(
                cf_ok,
                "ch01-01-x",
                "listings/ch01-a/01-x",
                Kind::CompileFail
            ),
            None
        );
    }

    #[test]
    fn inheritance_is_found() {
        let doc: toml::Value =
            toml::from_str("[dependencies]\ntokio = { workspace = true }").unwrap();
        assert_eq!(
            find_inheritance(&doc, "", &|_| false).as_deref(),
            Some("dependencies.tokio.workspace")
        );
        let doc: toml::Value =
            toml::from_str("[dev-dependencies]\nkit = { path = \"../kit\" }").unwrap();
        assert_eq!(
            find_inheritance(&doc, "", &|_| false).as_deref(),
            Some("dev-dependencies.kit.path")
        );
        let doc: toml::Value = toml::from_str("[dependencies]\ntokio = \"1\"").unwrap();
        assert_eq!(find_inheritance(&doc, "", &|_| false), None);
        let doc: toml::Value =
            toml::from_str("[dependencies]\nlib = { path = \"../02-lib\" }").unwrap();
        assert_eq!(find_inheritance(&doc, "", &|p| p == "../02-lib"), None);
    }
}
