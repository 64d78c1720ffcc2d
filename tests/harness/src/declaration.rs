//! The listing declarations: one `[package.metadata.book]` table per listing crate, the
//! single source of the caption, badge, code-block attributes and checks.

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// What a listing demonstrates. Each kind fixes the badge, the doctest attributes and the
/// check the test command runs (see listings/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Runs,
    CompileFail,
    Panics,
    ExitsEarly,
    Leaks,
    LosesUpdates,
    Deadlocks,
    Bench,
    Service,
    Library,
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

    /// Whether the Rust Playground can run it as shown: a service waits for signals, a
    /// library has nothing to run, a benchmark needs a release build and a quiet machine,
    /// and a deadlock never ends. (mdBook's own script also hides the Run button where a
    /// listing needs a crate the Playground does not have.)
    pub fn runs_on_playground(self) -> bool {
        !matches!(
            self,
            Kind::Service | Kind::Library | Kind::Bench | Kind::Deadlocks
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Runs => "runs",
            Kind::CompileFail => "compile-fail",
            Kind::Panics => "panics",
            Kind::ExitsEarly => "exits-early",
            Kind::Leaks => "leaks",
            Kind::LosesUpdates => "loses-updates",
            Kind::Deadlocks => "deadlocks",
            Kind::Bench => "bench",
            Kind::Service => "service",
            Kind::Library => "library",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Kind::Runs => "runs",
            Kind::CompileFail => "does not compile",
            Kind::Panics => "panics",
            Kind::ExitsEarly => "exits early",
            Kind::Leaks => "leaks",
            Kind::LosesUpdates => "loses updates",
            Kind::Deadlocks => "deadlocks",
            Kind::Bench => "benchmark",
            Kind::Service => "service",
            Kind::Library => "library",
        }
    }

    /// What the test command proves for this kind, shown as the badge's tooltip.
    pub fn proof(self) -> &'static str {
        match self {
            Kind::Runs => "Checked: exits 0 and prints exactly the output shown.",
            Kind::CompileFail => "Checked: rustc rejects it with exactly these error codes.",
            Kind::Panics => "Checked: exits with status 101 and this panic message.",
            Kind::ExitsEarly => {
                "Checked: exits 0 having lost the work; the output shows what is missing."
            }
            Kind::Leaks => "Checked: the live thread/task count it prints stays above zero.",
            Kind::LosesUpdates => {
                "Checked: a loom model finds an interleaving that loses an update."
            }
            Kind::Deadlocks => "Checked: a loom model reports the deadlock.",
            Kind::Bench => {
                "Checked: builds and measures the rows shown; the figures come from a real run."
            }
            Kind::Service => {
                "Checked: its tests start the real binary, signal it and check how it shuts down."
            }
            Kind::Library => "Checked: its tests and documentation examples pass.",
        }
    }

    /// Kinds whose binary the test command runs and whose stdout it compares.
    pub fn checks_stdout(self) -> bool {
        matches!(
            self,
            Kind::Runs | Kind::Panics | Kind::ExitsEarly | Kind::Leaks
        )
    }

    /// Kinds that show the expected output (or compiler errors) from `output.txt`.
    pub fn has_output_file(self) -> bool {
        self.checks_stdout() || self == Kind::CompileFail
    }

    /// rustdoc attributes for the code block, after `rust`.
    pub fn fence_attributes(self, errors: &[String]) -> Vec<String> {
        match self {
            Kind::CompileFail => std::iter::once("compile_fail".to_string())
                .chain(errors.iter().filter(|e| is_error_code(e)).cloned())
                .collect(),
            Kind::Panics => vec!["should_panic".into()],
            // A deadlock never returns, a benchmark takes seconds and a service runs until
            // it is signalled: compile them, don't run them.
            Kind::Deadlocks | Kind::Bench | Kind::Service => vec!["no_run".into()],
            _ => vec![],
        }
    }
}

