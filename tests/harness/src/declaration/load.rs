//! Loading a listing folder and validating it, one small function per rule. Every
//! problem names the file at fault and what to do.

use super::claim::{Common, parse_declaration};
use super::rules::{find_inheritance, wrong_run_hint};
use super::{Break, Claim, Fails, Kind, Listing};
use crate::context::Ctx;
use crate::files::{file_name, sorted_dirs};
use crate::fold;
use anyhow::{Result, anyhow, bail, ensure};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// A listing folder being read: where it is, and its manifest, which every error names.
struct Folder<'a> {
    ctx: &'a Ctx,
    dir: &'a Path,
    rel_manifest: PathBuf,
}

impl Folder<'_> {
    /// An error naming the manifest.
    fn err(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{}: {msg}", self.rel_manifest.display())
    }

    fn rel(&self, p: &Path) -> String {
        self.ctx.rel(p)
    }
}

/// Reads one listing folder.
pub fn load_one(ctx: &Ctx, chapter_dir: &str, dir: &Path) -> Result<Listing> {
    let manifest = dir.join("Cargo.toml");
    let at = Folder {
        ctx,
        dir,
        rel_manifest: PathBuf::from(ctx.rel(&manifest)),
    };
    let text = fs_err::read_to_string(&manifest)
        .map_err(|e| at.err(format!("every listing folder needs a Cargo.toml ({e})")))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| at.err(format!("not valid TOML: {e}")))?;

    let dir_name = file_name(dir);
    let number = parse_number(&dir_name).ok_or_else(|| {
        at.err(format!(
            "listing folder `{dir_name}` must be named NN-what-it-shows (two digits, lowercase words)"
        ))
    })?;
    let chapter: u32 = chapter_dir[2..4]
        .parse()
        .expect("checked by is_chapter_dir");
    let package = check_package(&at, &doc, &format!("{}-{dir_name}", &chapter_dir[..4]))?;
    check_no_inheritance(&at, &doc)?;
    let (common, claim) = read_declaration(&at, &doc)?;
    check_claim(&at, &common, &claim)?;
    let show = dir.join(common.show.as_deref().unwrap_or("src/main.rs"));
    check_files(&at, &doc, &claim, &show)?;
    let ids = check_breaks(&at, &common.breaks, &claim, &show)?;
    check_records(&at, &ids)?;
    check_unordered(&at, &claim)?;
    let rel_dir = format!("listings/{chapter_dir}/{dir_name}");
    let fold = check_source(&at, &common, &show, &package, &rel_dir, claim.kind())?;

    Ok(Listing {
        id: format!("{chapter_dir}/{dir_name}"),
        dir: dir.to_path_buf(),
        manifest: at.rel_manifest,
        chapter_dir: chapter_dir.to_string(),
        chapter,
        number,
        package,
        claim,
        caption: common.caption.trim().to_string(),
        show,
        fixes: common.fixes,
        proof: common.proof,
        breaks: common.breaks,
        dependencies: dependencies(&doc),
        fold,
    })
}

/// The package is named for its folder and says which Rust it needs.
fn check_package(at: &Folder, doc: &toml::Table, want: &str) -> Result<String> {
    let package = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| at.err("no [package] name"))?;
    ensure!(
        package == want,
        at.err(format!("package name is `{package}`, must be `{want}`"))
    );
    ensure!(
        doc.get("package")
            .and_then(|p| p.get("rust-version"))
            .and_then(|v| v.as_str())
            .is_some(),
        at.err("[package] needs `rust-version`: the oldest Rust a reader can build it with (\"1.85\" for edition 2024; clippy's incompatible_msrv lint holds the std APIs to it)")
    );
    Ok(package.to_string())
}

/// Nothing in the manifest ties the listing to this repository.
fn check_no_inheritance(at: &Folder, doc: &toml::Table) -> Result<()> {
    let is_sibling = |path: &str| {
        path.strip_prefix("../").is_some_and(|name| {
            parse_number(name).is_some()
                && at
                    .dir
                    .parent()
                    .is_some_and(|c| c.join(name).join("Cargo.toml").is_file())
        })
    };
    if let Some(path) = find_inheritance(&toml::Value::Table(doc.clone()), "", &is_sibling) {
        bail!(at.err(format!(
            "`{path}` ties the listing to this repository; a listing must build when copied out, so give explicit versions (the one path allowed is a listing of the same chapter, `../NN-name`, which a reader copies along)"
        )));
    }
    Ok(())
}

