//! The book as mdBook builds it: no warning from mdBook, no raw `{{#` directive left in a
//! page, no broken internal link or anchor, no `ignore`d Rust block, and exactly one
//! index of listings that links every listing.

use super::{Problems, Run};
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
        problems.extend(machinery_in_prose(ctx)?);
    }
    if problems.is_empty() {
        eprintln!("  book built: {}", ctx.html().join("index.html").display());
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

/// Words about how the book checks itself, which chapter prose must not use: that lives in
/// the appendix "How this book checks itself" (src/appendix/how-checked.md, not read here)
/// and CONTRIBUTING.md. Matched case-insensitively, `declared` as a whole word.
const MACHINERY: [&str; 5] = [
    "cargo xtask",
    "results.md",
    "declared",
    "the book's tests",
    "breaks/",
];

/// The chapters' and appendices' Markdown sources (src/ch*/, src/appendix/), but the page
/// that explains the machinery, must not talk about it (see [`machinery_words`]).
fn machinery_in_prose(ctx: &Ctx) -> Result<Problems> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    for entry in fs_err::read_dir(&ctx.src)? {
        let dir = entry?.path();
        let name = crate::files::file_name(&dir);
        if dir.is_dir() && (name.starts_with("ch") || name == "appendix") {
            pages.extend(walk(&dir, "md")?);
        }
    }
    pages.sort();
    for page in pages {
        let rel = page.strip_prefix(&ctx.src).unwrap_or(&page);
        if rel == Path::new("appendix/how-checked.md") {
            continue;
        }
        let text = with_includes(&fs_err::read_to_string(&page)?, page.parent());
        for (line, what) in machinery_words(&text) {
            problems.push(format!(
                "{}:{line}: {what}: how the book checks itself belongs in src/appendix/how-checked.md, not in the lesson",
                ctx.page(&rel.display().to_string())
            ));
        }
    }
    Ok(problems)
}

/// The page with each `{{#include file}}` replaced by the text it includes (a measured
/// figure in a sentence), on the directive's line: the reader reads that text, not the
/// directive. A file that cannot be read leaves the directive out.
fn with_includes(text: &str, dir: Option<&Path>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("{{#include ") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos..];
        let Some(end) = after.find("}}") else {
            break;
        };
        let target = after["{{#include ".len()..end].trim();
        let file = target.split(':').next().unwrap_or(target);
        if let Some(included) = dir.and_then(|d| fs_err::read_to_string(d.join(file)).ok()) {
            out.push_str(&included.trim().replace('\n', " "));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Each machinery word in a page's prose, with its line. Prose is every line outside code
/// fences, HTML comments and `{{#…}}` directive lines (what they render is the listings',
/// not the prose's). `claim` (claims, claimed…) is allowed only in a sentence that also says
/// `guide` or the word `Go`: the claims a Go guide makes are the book's subject; a sentence
/// ends at `.`, `?`, `!` or `:` before a space or at a paragraph's end; a table row is one
/// sentence (its cells say one thing together).
fn machinery_words(text: &str) -> Vec<(usize, String)> {
    // Paragraphs of prose lines: (first line number, lines).
    let mut paragraphs: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    let mut current: Vec<&str> = Vec::new();
    let mut start = 0;
    fn flush<'a>(current: &mut Vec<&'a str>, start: usize, out: &mut Vec<(usize, Vec<&'a str>)>) {
        if !current.is_empty() {
            out.push((start, std::mem::take(current)));
        }
    }
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some((c, n)) = fence {
            if t.len() >= n && t.chars().all(|x| x == c) {
                fence = None;
            }
            continue;
        }
        let marker: String = t.chars().take_while(|c| *c == '`' || *c == '~').collect();
        if marker.len() >= 3
            && marker
                .chars()
                .all(|c| c == marker.chars().next().unwrap_or('`'))
        {
            flush(&mut current, start, &mut paragraphs);
            fence = Some((marker.chars().next().unwrap_or('`'), marker.len()));
            continue;
        }
        if in_comment || t.starts_with("<!--") {
            in_comment = !t.contains("-->");
            flush(&mut current, start, &mut paragraphs);
            continue;
        }
        let list_item = t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with('#')
            || t.starts_with('|')
            || t.split_once(". ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
        if t.is_empty() || t.starts_with("{{#") || list_item {
            flush(&mut current, start, &mut paragraphs);
        }
        if t.is_empty() || t.starts_with("{{#") {
            continue;
        }
        if current.is_empty() {
            start = i + 1;
        }
        current.push(line);
    }
    flush(&mut current, start, &mut paragraphs);

    let mut hits = Vec::new();
    for (first, lines) in paragraphs {
        let joined = lines.join("\n").replace('\u{2019}', "'");
        let lower = joined.to_lowercase();
        let line_of = |pos: usize| first + joined[..pos].matches('\n').count();
        for word in MACHINERY {
            for (pos, _) in lower.match_indices(word) {
                let whole = word != "declared" || is_word_at(&lower, pos, word.len());
                if whole {
                    hits.push((line_of(pos), format!("`{word}` in chapter prose")));
                }
            }
        }
        for (pos, _) in lower.match_indices("claim") {
            let len = lower[pos..]
                .chars()
                .take_while(|c| c.is_alphabetic())
                .count();
            let w = &lower[pos..pos + len];
            if !["claim", "claims", "claimed", "claiming"].contains(&w)
                || !is_word_at(&lower, pos, len)
            {
                continue;
            }
            let sentence = sentence_around(&joined, pos);
            let about_go = sentence.to_lowercase().contains("guide")
                || sentence
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|x| x == "Go");
            if !about_go {
                hits.push((
                    line_of(pos),
                    format!("`{w}` in a sentence that is not about a Go guide's claims"),
                ));
            }
        }
    }
    hits.sort();
    hits.dedup();
    hits
}

