//! The book as mdBook builds it: no warning from mdBook, no raw `{{#` directive left in a
//! page, no broken internal link or anchor, no `ignore`d Rust block, and exactly one
//! index of listings that links every listing.

mod prose;
mod reuse;

use super::{Problems, Run};
use crate::cache::Passed;
use crate::context::Ctx;
use crate::declaration::Listing;
use crate::html::attribute_values;
use crate::markdown;
use crate::mdbook::{summary_pages, walk};
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once mdBook built the book with no warning, raw directive or broken link: the
/// steps that read the built book can run, whatever the checks of its content found.
static BUILT: AtomicBool = AtomicBool::new(false);

/// Whether the last `check` built the book cleanly (see [`BUILT`]).
pub fn built() -> bool {
    BUILT.load(Ordering::Relaxed)
}

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    BUILT.store(false, Ordering::Relaxed);
    let mut passed = Passed::load(ctx, "book", !run.options.no_cache);
    if passed.hit(&reuse::key(ctx)) {
        BUILT.store(true, Ordering::Relaxed);
        say!(
            "  book: nothing it is built from changed since it was built and passed, and {} is as that build left it: not built again",
            ctx.rel(&ctx.book)
        );
        passed.save(run.options.is_full())?;
        return Ok(vec![]);
    }
    let problems = build_and_check(run)?;
    if problems.is_empty() {
        passed.pass(reuse::key(ctx))?;
    }
    passed.save(run.options.is_full())?;
    Ok(problems)
}

/// Builds the book and checks what was built.
fn build_and_check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut problems = crate::mdbook::build(ctx)?;
    // Even after mdBook complained, say which pages show a raw directive.
    if ctx.html().is_dir() {
        problems.extend(html(ctx)?);
    }
    if problems.is_empty() {
        BUILT.store(true, Ordering::Relaxed);
        problems.extend(no_ignored_blocks(ctx)?);
        problems.extend(index_of_listings(ctx, run.all)?);
        problems.extend(unmeasured_timings(ctx)?);
        problems.extend(prose::machinery_in_prose(ctx)?);
    }
    if problems.is_empty() {
        say!("  book built: {}", ctx.html().join("index.html").display());
    }
    Ok(problems)
}

/// A Rust block marked `ignore` would be skipped by `mdbook test` and skeptic alike: the
/// book must not dodge its own tests.
fn no_ignored_blocks(ctx: &Ctx) -> Result<Problems> {
    let mut problems = Vec::new();
    for page in walk(&ctx.markdown(), "md")? {
        for block in markdown::code_blocks(&fs_err::read_to_string(&page)?) {
            if block.is_rust() && block.has("ignore") {
                let rel = page.strip_prefix(ctx.markdown()).unwrap_or(&page);
                problems.push(format!(
                    "{}: a ```{} block: `ignore` skips the doctests; make it compile, or declare what it shows",
                    ctx.page(&rel.display().to_string()),
                    block.info
                ));
            }
        }
    }
    Ok(problems)
}