/// The `[package.metadata.book]` table, read.
fn read_declaration(at: &Folder, doc: &toml::Table) -> Result<(Common, Claim)> {
    let table = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("book"))
        .and_then(|b| b.as_table())
        .ok_or_else(|| at.err("no [package.metadata.book] declaration (see listings/README.md)"))?;
    parse_declaration(table).map_err(|e| at.err(format!("[package.metadata.book]: {e}")))
}

/// What the declaration must say beyond its schema: a caption, errors for compile-fail,
/// proof for the kinds proved by tests.
fn check_claim(at: &Folder, common: &Common, claim: &Claim) -> Result<()> {
    let kind = claim.kind();
    ensure!(
        !common.caption.trim().is_empty(),
        at.err("`caption` must not be empty")
    );
    if let Claim::CompileFail { errors } = claim {
        ensure!(
            !errors.is_empty() && errors.iter().all(|e| !e.trim().is_empty()),
            at.err("kind `compile-fail` needs `errors`: the error codes rustc must report (\"E0499\"), none empty")
        );
    }
    if kind.facts().proved_by_tests {
        ensure!(
            !common.proof.is_empty(),
            at.err(format!(
                "kind `{}` needs `proof`: the tests (as `cargo test -- --list` names them) that prove what it promises",
                kind.name()
            ))
        );
    }
    Ok(())
}

/// The files the kind needs exist, and the ones it must not have don't.
fn check_files(at: &Folder, doc: &toml::Table, claim: &Claim, show: &Path) -> Result<()> {
    let kind = claim.kind();
    ensure!(
        show.is_file(),
        at.err(format!("the shown file {} does not exist", at.rel(show)))
    );
    let output = at.dir.join("output.txt");
    if kind.has_output_file() {
        ensure!(
            output.is_file(),
            at.err(format!(
                "kind `{}` needs {} (the output shown in the book)",
                kind.name(),
                at.rel(&output)
            ))
        );
    } else {
        ensure!(
            !output.exists(),
            at.err(format!(
                "kind `{}` shows no output; remove {}",
                kind.name(),
                at.rel(&output)
            ))
        );
    }
    if let Claim::Bench { results, chart } = claim {
        let r = at.dir.join(results);
        ensure!(
            r.is_file(),
            at.err(format!("the results file {} does not exist", at.rel(&r)))
        );
        if let Some(chart) = chart {
            let c = at.dir.join(chart);
            ensure!(
                c.is_file() && chart.ends_with(".svg"),
                at.err(format!("the chart {} is not an SVG file", at.rel(&c)))
            );
        }
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
            at.err("declares a loom model but has no [target.'cfg(loom)'.dependencies] loom")
        );
    }
    Ok(())
}

/// Every break is well named, unique, an actual edit, aimed at a check the listing has,
/// and still applies (its `find` occurs exactly once). Returns their ids.
fn check_breaks(
    at: &Folder,
    breaks: &[Break],
    claim: &Claim,
    show: &Path,
) -> Result<BTreeSet<String>> {
    let mut ids = BTreeSet::new();
    for (i, b) in breaks.iter().enumerate() {
        let n = i + 1;
        let id = b.id();
        ensure!(
            super::breaks::is_slug(&id),
            at.err(format!(
                "break {n}: `id = \"{id}\"` must be lowercase words joined by `-` (it names breaks/<id>.txt)"
            ))
        );
        ensure!(
            ids.insert(id.clone()),
            at.err(format!(
                "break {n} (\"{}\") has the same name as an earlier break (`{id}`), and so the same record file: give one of them an `id`",
                b.does
            ))
        );
        check_break(at, n, b, claim, show)?;
    }
    Ok(ids)
}

