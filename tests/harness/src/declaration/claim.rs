//! The claim schema: the `[package.metadata.book]` table, read into types that make an
//! invalid declaration unwritable (each kind carries only its own fields).

use super::{Break, Kind, LineRange};
use anyhow::{Result, anyhow};
use serde::Deserialize;

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
    /// A quick run measures the rows of the committed results table; the chart the page
    /// shows, drawn in the same run (an SVG, relative to the crate), draws those results.
    Bench {
        results: String,
        chart: Option<String>,
    },
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

    /// The mutation testing a library declares, if any.
    pub fn mutants(&self) -> Option<&Mutants> {
        match self {
            Claim::Library { mutants, .. } => mutants.as_ref(),
            Claim::Runs { .. }
            | Claim::CompileFail { .. }
            | Claim::Panics { .. }
            | Claim::ExitsEarly { .. }
            | Claim::Leaks { .. }
            | Claim::LosesUpdates { .. }
            | Claim::Deadlocks { .. }
            | Claim::Bench { .. }
            | Claim::Service { .. } => None,
        }
    }

    /// The errors a compile-fail listing declares (none for any other kind).
    pub fn errors(&self) -> &[String] {
        match self {
            Claim::CompileFail { errors } => errors,
            Claim::Runs { .. }
            | Claim::Panics { .. }
            | Claim::ExitsEarly { .. }
            | Claim::Leaks { .. }
            | Claim::LosesUpdates { .. }
            | Claim::Deadlocks { .. }
            | Claim::Bench { .. }
            | Claim::Service { .. }
            | Claim::Library { .. } => &[],
        }
    }
}

/// The keys every kind may have; the rest belong to the kind (see [`Claim`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Common {
    pub(super) caption: String,
    pub(super) show: Option<String>,
    pub(super) fixes: Option<String>,
    #[serde(default)]
    pub(super) proof: Vec<String>,
    #[serde(default)]
    pub(super) breaks: Vec<Break>,
    /// Items of the shown file to fold (`"fn print_chart"`), beyond tests and loom scaffolding.
    pub(super) fold: Option<Vec<String>>,
    /// Or: fold every item but these (a benchmark's measuring core).
    #[serde(rename = "fold-all-but")]
    pub(super) fold_all_but: Option<Vec<String>>,
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

/// Splits the table into the keys every kind has and the kind's own, and reads each part
/// with unknown keys refused: `errors` on a `runs` listing is an error, not ignored.
pub(super) fn parse_declaration(table: &toml::Table) -> Result<(Common, Claim)> {
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

#[cfg(test)]
mod tests {
    use super::super::Fails;
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
}
