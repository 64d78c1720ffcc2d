//! Finding `{{#cite ITEM "PHRASE"}}` in a page: anywhere in running text (it may wrap
//! across lines), never inside a code block or inline code; `\{{#cite` is an escaped,
//! literal directive.

use super::Item;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
use std::ops::Range;

pub const OPEN: &str = "{{#cite";

/// A phrase must say something: at least this many words, and stay a quotation.
pub const MIN_WORDS: usize = 3;
pub const MAX_WORDS: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// 1-based line of `{{#cite`.
    pub line: usize,
    /// The item as written (`tokio::task::JoinSet::join_all`).
    pub written: String,
    pub item: Item,
    /// The phrase as written, between the quotes.
    pub phrase: String,
    /// Byte range of the whole directive in the page.
    pub range: Range<usize>,
}

/// A directive that could not be read: its line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

/// What a page holds: its citations, the syntax errors, and the escaped directives
/// (`\{{#cite`, by byte offset of the backslash), which render as literal text.
#[derive(Debug, Default)]
pub struct Parsed {
    pub citations: Vec<Citation>,
    pub errors: Vec<SyntaxError>,
    pub escapes: Vec<usize>,
}

/// Byte ranges of code (fenced or indented blocks, inline code) in a Markdown text. An
/// `admonish` block is Markdown that mdbook-admonish renders, not code: only the code
/// inside it counts.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    let mut admonish = false;
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                block_start = Some(range.start);
                admonish = matches!(kind, CodeBlockKind::Fenced(info) if info.trim_start().starts_with("admonish"));
            }
            Event::End(Tag::CodeBlock(_)) => {
                if let Some(start) = block_start.take() {
                    if admonish {
                        ranges.extend(code_in_admonish(text, start..range.end));
                    } else {
                        ranges.push(start..range.end);
                    }
                }
            }
            Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// The code inside an admonish block (its fences and body lines as written, indented or
/// not): the fence lines themselves, fenced blocks within it, and inline code spans.
fn code_in_admonish(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut prose_start = None;
    let mut offset = block.start;
    let body = &text[block.clone()];
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let run = |c: char| t.chars().take_while(|&x| x == c).count();
        let opens = ['`', '~']
            .into_iter()
            .map(|c| (c, run(c)))
            .find(|(_, n)| *n >= 3);
        let is_fence_line = i == 0 || i == last;
        if is_fence_line {
            ranges.push(offset..offset + line.len());
        } else if let Some((c, n)) = fence {
            ranges.push(offset..offset + line.len());
            if opens.is_some_and(|(oc, on)| oc == c && on >= n) {
                fence = None;
            }
        } else if let Some(open) = opens {
            ranges.push(offset..offset + line.len());
            fence = Some(open);
        } else if prose_start.is_none() {
            prose_start = Some(offset);
        }
        if (is_fence_line || fence.is_some() || opens.is_some())
            && let Some(start) = prose_start.take()
        {
            ranges.extend(inline_code(text, start..offset));
        }
        offset += line.len();
    }
    if let Some(start) = prose_start {
        ranges.extend(inline_code(text, start..offset));
    }
    ranges
}

/// Inline code spans in a stretch of prose: a run of backticks up to the next run of the
/// same length.
fn inline_code(text: &str, prose: Range<usize>) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut ranges = Vec::new();
    let mut i = prose.start;
    let run_at = |i: usize| b[i..prose.end].iter().take_while(|&&c| c == b'`').count();
    while i < prose.end {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut close = None;
        while j < prose.end {
            if b[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                ranges.push(i..end);
                i = end;
            }
            None => i += n,
        }
    }
    ranges
}

pub fn parse(text: &str) -> Parsed {
    let code = code_ranges(text);
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let mut parsed = Parsed::default();
    let mut from = 0;
    while let Some(found) = text[from..].find(OPEN) {
        let start = from + found;
        from = start + OPEN.len();
        if in_code(start) {
            continue;
        }
        if text[..start].ends_with('\\') {
            parsed.escapes.push(start - 1);
            continue;
        }
        let line = line_of(start);
        match directive(&text[start..]) {
            Ok((len, written, phrase)) => match Item::parse(&written) {
                Ok(item) => {
                    parsed.citations.push(Citation {
                        line,
                        written,
                        item,
                        phrase,
                        range: start..start + len,
                    });
                    from = start + len;
                }
                Err(e) => parsed.errors.push(SyntaxError {
                    line,
                    message: format!("{e:#}"),
                }),
            },
            Err(message) => parsed.errors.push(SyntaxError { line, message }),
        }
    }
    parsed
}