/// A timing in the book's prose (`0.55 µs`, `680 ns`) must be one a benchmark recorded:
/// it must appear in a committed results file (`results.md` under listings/ or go/), or
/// its paragraph must say it is the Go guide's figure, not ours. Tables come from those
/// results files and code blocks are code, so only prose is read.
fn unmeasured_timings(ctx: &Ctx) -> Result<Problems> {
    let mut recorded = String::new();
    for dir in [ctx.listings.clone(), ctx.root.join("go")] {
        if dir.is_dir() {
            for f in walk(&dir, "md")? {
                if f.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("results"))
                {
                    recorded.push_str(&fs_err::read_to_string(&f)?);
                    recorded.push('\n');
                }
            }
        }
    }
    let recorded = recorded.replace('\u{a0}', " ");
    let mut problems = Vec::new();
    for page in walk(&ctx.markdown(), "md")? {
        let text = fs_err::read_to_string(&page)?;
        let rel = page.strip_prefix(ctx.markdown()).unwrap_or(&page);
        for (_, paragraph) in prose_paragraphs(&text) {
            let attributed = ["guide", "seed", "Go table"]
                .iter()
                .any(|w| paragraph.contains(w));
            for figure in timings(&paragraph) {
                if !attributed && !recorded.contains(&figure) {
                    let start: String = paragraph.chars().take(70).collect();
                    problems.push(format!(
                        "{}: the timing `{figure}` (in \"{start}…\") is in no results file; take it from a benchmark's recorded results, or say it is the guide's figure",
                        ctx.page(&rel.display().to_string())
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// The prose paragraphs of a page (no code blocks, tables or HTML lines), with the line
/// each starts on.
fn prose_paragraphs(text: &str) -> Vec<(usize, String)> {
    let code: Vec<(usize, usize)> = {
        let blocks = markdown::code_blocks(text);
        let mut ranges = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for b in blocks {
            // A fenced block ends at the next line that closes it: the first later line
            // made only of the same fence characters, at least as long.
            let open = lines[b.line - 1].trim_start();
            let fence: String = open
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            let end = (b.line..lines.len())
                .find(|&i| {
                    let t = lines[i].trim();
                    t.starts_with(&fence)
                        && t.chars().all(|c| c == fence.chars().next().unwrap_or('`'))
                })
                .unwrap_or(lines.len());
            ranges.push((b.line, end + 1));
        }
        ranges
    };
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let in_code = code.iter().any(|&(a, b)| n >= a && n <= b);
        let t = line.trim();
        let prose = !in_code && !t.is_empty() && !t.starts_with('|') && !t.starts_with('<');
        if prose {
            if current.is_empty() {
                start = n;
            }
            current.push_str(t);
            current.push(' ');
        } else if !current.is_empty() {
            out.push((start, std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// `0.55 µs`, `680 ns` (a number, a space or none, a unit), written with one space.
fn timings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',')
            {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let number = number.trim_end_matches(['.', ',']);
            let mut j = i;
            while j < chars.len() && (chars[j] == ' ' || chars[j] == '\u{a0}') {
                j += 1;
            }
            let unit: String = chars[j..(j + 2).min(chars.len())].iter().collect();
            let ends = chars.get(j + 2).is_none_or(|c| !c.is_alphanumeric());
            if (unit == "ns" || unit == "µs") && ends {
                found.push(format!("{number} {unit}"));
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The book must have exactly one index of listings (`{{#index-of-listings}}`), and the
/// rendered index must link every listing.
fn index_of_listings(ctx: &Ctx, listings: &[Listing]) -> Result<Problems> {
    let pages: Vec<String> = summary_pages(ctx)?
        .into_iter()
        .filter(|page| {
            fs_err::read_to_string(ctx.src.join(page))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "{{#index-of-listings}}"))
        })
        .collect();
    let [page] = pages.as_slice() else {
        return Ok(vec![format!(
            "{}: the book needs exactly one page with {{{{#index-of-listings}}}}, found {pages:?}",
            ctx.page("SUMMARY.md")
        )]);
    };
    let html = ctx.html().join(page.replace(".md", ".html"));
    let text = fs_err::read_to_string(&html)?;
    Ok(listings
        .iter()
        .filter(|l| !text.contains(&format!("#listing-{}\"", l.label())))
        .map(|l| {
            format!(
                "{}: the index of listings does not link {}",
                ctx.rel(&html),
                l.id
            )
        })
        .collect())
}

/// Every page: no directive left unexpanded, every internal link and anchor resolves.
fn html(ctx: &Ctx) -> Result<Problems> {
    let html_root = ctx.html();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut texts = Vec::new();
    for p in walk(&html_root, "html")? {
        let text = fs_err::read_to_string(&p)?;
        ids.insert(
            p.clone(),
            attribute_values(&text, "id").into_iter().collect(),
        );
        texts.push((p, text));
    }
    let mut problems = Vec::new();
    for (page, text) in &texts {
        let rel = ctx.rel(page);
        for (n, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("{{#") {
                let snippet: String = line[pos..].chars().take(80).collect();
                problems.push(format!(
                    "{rel}:{}: raw directive left in the page: {snippet}",
                    n + 1
                ));
            }
        }
        // print.html repeats every chapter with rewritten links; the chapters are checked.
        if page
            .file_name()
            .is_some_and(|f| f == "print.html" || f == "404.html")
        {
            continue;
        }
        for href in attribute_values(text, "href")
            .into_iter()
            .chain(attribute_values(text, "src"))
        {
            if let Some(problem) = broken_link(&html_root, page, &href, &ids) {
                problems.push(format!(
                    "{}: broken link `{href}`: {problem}",
                    source_of(ctx, page)
                ));
            }
        }
    }
    Ok(problems)
}

/// A built page named for a message: by the chapter file it was built from, where there is
/// one (that is the file to fix), else as built.
fn source_of(ctx: &Ctx, page: &Path) -> String {
    let built = ctx.rel(page);
    let Ok(rel) = page.strip_prefix(ctx.html()) else {
        return built;
    };
    let md = ctx.src.join(rel).with_extension("md");
    if md.is_file() {
        format!("{} (built as {built})", ctx.rel(&md))
    } else {
        built
    }
}

/// Why a link from `page` does not resolve, if it does not.
fn broken_link(
    html_root: &Path,
    page: &Path,
    href: &str,
    ids: &HashMap<PathBuf, HashSet<String>>,
) -> Option<String> {
    if href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("javascript:")
        || href.starts_with("data:")
    {
        return None;
    }
    let (file, fragment) = match href.split_once('#') {
        Some((f, frag)) => (f, Some(frag)),
        None => (href, None),
    };
    let file = file.split('?').next().unwrap_or("");
    let target = if file.is_empty() {
        page.to_path_buf()
    } else {
        normalize(&page.parent().unwrap_or(html_root).join(file))
    };
    let target = if target.is_dir() {
        target.join("index.html")
    } else {
        target
    };
    if !target.exists() && !ids.contains_key(&target) {
        return Some(format!("no {}", target.display()));
    }
    if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
        let known = ids.get(&target).is_some_and(|set| set.contains(frag));
        if target.extension().is_some_and(|e| e == "html") && !known {
            return Some(format!("no id=\"{frag}\" in that page"));
        }
    }
    None
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn a_page_is_named_by_its_chapter_file() {
        let ctx = Ctx::discover().unwrap();
        let page = ctx
            .html()
            .join("ch03-goroutines-precisely/01-definition.html");
        assert_eq!(
            source_of(&ctx, &page),
            "src/ch03-goroutines-precisely/01-definition.md (built as book/html/ch03-goroutines-precisely/01-definition.html)"
        );
        // A page mdBook makes itself has no chapter file.
        assert_eq!(
            source_of(&ctx, &ctx.html().join("print.html")),
            "book/html/print.html"
        );
    }

    #[test]
    fn timings_in_prose_are_found() {
        assert_eq!(
            timings("about 0.55 µs, or 680ns; not 10 ms, 3 nsec or v2 ns"),
            vec!["0.55 µs", "680 ns"]
        );
        let page = "Intro 1 µs here.\n\n```text\n5 µs in code\n```\n| 7 µs | table |\nafter 9 ns\n";
        let paragraphs = prose_paragraphs(page);
        let all: Vec<String> = paragraphs.iter().flat_map(|(_, p)| timings(p)).collect();
        assert_eq!(all, vec!["1 µs", "9 ns"]);
        assert_eq!(paragraphs[0].0, 1);
    }

    #[test]
    fn links_resolve_to_pages_and_anchors() {
        let root = PathBuf::from("/book/html");
        let page = root.join("ch01/a.html");
        let mut ids = HashMap::new();
        ids.insert(
            root.join("ch01/b.html"),
            HashSet::from(["listing-1-2".to_string()]),
        );
        ids.insert(page.clone(), HashSet::from(["top".to_string()]));
        assert_eq!(broken_link(&root, &page, "b.html#listing-1-2", &ids), None);
        assert_eq!(broken_link(&root, &page, "#top", &ids), None);
        assert_eq!(broken_link(&root, &page, "https://x.org/y", &ids), None);
        assert_eq!(
            broken_link(&root, &page, "b.html#listing-9-9", &ids),
            Some("no id=\"listing-9-9\" in that page".into())
        );
        assert!(broken_link(&root, &page, "../ch02/c.html", &ids).is_some());
    }
}
