//! The citations step: every `{{#cite ITEM "PHRASE"}}` in every page names an item that
//! exists at the version the book builds with (crates as `cargo metadata` resolves them,
//! std as the toolchain documents it, Go as `$GOROOT/src` has it), the phrase is in that
//! item's documentation or source, and the same phrase with a word appended is not (else
//! the lookup is too loose to prove anything). The link readers get must be the item's
//! own page. The step ends with the citations per chapter and the paragraphs that name a
//! Tokio, std or Go item in inline code with no citation, listing or reference (reported,
//! not failed: judged by reading); the full lists are written under `target/citations/`,
//! `failures.txt` among them, which the weekly job shows.

use super::{Problems, Run};
use crate::cite::go_src::GoSources;
use crate::cite::parse::{self, Citation};
use crate::cite::render::Linker;
use crate::cite::rust_src::Crates;
use crate::cite::std_html::StdDocs;
use crate::cite::{GO_VERSION, Item, Resolved, altered};
use anyhow::Result;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let dir = ctx.target().join("citations");
    // A failed run must not leave last run's list for the weekly summary to show.
    let _ = fs_err::remove_file(dir.join("failures.txt"));
    let mut problems = Vec::new();
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

    let wants = |f: fn(&Item) -> bool| citations.iter().any(|(_, c)| f(&c.item));
    let crates = if wants(|i| matches!(i, Item::Crate { .. })) {
        Some(Crates::from_metadata(&ctx.root)?)
    } else {
        None
    };
    let std_docs = StdDocs::find()?;
    let std_missing = !std_docs.installed();
    let go = if wants(|i| matches!(i, Item::Go { .. })) {
        find_go(&mut problems)?
    } else {
        None
    };
    let linker = Linker::new(&ctx.root)?;

    let mut not_run: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut report = String::new();
    // Items cited again are looked up once (the error as text: it is reported each time).
    let mut resolved_items: HashMap<String, Result<Resolved, String>> = HashMap::new();
    let mut links: HashMap<String, String> = HashMap::new();
    for (page, c) in &citations {
        let at = format!("{page}:{}: `{}`", c.line, c.written);
        let (resolved, version): (Result<Resolved, String>, String) = match &c.item {
            Item::Crate { krate, path } => {
                let crates = crates.as_ref().expect("loaded for crate citations");
                let version = crates
                    .get(krate)
                    .map_or_else(|| krate.clone(), |i| format!("{} {}", i.package, i.version));
                (
                    lookup(&mut resolved_items, c, || crates.resolve(krate, path)),
                    version,
                )
            }
            Item::Std { path } => {
                if std_missing {
                    *not_run.entry("std (no rust-docs component)").or_default() += 1;
                    continue;
                }
                (
                    lookup(&mut resolved_items, c, || std_docs.resolve(path)),
                    format!("Rust {}", std_docs.version),
                )
            }
            Item::Go { package, idents } => match &go {
                Some(go) => (
                    lookup(&mut resolved_items, c, || go.resolve(package, idents)),
                    go.version.clone(),
                ),
                None => {
                    *not_run.entry("Go (no `go` here)").or_default() += 1;
                    continue;
                }
            },
        };
        let phrase = c.phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        let failure = match resolved {
            Err(e) => Some(format!("{at}: not found at {version}: {e}")),
            Ok(r) => match r.find(&c.phrase) {
                None => Some(format!(
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
                )),
                Some(found) => {
                    let loose = r.find(&altered(&c.phrase)).is_some();
                    let link = links
                        .entry(c.written.clone())
                        .or_insert_with(|| linker.link(&c.item, &c.written).url)
                        .clone();
                    writeln!(
                        report,
                        "{page}:{}\t{}\t{}\t{}\t{phrase}",
                        c.line, c.written, found.location, r.url
                    )?;
                    if loose {
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
                    }
                }
            },
        };
        if let Some(f) = failure {
            failures.push(f);
        }
    }

    fs_err::create_dir_all(&dir)?;
    fs_err::write(dir.join("citations.txt"), &report)?;
    fs_err::write(
        dir.join("failures.txt"),
        failures
            .iter()
            .map(|f| format!("{f}\n"))
            .collect::<String>(),
    )?;
    let mut list = String::new();
    for (page, line, names) in &uncited {
        writeln!(list, "{page}:{line}: {names}")?;
    }
    fs_err::write(dir.join("uncited.txt"), &list)?;

    // The summary.
    let mut per_chapter: BTreeMap<String, usize> = BTreeMap::new();
    for path in &pages {
        per_chapter.entry(chapter_of(&ctx.rel(path))).or_default();
    }
    for (page, _) in &citations {
        *per_chapter.entry(chapter_of(page)).or_default() += 1;
    }
    eprintln!(
        "  {} citation(s), {} of them failing (below); per chapter:",
        citations.len(),
        failures.len()
    );
    for (chapter, n) in &per_chapter {
        eprintln!("    {chapter}: {n}");
    }
    let mut per_page: BTreeMap<&str, usize> = BTreeMap::new();
    for (page, _, _) in &uncited {
        *per_page.entry(page).or_default() += 1;
    }
    eprintln!(
        "  uncited statements (paragraphs naming a Tokio, std or Go item in inline code with \
         no citation, listing or reference; not a failure, read them): {}",
        uncited.len()
    );
    for (page, n) in &per_page {
        eprintln!("    {page}: {n}");
    }
    eprintln!("  the full list: {}", ctx.rel(&dir.join("uncited.txt")));

    problems.extend(failures);
    if !not_run.is_empty() {
        let what = not_run
            .iter()
            .map(|(k, n)| format!("{n} citation(s) of {k}"))
            .collect::<Vec<_>>()
            .join(", ");
        if problems.is_empty() {
            return Err(crate::NotRun(format!("{what} not checked")).into());
        }
        problems.push(format!("also NOT RUN: {what} not checked"));
    }
    Ok(problems)
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
        eprintln!(
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

/// Rust paths whose inline-code mention is a statement about a library.
const RUST_PREFIXES: &[&str] = &[
    "tokio::",
    "tokio_util::",
    "std::",
    "core::",
    "alloc::",
    "crossbeam_",
    "crossbeam::",
    "loom::",
    "futures::",
];
/// Items named bare (the first path segment, or the whole name).
const RUST_NAMES: &[&str] = &[
    "JoinSet",
    "JoinHandle",
    "JoinError",
    "TaskTracker",
    "CancellationToken",
    "LocalSet",
    "Runtime",
    "Handle",
    "spawn",
    "spawn_blocking",
    "spawn_local",
    "block_in_place",
    "block_on",
    "yield_now",
    "join_all",
    "join_next",
    "abort",
    "abort_all",
    "shutdown_timeout",
    "shutdown_background",
    "select!",
    "join!",
    "try_join!",
    "Mutex",
    "RwLock",
    "Semaphore",
    "Notify",
    "Barrier",
    "Condvar",
    "mpsc",
    "oneshot",
    "broadcast",
    "watch",
    "Sender",
    "Receiver",
    "sleep",
    "timeout",
    "interval",
    "Instant",
    "Arc",
    "Rc",
    "Cell",
    "RefCell",
    "Send",
    "Sync",
    "thread::spawn",
    "thread::scope",
    "AtomicUsize",
    "AtomicU64",
    "AtomicBool",
    "Ordering",
];
/// Go: package-qualified names, and the language's concurrency words.
const GO_PREFIXES: &[&str] = &[
    "sync.",
    "context.",
    "runtime.",
    "time.",
    "errgroup.",
    "atomic.",
    "http.",
    "signal.",
    "wg.",
    "ctx.",
    "go func",
];
const GO_NAMES: &[&str] = &["GOMAXPROCS", "chan", "select", "defer", "WaitGroup"];
/// `go f()` starts a goroutine; `go vet` and the like are the go command.
const GO_COMMANDS: &[&str] = &[
    "vet", "run", "build", "test", "mod", "env", "version", "get", "install", "tool", "fmt",
];

/// The library items an inline code span names, if any.
fn names_item(code: &str) -> bool {
    let code = code.trim();
    if code == "go" {
        return true;
    }
    if let Some(rest) = code.strip_prefix("go ") {
        let word = rest.split_whitespace().next().unwrap_or("");
        return !GO_COMMANDS.contains(&word);
    }
    if RUST_PREFIXES
        .iter()
        .chain(GO_PREFIXES)
        .any(|p| code.starts_with(p))
    {
        return true;
    }
    let name: String = code
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '!'))
        .collect();
    let first = name.split("::").next().unwrap_or("");
    RUST_NAMES
        .iter()
        .chain(GO_NAMES)
        .any(|n| name == *n || first == *n)
}