/// One break's edit and target check (see [`check_breaks`]).
fn check_break(at: &Folder, n: usize, b: &Break, claim: &Claim, show: &Path) -> Result<()> {
    let kind = claim.kind();
    ensure!(
        !b.does.trim().is_empty() && !b.find.is_empty() && b.find != b.replace,
        at.err(format!(
            "break {n} needs `does`, a non-empty `find`, and a `replace` that differs from it"
        ))
    );
    match &b.fails {
        Fails::Output if !kind.checks_stdout() => bail!(at.err(format!(
            "break {n}: `fails = \"output\"`, but kind `{}` has no run check; name a test instead",
            kind.name()
        ))),
        Fails::Loom if claim.loom().is_none() => bail!(at.err(format!(
            "break {n}: `fails = \"loom\"`, but the listing declares no loom model"
        ))),
        _ => {}
    }
    let file = match &b.file {
        Some(f) => at.dir.join(f),
        None => show.to_path_buf(),
    };
    let source = fs_err::read_to_string(&file)
        .map_err(|e| at.err(format!("break {n}: cannot read the file it edits: {e}")))?;
    let found = source.matches(&b.find).count();
    ensure!(
        found == 1,
        at.err(format!(
            "break {n} (\"{}\") no longer applies: its `find` text occurs {found} times in {}, it must occur exactly once",
            b.does,
            at.rel(&file)
        ))
    );
    Ok(())
}

/// Every file in `breaks/` is the record of a break.
fn check_records(at: &Folder, ids: &BTreeSet<String>) -> Result<()> {
    if let Ok(entries) = fs_err::read_dir(at.dir.join("breaks")) {
        for entry in entries.flatten() {
            let name = file_name(&entry.path());
            let known = name.strip_suffix(".txt").is_some_and(|id| ids.contains(id));
            ensure!(
                known,
                at.err(format!(
                    "breaks/{name} is the record of no break (the breaks are {ids:?}): delete it, or name the break it belongs to with `id`"
                ))
            );
        }
    }
    Ok(())
}

/// The `unordered` line ranges fit the output shown.
fn check_unordered(at: &Folder, claim: &Claim) -> Result<()> {
    if !claim.unordered().is_empty() {
        let shown = fs_err::read_to_string(at.dir.join("output.txt")).unwrap_or_default();
        crate::expected::validate(claim.unordered(), shown.lines().count())
            .map_err(|e| at.err(format!("`unordered`: {e}")))?;
    }
    Ok(())
}

/// The shown file folds as declared, shows no line rustdoc would eat, and its header's
/// run command names this listing. Returns what the book folds.
fn check_source(
    at: &Folder,
    common: &Common,
    show: &Path,
    package: &str,
    rel_dir: &str,
    kind: Kind,
) -> Result<fold::Spec> {
    let source = fs_err::read_to_string(show).unwrap_or_default();
    let fold = match (&common.fold, &common.fold_all_but) {
        (Some(_), Some(_)) => bail!(at.err(
            "`fold` and `fold-all-but` exclude each other: name the items to fold, or the ones to keep"
        )),
        (Some(items), None) => fold::Spec::Items(items.clone()),
        (None, Some(items)) => fold::Spec::AllBut(items.clone()),
        (None, None) => fold::Spec::Auto,
    };
    let hidden = fold::folded(&source, &fold).map_err(|e| {
        let key = if matches!(fold, fold::Spec::AllBut(_)) {
            "fold-all-but"
        } else {
            "fold"
        };
        at.err(format!("`{key}` {e} in {}", at.rel(show)))
    })?;
    if let Some(line) = fold::ambiguous_line(&source, &hidden) {
        bail!(
            "{}:{line}: a visible line starting with `#` and a space (or `##`) would be hidden or changed by rustdoc and mdBook; fold it or rewrite it",
            at.rel(show)
        );
    }
    if let Some(problem) = wrong_run_hint(&source, package, rel_dir, kind) {
        bail!("{}: {problem}", at.rel(show));
    }
    Ok(fold)
}

/// Crate names (`tokio_util`) of the normal dependencies.
fn dependencies(doc: &toml::Table) -> Vec<String> {
    doc.get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().map(|k| k.replace('-', "_")).collect())
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn listing_folder_names() {
        assert_eq!(parse_number("05-forgetting-to-wait"), Some(5));
        assert_eq!(parse_number("5-x"), None);
        assert_eq!(parse_number("05-Upper"), None);
        assert!(is_chapter_dir("ch01-week7-goroutines"));
        assert!(!is_chapter_dir("chapter1"));
    }
}