/// Reads one directive at the start of `s`: (its length, the item, the phrase).
fn directive(s: &str) -> Result<(usize, String, String), String> {
    const SHAPE: &str = "write {{#cite ITEM \"a phrase quoted from its documentation\"}}";
    let rest = &s[OPEN.len()..];
    if rest.trim_start().starts_with("}}") {
        return Err(format!("a citation names no item: {SHAPE}"));
    }
    if !rest.starts_with(char::is_whitespace) {
        return Err(format!("`{OPEN}` must be followed by a space: {SHAPE}"));
    }
    let after_space = rest.trim_start();
    let item_len = after_space
        .find(|c: char| c.is_whitespace() || c == '"' || c == '}')
        .unwrap_or(after_space.len());
    let item = &after_space[..item_len];
    if item.is_empty() {
        return Err(format!("a citation names no item: {SHAPE}"));
    }
    let rest = after_space[item_len..].trim_start();
    let Some(quoted) = rest.strip_prefix('"') else {
        return Err(format!(
            "the citation of `{item}` has no quoted phrase: {SHAPE}"
        ));
    };
    let Some(close) = quoted.find('"') else {
        return Err(format!(
            "the phrase cited from `{item}` has no closing quote"
        ));
    };
    let phrase = &quoted[..close];
    if phrase.contains("}}") {
        return Err(format!(
            "the phrase cited from `{item}` has no closing quote"
        ));
    }
    let tail = &quoted[close + 1..];
    let Some(end) = tail.trim_start().strip_prefix("}}") else {
        return Err(format!(
            "the citation of `{item}` must end with `}}}}` right after its phrase (a phrase \
             cannot hold a double quote)"
        ));
    };
    let words = super::normalize_phrase(phrase).split(' ').count();
    if phrase.trim().is_empty() || !(MIN_WORDS..=MAX_WORDS).contains(&words) {
        return Err(format!(
            "the phrase cited from `{item}` has {} words: quote {MIN_WORDS} to {MAX_WORDS}",
            if phrase.trim().is_empty() { 0 } else { words }
        ));
    }
    let len = s.len() - end.len();
    Ok((len, item.to_string(), phrase.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_found_in_running_text_and_may_wrap() {
        let md = "# Title\n\nA set waits. {{#cite tokio::task::JoinSet::join_all \"Awaits the \
                  completion of\"}} More.\nIt picks {{#cite go:sync.WaitGroup.Add\n  \"If a WaitGroup \
                  is\nreused\"}}.\n";
        let p = parse(md);
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.citations.len(), 2);
        let c = &p.citations[0];
        assert_eq!(c.line, 3);
        assert_eq!(c.written, "tokio::task::JoinSet::join_all");
        assert_eq!(c.phrase, "Awaits the completion of");
        assert_eq!(
            &md[c.range.clone()],
            "{{#cite tokio::task::JoinSet::join_all \"Awaits the completion of\"}}"
        );
        assert_eq!(p.citations[1].line, 4);
        assert_eq!(p.citations[1].phrase, "If a WaitGroup is\nreused");
    }

    #[test]
    fn code_and_escapes_are_not_citations() {
        let md = "Inline `{{#cite std::sync::Arc \"a b c\"}}` code.\n\n```text\n{{#cite std::x \"bad\n```\n\n    {{#cite indented code\n\nAn escaped \\{{#cite std::sync::Arc \"not one either\"}}.\n";
        let p = parse(md);
        assert_eq!(p.citations, vec![]);
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.escapes.len(), 1);
        assert_eq!(&md[p.escapes[0]..p.escapes[0] + 8], "\\{{#cite");
    }

    #[test]
    fn admonitions_are_prose_with_code_inside() {
        let md = "Text.\n\n- item\n\n  ```admonish note title=\"x\"\n  A claim. {{#cite std::sync::Arc \"a b c\"}}\n  Code `{{#cite std::sync::Arc \"d e f\"}}` here.\n  ```rust\n  {{#cite std::sync::Arc \"g h i\"}}\n  ```\n  After {{#cite std::sync::Mutex \"j k l\"}}.\n  ```\n";
        let p = parse(md);
        assert_eq!(p.errors, vec![]);
        let phrases: Vec<&str> = p.citations.iter().map(|c| c.phrase.as_str()).collect();
        assert_eq!(phrases, ["a b c", "j k l"]);
        assert_eq!(p.citations[0].line, 6);
        assert_eq!(p.citations[1].line, 11);
    }

    #[test]
    fn bad_syntax_names_the_line() {
        let cases = [
            ("x\n{{#cite}}\n", "names no item"),
            (
                "x\n{{#citex std::sync::Arc \"a b c\"}}\n",
                "followed by a space",
            ),
            ("x\n{{#cite std::sync::Arc}}\n", "no quoted phrase"),
            ("x\n{{#cite std::sync::Arc \"a b c}}\n", "no closing quote"),
            ("x\n{{#cite std::sync::Arc \"a b\"}}\n", "has 2 words"),
            ("x\n{{#cite std::sync::Arc \"\"}}\n", "has 0 words"),
            (
                "x\n{{#cite std::sync::Arc \"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen\"}}\n",
                "has 16 words",
            ),
            (
                "x\n{{#cite std::sync::Arc \"a b c\" extra}}\n",
                "must end with",
            ),
            (
                "x\n{{#cite tokio::JoinSet<T> \"a b c\"}}\n",
                "not a Rust path",
            ),
            ("x\n{{#cite go:sync. \"a b c\"}}\n", "not a Go item"),
        ];
        for (md, message) in cases {
            let p = parse(md);
            assert_eq!(p.citations, vec![], "{md}");
            assert_eq!(p.errors.len(), 1, "{md}");
            assert_eq!(p.errors[0].line, 2, "{md}");
            assert!(
                p.errors[0].message.contains(message),
                "{md}: {}",
                p.errors[0].message
            );
        }
    }
}