fn is_word_at(text: &str, pos: usize, len: usize) -> bool {
    let before = text[..pos].chars().next_back();
    let after = text[pos + len..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The sentence of `text` that holds byte `pos`.
fn sentence_around(text: &str, pos: usize) -> &str {
    let ends = |i: usize, c: char| {
        matches!(c, '.' | '?' | '!' | ':')
            && text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
    };
    let start = text[..pos]
        .char_indices()
        .rev()
        .find(|&(i, c)| ends(i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[pos..]
        .char_indices()
        .find(|&(i, c)| ends(pos + i, c))
        .map_or(text.len(), |(i, _)| pos + i);
    &text[start..end]
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
                problems.push(format!("{rel}: broken link `{href}`: {problem}"));
            }
        }
    }
    Ok(problems)
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
    fn machinery_words_in_prose_are_found_with_their_line() {
        let page = "# Title\n\nRun `cargo xtask test` to see.\nThe figures in\nresults.md are declared.\n\n```rust\n// cargo xtask, declared, results.md: code is not prose\n```\n\n{{#listing ch01-x/01-y}}\n\n<!-- the book's tests\nare not read here -->\n- The book\u{2019}s tests catch it; see breaks/1.txt.\n";
        let hits: Vec<(usize, String)> = machinery_words(page);
        let lines: Vec<usize> = hits.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [3, 5, 5, 15, 15], "{hits:?}");
        assert!(hits[0].1.contains("`cargo xtask`"));
        // `declared` is a whole word: "undeclared" and "declaredness" are not it.
        assert!(machinery_words("An undeclared variable.\n").is_empty());
    }

    #[test]
    fn included_text_is_read_in_place_of_its_directive() {
        let dir = std::env::temp_dir().join(format!("book-includes-{}", std::process::id()));
        fs_err::create_dir_all(&dir).unwrap();
        fs_err::write(
            dir.join("results.md"),
            "195 of 200 runs lost work:\nthe book's tests say so.\n",
        )
        .unwrap();
        let page = "Intro.\nIt went: {{#include results.md}} Then more.\n{{#include missing.md}}\n";
        let text = with_includes(page, Some(&dir));
        assert_eq!(
            text,
            "Intro.\nIt went: 195 of 200 runs lost work: the book's tests say so. Then more.\n\n"
        );
        let hits = machinery_words(&text);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].0, 2);
        assert!(hits[0].1.contains("the book's tests"));
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn claim_is_allowed_only_about_a_go_guide() {
        for ok in [
            "The guide claims goroutines cost 2 KB.\n",
            "Go's claim here does not carry over.\n",
            "| the claim | what Go does |\n",
            "Three claims, all from the guide.\n",
            "He reclaimed the memory.\n",
        ] {
            assert!(
                machinery_words(ok).is_empty(),
                "{ok}: {:?}",
                machinery_words(ok)
            );
        }
        for bad in [
            "Every claim is checked.\n",
            "The guide is long. Each claim of this page is tested.\n",
            "We claimed it: going is fine, Google too.\n",
            "| claims checked | yes |\n",
        ] {
            assert_eq!(machinery_words(bad).len(), 1, "{bad}");
        }
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