pub fn is_error_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with('E') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum StdoutMode {
    #[default]
    Exact,
    Sorted,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Declaration {
    kind: Kind,
    caption: String,
    show: Option<String>,
    stdout: Option<StdoutMode>,
    #[serde(default)]
    errors: Vec<String>,
    panic: Option<String>,
    loom: Option<String>,
    fixes: Option<String>,
    results: Option<String>,
    #[serde(default)]
    proof: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Listing {
    /// `ch01-week7-goroutines/05-forgetting-to-wait`: what `{{#listing}}` names.
    pub id: String,
    pub dir: PathBuf,
    pub manifest: PathBuf,
    pub chapter_dir: String,
    pub chapter: u32,
    pub number: u32,
    pub package: String,
    pub kind: Kind,
    pub caption: String,
    pub show: PathBuf,
    pub stdout: StdoutMode,
    pub errors: Vec<String>,
    pub panic: Option<String>,
    pub loom: Option<String>,
    pub fixes: Option<String>,
    pub results: Option<PathBuf>,
    /// Tests of the crate that prove its claim: each must exist (and `cargo test` passes).
    pub proof: Vec<String>,
    /// Crate names (`tokio_util`) of the normal dependencies, for `extern crate` lines.
    pub dependencies: Vec<String>,
}

impl Listing {
    pub fn label(&self) -> String {
        format!("{}-{}", self.chapter, self.number)
    }

    pub fn output_file(&self) -> PathBuf {
        self.dir.join("output.txt")
    }

    /// The path a reader copies, relative to the repository root.
    pub fn rel_dir(&self) -> String {
        format!("listings/{}", self.id)
    }

    /// How a reader runs it from the repository root.
    pub fn run_command(&self) -> String {
        match self.kind {
            // Excluded from the workspace, so `-p` can't find it: build the crate directly.
            Kind::CompileFail => {
                format!("cargo build --manifest-path {}/Cargo.toml", self.rel_dir())
            }
            Kind::Bench => format!("cargo run --release -p {}", self.package),
            Kind::Library => format!("cargo test -p {}", self.package),
            _ => format!("cargo run -p {}", self.package),
        }
    }
}

/// Loads and validates every listing under `root/listings`. Every problem found is
/// reported, each naming the file at fault.
pub fn load_all(root: &Path) -> Result<Vec<Listing>> {
    let mut listings = Vec::new();
    let mut problems = Vec::new();
    for chapter in sorted_dirs(&root.join("listings"))? {
        let chapter_dir = file_name(&chapter);
        if !is_chapter_dir(&chapter_dir) {
            problems.push(format!(
                "{}: a listings folder must be named chNN-<chapter> (like src/chNN-<chapter>/)",
                crate::rel(&chapter)
            ));
            continue;
        }
        for dir in sorted_dirs(&chapter)? {
            match load_one(root, &chapter_dir, &dir) {
                Ok(listing) => listings.push(listing),
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
    }
    for l in &listings {
        if let Some(f) = &l.fixes {
            let target = format!("{}/{f}", l.chapter_dir);
            if !listings.iter().any(|o| o.id == target) {
                problems.push(format!(
                    "{}: `fixes = \"{f}\"` names no listing (looked for listings/{target})",
                    l.manifest.display()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(listings)
    } else {
        bail!("{}", problems.join("\n"))
    }
}

fn load_one(root: &Path, chapter_dir: &str, dir: &Path) -> Result<Listing> {
    let manifest = dir.join("Cargo.toml");
    let rel_manifest = manifest
        .strip_prefix(root)
        .unwrap_or(&manifest)
        .to_path_buf();
    let err = |msg: String| anyhow!("{}: {msg}", rel_manifest.display());
    let text = fs::read_to_string(&manifest)
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

    let decl = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("book"))
        .ok_or_else(|| {
            err("no [package.metadata.book] declaration (see listings/README.md)".into())
        })?;
    let decl: Declaration = decl
        .clone()
        .try_into()
        .map_err(|e| err(format!("[package.metadata.book]: {e}")))?;

    let kind = decl.kind;
    let needs = |cond: bool, key: &str| -> Result<()> {
        if cond {
            Ok(())
        } else {
            Err(err(format!("kind `{}` {key}", kind.name())))
        }
    };
    needs(
        !decl.caption.trim().is_empty(),
        "needs a non-empty `caption`",
    )?;
    needs(
        (kind == Kind::CompileFail) != decl.errors.is_empty(),
        "and `errors` go together: compile-fail needs the error codes, other kinds must not have them",
    )?;
    needs(
        (kind == Kind::Panics) == decl.panic.is_some(),
        "and `panic` go together: panics needs the message, other kinds must not have it",
    )?;
    needs(
        (kind == Kind::Bench) == decl.results.is_some(),
        "and `results` go together: bench needs its results file, other kinds must not have one",
    )?;
    needs(
        !matches!(kind, Kind::LosesUpdates | Kind::Deadlocks) || decl.loom.is_some(),
        "needs `loom`: the model test that proves it",
    )?;
    needs(
        kind != Kind::CompileFail || decl.loom.is_none(),
        "cannot have a loom model: it does not compile",
    )?;
    needs(
        kind.checks_stdout() || decl.stdout.is_none(),
        "does not compare stdout, so `stdout` means nothing here",
    )?;

    let show = dir.join(decl.show.as_deref().unwrap_or("src/main.rs"));
    ensure!(
        show.is_file(),
        err(format!(
            "the shown file {} does not exist",
            crate::rel(&show)
        ))
    );
    let output = dir.join("output.txt");
    if kind.has_output_file() {
        ensure!(
            output.is_file(),
            err(format!(
                "kind `{}` needs {} (the output shown in the book)",
                kind.name(),
                crate::rel(&output)
            ))
        );
    } else {
        ensure!(
            !output.exists(),
            err(format!(
                "kind `{}` shows no output; remove {}",
                kind.name(),
                crate::rel(&output)
            ))
        );
    }
    let results = decl.results.map(|r| dir.join(r));
    if let Some(r) = &results {
        ensure!(
            r.is_file(),
            err(format!("the results file {} does not exist", crate::rel(r)))
        );
    }
    if decl.loom.is_some() {
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
    for e in &decl.errors {
        ensure!(
            !e.trim().is_empty(),
            err("an empty entry in `errors`".into())
        );
    }
    let source = fs::read_to_string(&show).unwrap_or_default();
    let rel_dir = format!("listings/{chapter_dir}/{dir_name}");
    if let Some(problem) = wrong_run_hint(&source, package, &rel_dir, kind) {
        bail!("{}: {problem}", crate::rel(&show));
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
        kind,
        caption: decl.caption.trim().to_string(),
        show,
        stdout: decl.stdout.unwrap_or_default(),
        errors: decl.errors,
        panic: decl.panic,
        loom: decl.loom,
        fixes: decl.fixes,
        results,
        proof: decl.proof,
        dependencies,
    })
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
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", crate::rel(dir)))?
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

/// The `{{#listing id}}` directives in a chapter's Markdown, with their line numbers.
/// `\{{#listing …}}` is an escaped, literal directive and is skipped.
pub fn directives(markdown: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in markdown.lines().enumerate() {
        let mut rest = line;
        while let Some(pos) = rest.find("{{#listing") {
            let escaped = rest[..pos].ends_with('\\');
            let after = &rest[pos + "{{#listing".len()..];
            let Some(end) = after.find("}}") else { break };
            if !escaped {
                found.push((i + 1, after[..end].trim().to_string()));
            }
            rest = &after[end + 2..];
        }
    }
    found
}

/// The set of compile-fail listing folders, as the root Cargo.toml's `exclude` must list them.
pub fn compile_fail_paths(listings: &[Listing]) -> BTreeSet<String> {
    listings
        .iter()
        .filter(|l| l.kind == Kind::CompileFail)
        .map(|l| l.rel_dir())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_and_escapes_skipped() {
        let md = "text\n{{#listing ch01-a/01-x}}\n\\{{#listing ch01-a/02-y}}\n";
        assert_eq!(directives(md), vec![(2, "ch01-a/01-x".to_string())]);
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