/// Paragraphs (list items and table rows too) naming a library item in inline code with
/// no `{{#cite`, `{{#ref` or `{{#listing`: (line, the names).
fn uncited_paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut units: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
    let mut open: Vec<(usize, Vec<String>)> = Vec::new(); // (start, names)
    let mut inner: Vec<(usize, String)> = Vec::new(); // found inside admonish blocks
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            // An admonish block's body is Markdown: read it on its own, dedented.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.trim_start().starts_with("admonish") =>
            {
                let block = &text[range.clone()];
                let first_line = text[..range.start].matches('\n').count() + 1;
                let lines: Vec<&str> = block.lines().collect();
                let indent = text[text[..range.start].rfind('\n').map_or(0, |i| i + 1)..]
                    .chars()
                    .take_while(|c| *c == ' ')
                    .count();
                let body: Vec<&str> = lines
                    .iter()
                    .skip(1)
                    .take(lines.len().saturating_sub(2))
                    .map(|l| {
                        let cut = l.len() - l.trim_start_matches(' ').len();
                        &l[cut.min(indent)..]
                    })
                    .collect();
                for (line, names) in uncited_paragraphs(&body.join("\n")) {
                    inner.push((first_line + line, names));
                }
            }
            Event::Start(Tag::Paragraph | Tag::TableRow | Tag::TableHead | Tag::Item) => {
                open.push((range.start, Vec::new()));
            }
            Event::End(Tag::Paragraph | Tag::TableRow | Tag::TableHead | Tag::Item) => {
                if let Some((start, names)) = open.pop()
                    && !names.is_empty()
                {
                    units.push((start..range.end, names));
                }
            }
            Event::Code(code) if names_item(&code) => {
                if let Some((_, names)) = open.last_mut() {
                    names.push(code.to_string());
                }
            }
            _ => {}
        }
    }
    units.sort_by_key(|(r, _)| r.start);
    let mut found: Vec<(usize, String)> = units
        .into_iter()
        .filter(|(r, _)| {
            let t = &text[r.clone()];
            !(t.contains("{{#cite") || t.contains("{{#ref") || t.contains("{{#listing"))
        })
        .map(|(r, names)| {
            let line = text[..r.start].matches('\n').count() + 1;
            let mut names = names;
            names.dedup();
            (
                line,
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .collect();
    found.extend(inner);
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncited_paragraphs_are_those_naming_items_without_a_reference() {
        let md = "# T\n\nA `JoinSet` waits for all.\n\nA `JoinSet` waits. {{#cite tokio::task::JoinSet \"a b c\"}}\n\n\
                  See {{#ref ch01-a/01-b}}: `tokio::spawn` starts it.\n\nA plain `x + 1` sum.\n\n\
                  - `sync.WaitGroup` counts\n- nothing here\n\n| Go | Rust |\n|---|---|\n| `go f()` | `tokio::spawn(f())` |\n\n\
                  ```rust\nlet s = `JoinSet`;\n```\n\n\
                  - x\n\n  ```admonish note\n  A `Mutex` is fair.\n\n  A `Mutex` is. {{#cite std::sync::Mutex \"a b c\"}}\n  ```\n";
        let found = uncited_paragraphs(md);
        assert_eq!(
            found,
            vec![
                (3, "`JoinSet`".to_string()),
                (11, "`sync.WaitGroup`".to_string()),
                (16, "`go f()`, `tokio::spawn(f())`".to_string()),
                (25, "`Mutex`".to_string()),
            ]
        );
    }

    #[test]
    fn names_of_items() {
        for yes in [
            "tokio::spawn",
            "JoinSet::join_all",
            "select!",
            "Arc<Mutex<T>>",
            "sync.WaitGroup",
            "wg.Add(1)",
            "go f()",
            "go func() { work() }()",
            "go",
            "std::thread::scope",
        ] {
            assert!(names_item(yes), "{yes}");
        }
        for no in [
            "x + 1",
            "main",
            "cargo run",
            "output.txt",
            "selection",
            "go vet",
            "go/",
            "go.mod",
            "crossbeam-channel",
        ] {
            assert!(!names_item(no), "{no}");
        }
    }

    #[test]
    fn chapters_of_pages() {
        assert_eq!(chapter_of("src/ch01-a/01-b.md"), "ch01-a");
        assert_eq!(chapter_of("src/introduction.md"), "(front matter)");
    }
}
