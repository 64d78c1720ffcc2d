//! Chapter prose must not talk about how the book checks itself: the machinery words, and
//! `claim` outside a sentence about a Go guide.

use crate::checks::Problems;
use crate::context::Ctx;
use crate::mdbook::walk;
use anyhow::Result;
use std::path::Path;

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
pub(super) fn machinery_in_prose(ctx: &Ctx) -> Result<Problems> {
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
    let mut hits = Vec::new();
    for (first, lines) in prose_lines(text) {
        let joined = lines.join("\n").replace('\u{2019}', "'");
        hits.extend(machinery_in(first, &joined));
    }
    hits.sort();
    hits.dedup();
    hits
}

/// Paragraphs of prose lines: (first line number, lines). Prose is every line outside code
/// fences, HTML comments and `{{#…}}` directive lines; a list item, heading or table row
/// starts a paragraph of its own.
fn prose_lines(text: &str) -> Vec<(usize, Vec<&str>)> {
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
    paragraphs
}

/// The machinery words of one paragraph (`joined`, starting on line `first`).
fn machinery_in(first: usize, joined: &str) -> Vec<(usize, String)> {
    let mut hits = Vec::new();
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
        if !["claim", "claims", "claimed", "claiming"].contains(&w) || !is_word_at(&lower, pos, len)
        {
            continue;
        }
        let sentence = sentence_around(joined, pos);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
