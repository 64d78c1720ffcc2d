//! The citations step: every `{{#cite ITEM "PHRASE"}}` in every page names an item that
//! exists at the version the book builds with (crates as `cargo metadata` resolves them,
//! std as the toolchain documents it, Go as `$GOROOT/src` has it), the phrase is in that
//! item's documentation or source, and the same phrase with a word appended is not (else
//! the lookup is too loose to prove anything). The link readers get must be the item's
//! own page. The step ends with the citations per chapter and the paragraphs that name a
//! Tokio, std or Go item in inline code with no citation, listing or reference (reported,
//! not failed: judged by reading); the full lists are written under `target/citations/`,
//! `failures.txt` among them, which the weekly job shows.

mod key;
mod uncited;

use super::{Problems, Run};
use crate::cache::{self, Passed};
use crate::cite::go_src::GoSources;
use crate::cite::parse::{self, Citation};
use crate::cite::render::Linker;
use crate::cite::rust_src::Crates;
use crate::cite::std_html::StdDocs;
use crate::cite::{GO_VERSION, Item, Resolved, altered};
use crate::context::Ctx;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use uncited::uncited_paragraphs;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let dir = ctx.target().join("citations");
    let mut problems = Vec::new();
    let book = read_pages(ctx, &mut problems)?;
    let go = if book
        .citations
        .iter()
        .any(|(_, c)| matches!(c.item, Item::Go { .. }))
    {
        find_go(&mut problems)?
    } else {
        None
    };
    let mut passed = Passed::load(ctx, "citations", !run.options.no_cache);
    let key = cache::key("citations", &key::inputs(ctx, go.as_ref()));
    let lists = ["citations.txt", "failures.txt", "uncited.txt"];
    if problems.is_empty() && passed.hit(&key) && lists.iter().all(|f| dir.join(f).is_file()) {
        // The lists under target/citations are the ones the passing run wrote.
        summary(ctx, &book, &[], &dir);
        say!(
            "  the pages and the sources their citations are looked up in are unchanged since every citation last passed: not looked up again"
        );
        passed.save(run.options.is_full())?;
        return Ok(problems);
    }
    // A failed run must not leave last run's list for the weekly summary to show.
    let _ = fs_err::remove_file(dir.join("failures.txt"));
    let mut lookups = Lookups::new(ctx, &book.citations, go)?;
    let mut failures = Vec::new();
    for (page, c) in &book.citations {
        if let Some(f) = lookups.check(page, c)? {
            failures.push(f);
        }
    }
    write_lists(&dir, &lookups.report, &failures, &book.uncited)?;
    summary(ctx, &book, &failures, &dir);

    problems.extend(failures);
    if !lookups.not_run.is_empty() {
        let what = lookups
            .not_run
            .iter()
            .map(|(k, n)| format!("{n} citation(s) of {k}"))
            .collect::<Vec<_>>()
            .join(", ");
        if problems.is_empty() {
            return Err(crate::NotRun(format!("{what} not checked")).into());
        }
        problems.push(format!("also NOT RUN: {what} not checked"));
    }
    if problems.is_empty() {
        passed.pass(key)?;
    }
    passed.save(run.options.is_full())?;
    Ok(problems)
}

/// The book's pages, their citations and their uncited statements.
struct Book {
    pages: Vec<PathBuf>,
    citations: Vec<(String, Citation)>,
    uncited: Vec<(String, usize, String)>,
}

/// Reads every page; a citation written wrong is a problem.
fn read_pages(ctx: &Ctx, problems: &mut Problems) -> Result<Book> {
    let mut pages = Vec::new();
    markdown_files(&ctx.src, &mut pages)?;
    pages.sort();
    let mut citations: Vec<(String, Citation)> = Vec::new();
    let mut uncited: Vec<(String, usize, String)> = Vec::new();
    for path in &pages {
        let page = ctx.rel(path);
        let text = fs_err::read_to_string(path)?;
        let parsed = parse::parse(&text);
        for e in parsed.errors {
            problems.push(format!("{page}:{}: {}", e.line, e.message));
        }
        citations.extend(parsed.citations.into_iter().map(|c| (page.clone(), c)));
        uncited.extend(
            uncited_paragraphs(&text)
                .into_iter()
                .map(|(line, names)| (page.clone(), line, names)),
        );
    }
    Ok(Book {
        pages,
        citations,
        uncited,
    })
}

