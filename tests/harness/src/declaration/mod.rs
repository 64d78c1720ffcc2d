//! What each listing claims: its `[package.metadata.book]` table, read into types that
//! make an invalid declaration unwritable (each kind carries only its own fields), plus
//! its breaks. The single source of the caption, badge, code-block attributes, checks and
//! "Break it" boxes.
//!
//! `kind` is the one table of kinds; `claim` the declaration schema and its parsing;
//! `breaks` the breaks, their ids and `Fails`; `load` reads and validates a listing
//! folder in small steps, with `rules` for the two rules a copied-out listing needs.

mod breaks;
mod claim;
mod kind;
mod load;
mod rules;

pub use breaks::{Break, Fails};
pub use claim::Claim;
pub use kind::{BugProof, Kind, LoomVerdict};
pub use load::{load_all, load_each};

use crate::fold;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub fn is_error_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with('E') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

pub use crate::expected::LineRange;

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
            Claim::Bench { results, .. } => Some(self.dir.join(results)),
            Claim::Runs { .. }
            | Claim::CompileFail { .. }
            | Claim::Panics { .. }
            | Claim::ExitsEarly { .. }
            | Claim::Leaks { .. }
            | Claim::LosesUpdates { .. }
            | Claim::Deadlocks { .. }
            | Claim::Service { .. }
            | Claim::Library { .. } => None,
        }
    }

    /// The chart a benchmark declares, drawn from its results in the same run.
    pub fn chart_file(&self) -> Option<PathBuf> {
        match &self.claim {
            Claim::Bench { chart, .. } => chart
                .as_ref()
                .map(|c| crate::files::lexical(&self.dir.join(c))),
            Claim::Runs { .. }
            | Claim::CompileFail { .. }
            | Claim::Panics { .. }
            | Claim::ExitsEarly { .. }
            | Claim::Leaks { .. }
            | Claim::LosesUpdates { .. }
            | Claim::Deadlocks { .. }
            | Claim::Service { .. }
            | Claim::Library { .. } => None,
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
            // Its program may never return: what a reader runs is the loom model.
            Kind::Deadlocks => format!(
                "RUSTFLAGS=\"--cfg loom\" cargo test --release -p {}",
                self.package
            ),
            Kind::Runs
            | Kind::Panics
            | Kind::ExitsEarly
            | Kind::Leaks
            | Kind::LosesUpdates
            | Kind::Service => format!("cargo run -p {}", self.package),
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
            // What a reader can see of a schedule: the failure loom reports, or for a
            // passing model the count loom logs.
            Fails::Schedule if self.kind().facts().loom == LoomVerdict::Passes => format!(
                "LOOM_LOG=loom::model=info RUSTFLAGS=\"--cfg loom\" cargo test --release -- --exact {} --nocapture",
                self.claim.loom().unwrap_or_default()
            ),
            Fails::Schedule => self.own_check_command(&Fails::Loom),
            Fails::Test(name) => format!("cargo test -- --exact {name}"),
        }
    }
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