/// The sources citations are looked up in, what was looked up, and what could not be.
struct Lookups {
    crates: Option<Crates>,
    std_docs: StdDocs,
    go: Option<GoSources>,
    linker: Linker,
    /// Citations not checked here, by what is missing.
    not_run: BTreeMap<&'static str, usize>,
    /// `page:line, item, where found, url, phrase` for each citation found.
    report: String,
    /// Items cited again are looked up once (the error as text: it is reported each time).
    resolved: HashMap<String, Result<Resolved, String>>,
    links: HashMap<String, String>,
}

impl Lookups {
    /// Loads the sources the citations need (crates only if cited; Go as found, if cited).
    fn new(ctx: &Ctx, citations: &[(String, Citation)], go: Option<GoSources>) -> Result<Self> {
        let crates = if citations
            .iter()
            .any(|(_, c)| matches!(c.item, Item::Crate { .. }))
        {
            Some(Crates::from_metadata(&ctx.root)?)
        } else {
            None
        };
        let std_docs = StdDocs::find()?;
        Ok(Lookups {
            crates,
            std_docs,
            go,
            linker: Linker::new(&ctx.root)?,
            not_run: BTreeMap::new(),
            report: String::new(),
            resolved: HashMap::new(),
            links: HashMap::new(),
        })
    }

    /// The item looked up, and the version it was looked up at; None if its sources are
    /// not here (counted in `not_run`).
    fn resolve(&mut self, c: &Citation) -> Option<(Result<Resolved, String>, String)> {
        match &c.item {
            Item::Crate { krate, path } => {
                let crates = self.crates.as_ref().expect("loaded for crate citations");
                let version = crates
                    .get(krate)
                    .map_or_else(|| krate.clone(), |i| format!("{} {}", i.package, i.version));
                Some((
                    lookup(&mut self.resolved, c, || crates.resolve(krate, path)),
                    version,
                ))
            }
            Item::Std { path } => {
                if !self.std_docs.installed() {
                    *self
                        .not_run
                        .entry("std (no rust-docs component)")
                        .or_default() += 1;
                    return None;
                }
                let std_docs = &self.std_docs;
                Some((
                    lookup(&mut self.resolved, c, || std_docs.resolve(path)),
                    format!("Rust {}", std_docs.version),
                ))
            }
            Item::Go { package, idents } => match &self.go {
                Some(go) => Some((
                    lookup(&mut self.resolved, c, || go.resolve(package, idents)),
                    go.version.clone(),
                )),
                None => {
                    *self.not_run.entry("Go (no `go` here)").or_default() += 1;
                    None
                }
            },
        }
    }

    /// What is wrong with one citation, if anything.
    fn check(&mut self, page: &str, c: &Citation) -> Result<Option<String>> {
        let at = format!("{page}:{}: `{}`", c.line, c.written);
        let Some((resolved, version)) = self.resolve(c) else {
            return Ok(None);
        };
        let phrase = c.phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        let r = match resolved {
            Err(e) => return Ok(Some(format!("{at}: not found at {version}: {e}"))),
            Ok(r) => r,
        };
        let Some(found) = r.find(&c.phrase) else {
            return Ok(Some(not_found(&at, &phrase, &version, &r, c)));
        };
        let loose = r.find(&altered(&c.phrase)).is_some();
        let linker = &self.linker;
        let link = self
            .links
            .entry(c.written.clone())
            .or_insert_with(|| linker.link(&c.item, &c.written).url)
            .clone();
        writeln!(
            self.report,
            "{page}:{}\t{}\t{}\t{}\t{phrase}",
            c.line, c.written, found.location, r.url
        )?;
        Ok(if loose {
            Some(format!(
                "{at}: the lookup is too loose: the phrase with a word appended \
                 (“{}”) is found too, in {}",
                altered(&phrase),
                found.location
            ))
        } else if link != r.url {
            Some(format!(
                "{at}: the book links {link}, not the item's page {}",
                r.url
            ))
        } else {
            None
        })
    }
}

/// A phrase not in its item: where it was looked for, and where it is if nearby.
fn not_found(at: &str, phrase: &str, version: &str, r: &Resolved, c: &Citation) -> String {
    format!(
        "{at}: the phrase “{phrase}” is not in its documentation or source at \
         {version} (looked in {}){}",
        r.found
            .iter()
            .map(|f| f.location.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if let Some(near) = r.found_nearby(&c.phrase) {
            format!(
                "; it is in {}, outside this item: cite the item it documents",
                near.location
            )
        } else if r.found_as_rendered(&c.phrase) {
            "; it is there with Markdown emphasis or link brackets (`**`, `_`, \
             `[…]`): quote the source as written"
                .to_string()
        } else {
            String::new()
        }
    )
}

/// The full lists under `target/citations/`, which the weekly job shows.
fn write_lists(
    dir: &Path,
    report: &str,
    failures: &[String],
    uncited: &[(String, usize, String)],
) -> Result<()> {
    fs_err::create_dir_all(dir)?;
    fs_err::write(dir.join("citations.txt"), report)?;
    fs_err::write(
        dir.join("failures.txt"),
        failures
            .iter()
            .map(|f| format!("{f}\n"))
            .collect::<String>(),
    )?;
    let mut list = String::new();
    for (page, line, names) in uncited {
        writeln!(list, "{page}:{line}: {names}")?;
    }
    fs_err::write(dir.join("uncited.txt"), &list)?;
    Ok(())
}

/// The citations per chapter and the uncited statements per page.
fn summary(ctx: &Ctx, book: &Book, failures: &[String], dir: &Path) {
    let mut per_chapter: BTreeMap<String, usize> = BTreeMap::new();
    for path in &book.pages {
        per_chapter.entry(chapter_of(&ctx.rel(path))).or_default();
    }
    for (page, _) in &book.citations {
        *per_chapter.entry(chapter_of(page)).or_default() += 1;
    }
    say!(
        "  {} citation(s), {} of them failing (below); per chapter:",
        book.citations.len(),
        failures.len()
    );
    for (chapter, n) in &per_chapter {
        say!("    {chapter}: {n}");
    }
    let mut per_page: BTreeMap<&str, usize> = BTreeMap::new();
    for (page, _, _) in &book.uncited {
        *per_page.entry(page).or_default() += 1;
    }
    say!(
        "  uncited statements (paragraphs naming a Tokio, std or Go item in inline code with \
         no citation, listing or reference; not a failure, read them): {}",
        book.uncited.len()
    );
    for (page, n) in &per_page {
        say!("    {page}: {n}");
    }
    say!("  the full list: {}", ctx.rel(&dir.join("uncited.txt")));
}

/// One lookup per item.
fn lookup(
    cache: &mut HashMap<String, Result<Resolved, String>>,
    c: &Citation,
    resolve: impl FnOnce() -> Result<Resolved>,
) -> Result<Resolved, String> {
    cache
        .entry(c.written.clone())
        .or_insert_with(|| resolve().map_err(|e| format!("{e:#}")))
        .clone()
}

/// Go's sources, found as the Go step finds `go`, at the release the book links.
fn find_go(problems: &mut Problems) -> Result<Option<GoSources>> {
    let tool = &crate::tools::GO;
    let Some(go) = crate::tools::find_or_install(tool.names, tool.package, "the Go citations")?
    else {
        return Ok(None);
    };
    let output = |args: &[&str]| -> Result<String> {
        let out = std::process::Command::new(&go).args(args).output()?;
        anyhow::ensure!(out.status.success(), "go {} failed", args.join(" "));
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let version = output(&["env", "GOVERSION"])?;
    let goroot = output(&["env", "GOROOT"])?;
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(&version) != minor(GO_VERSION) {
        problems.push(format!(
            "the Go here is {version}, but the book's Go citations link {GO_VERSION} \
             (cite::GO_VERSION): check them with Go {}",
            minor(GO_VERSION).trim_start_matches("go")
        ));
    } else if version != GO_VERSION {
        say!(
            "  note: Go citations checked against {version}'s sources; the book links {GO_VERSION}"
        );
    }
    Ok(Some(GoSources {
        src: Path::new(&goroot).join("src"),
        version,
    }))
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs_err::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// `src/ch01-week7-goroutines/01-basics.md` → `ch01-week7-goroutines`; top-level pages
/// count as `(front matter)`.
fn chapter_of(page: &str) -> String {
    let rel = page.split_once('/').map_or(page, |(_, r)| r);
    match rel.split_once('/') {
        Some((chapter, _)) => chapter.to_string(),
        None => "(front matter)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_of_pages() {
        assert_eq!(chapter_of("src/ch01-a/01-b.md"), "ch01-a");
        assert_eq!(chapter_of("src/introduction.md"), "(front matter)");
    }
}
