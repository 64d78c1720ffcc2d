//! Reading the book's Markdown: its fenced code blocks (through pulldown-cmark, so
//! backtick and tilde fences, longer closing fences and indented fences all parse as
//! CommonMark says) and the book's own `{{#…}}` directives. The one parser every check
//! and the preprocessor use.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

/// A fenced code block: its info string (`rust,compile_fail,E0499`) and where it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub info: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// Byte offset of the opening fence line.
    pub start: usize,
}

impl CodeBlock {
    /// The language: the first word of the info string.
    pub fn lang(&self) -> &str {
        self.attributes().next().unwrap_or("")
    }

    /// The comma- or space-separated words of the info string.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.info
            .split([',', ' '])
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }

    pub fn has(&self, attribute: &str) -> bool {
        self.attributes().skip(1).any(|a| a == attribute)
    }

    pub fn is_rust(&self) -> bool {
        self.lang() == "rust"
    }
}

/// Every fenced code block of a Markdown text, in order.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    fenced_blocks(text).into_iter().map(|f| f.block).collect()
}

/// A fenced code block with what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fenced {
    pub block: CodeBlock,
    /// Each line of its contents, with its 1-based line number in the text.
    pub lines: Vec<(usize, String)>,
    /// Whether a closing fence ends it (CommonMark runs an unclosed fence to the end of
    /// the text, or of the list item or quote holding it).
    pub closed: bool,
}

/// Every fenced code block of a Markdown text with its contents, in order.
pub fn fenced_blocks(text: &str) -> Vec<Fenced> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut blocks = Vec::new();
    let mut open: Option<Fenced> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                open = Some(Fenced {
                    block: CodeBlock {
                        info: info.trim().to_string(),
                        line: line_of(range.start),
                        start,
                    },
                    lines: Vec::new(),
                    closed: has_closing_fence(&text[range]),
                });
            }
            Event::Text(contents) => {
                if let Some(f) = open.as_mut() {
                    let first = line_of(range.start);
                    for (i, l) in contents.lines().enumerate() {
                        f.lines.push((first + i, l.to_string()));
                    }
                }
            }
            Event::End(Tag::CodeBlock(_)) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// Whether the source of a fenced block (opening fence first) ends with a closing fence:
/// the opening fence's character, at least as many times, alone on the last line (after
/// any quote markers and indentation).
fn has_closing_fence(source: &str) -> bool {
    let mut lines = source.lines();
    let Some(opening) = lines.next() else {
        return false;
    };
    let fence = opening.trim_start_matches(|c| c != '`' && c != '~');
    let Some(c) = fence.chars().next() else {
        return false;
    };
    let length = fence.chars().take_while(|&x| x == c).count();
    lines.next_back().is_some_and(|last| {
        let last = last
            .trim_start_matches(|x: char| x == '>' || x.is_whitespace())
            .trim_end();
        last.len() >= length && last.chars().all(|x| x == c)
    })
}

/// (all Rust blocks, of which `compile_fail`) in one Markdown text.
pub fn count_rust_blocks(text: &str) -> (usize, usize) {
    let rust: Vec<CodeBlock> = code_blocks(text)
        .into_iter()
        .filter(CodeBlock::is_rust)
        .collect();
    let compile_fail = rust.iter().filter(|b| b.has("compile_fail")).count();
    (rust.len(), compile_fail)
}

/// The text with every `compile_fail` Rust block turned into a `text` block. skeptic
/// ignores `compile_fail` (it would compile such a block as a normal test); the harness
/// proves those blocks with rustc's JSON diagnostics instead.
pub fn without_compile_fail(text: &str) -> String {
    as_text(text, |block| block.has("compile_fail"))
}

/// The page with the Rust code block of each listing labelled in `labels` (`1-5`, shown
/// under `id="listing-1-5"`) turned into text: a listing that hung earlier in the run is not
/// run again by the doctest steps.
pub fn without_listings(text: &str, labels: &[String]) -> String {
    let starts: Vec<usize> = labels
        .iter()
        .filter_map(|label| text.find(&format!("id=\"listing-{label}\"")))
        .collect();
    let blocks = code_blocks(text);
    let chosen: Vec<usize> = starts
        .iter()
        .filter_map(|&at| blocks.iter().find(|b| b.start > at && b.is_rust()))
        .map(|b| b.start)
        .collect();
    as_text(text, |block| chosen.contains(&block.start))
}

/// The page with the Rust code blocks that `pick` chooses turned into `text` blocks.
fn as_text(text: &str, pick: impl Fn(&CodeBlock) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for block in code_blocks(text) {
        if !(block.is_rust() && pick(&block)) {
            continue;
        }
        let line_end = text[block.start..]
            .find('\n')
            .map_or(text.len(), |i| block.start + i);
        let line = &text[block.start..line_end];
        let indent = line.len() - line.trim_start().len();
        let fence_len = line[indent..]
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .count();
        out.push_str(&text[done..block.start + indent + fence_len]);
        out.push_str("text");
        done = line_end;
    }
    out.push_str(&text[done..]);
    out
}

/// The `{{#name argument}}` directives in a page, with their 1-based line numbers.
/// `\{{#name …}}` is an escaped, literal directive and is skipped.
pub fn directives(text: &str, name: &str) -> Vec<(usize, String)> {
    let open = format!("{{{{#{name}");
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(pos) = rest.find(&open) {
            let escaped = rest[..pos].ends_with('\\');
            let after = &rest[pos + open.len()..];
            let Some(end) = after.find("}}") else { break };
            let argument = &after[..end];
            // `{{#listing x}}`, not `{{#listings…}}`.
            if !escaped && (argument.is_empty() || argument.starts_with(' ')) {
                found.push((i + 1, argument.trim().to_string()));
            }
            rest = &after[end + 2..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_of_every_kind_are_read() {
        let md = "text\n```rust,compile_fail,E0499\nfn x() {}\n```\n\
                  ````console\n```\nnot a block\n```\n````\n\
                  ~~~rust\nfn y() {}\n~~~\n\
                  ```rust\nlonger closing fence\n`````\n";
        let infos: Vec<String> = code_blocks(md).into_iter().map(|b| b.info).collect();
        assert_eq!(
            infos,
            vec!["rust,compile_fail,E0499", "console", "rust", "rust"]
        );
        assert_eq!(count_rust_blocks(md), (3, 1));
        assert_eq!(code_blocks(md)[0].line, 2);
    }

    #[test]
    fn fenced_blocks_hold_their_lines_and_know_whether_they_close() {
        let md = "a\n```go\nx\n\ny\n```\n> ~~~go\n> q\n> ~~~\n\n- ````go\n  z\n  ````\n\n\
                  ```go\n````\nnot closed by a different length? yes: longer closes\n\n\
                  ~~~go\n```\nstill open\n";
        let blocks = fenced_blocks(md);
        let l = |n: usize, s: &str| (n, s.to_string());
        let expected = [
            (2, vec![l(3, "x"), l(4, ""), l(5, "y")], true),
            (7, vec![l(8, "q")], true),
            (11, vec![l(12, "z")], true),
            (15, vec![], true),
            (19, vec![l(20, "```"), l(21, "still open")], false),
        ];
        assert_eq!(blocks.len(), expected.len());
        for (b, (line, lines, closed)) in blocks.iter().zip(expected) {
            assert_eq!((b.block.line, &b.lines, b.closed), (line, &lines, closed));
        }
        assert!(!fenced_blocks("```go\n")[0].closed);
        assert!(
            !fenced_blocks("````go\nx\n```\n")[0].closed,
            "a shorter fence does not close"
        );
    }

    #[test]
    fn compile_fail_blocks_become_text() {
        let md = "a\n```rust,compile_fail,E0382\nlet x;\n```\n~~~rust\nok\n~~~\n";
        assert_eq!(
            without_compile_fail(md),
            "a\n```text\nlet x;\n```\n~~~rust\nok\n~~~\n"
        );
        assert_eq!(count_rust_blocks(&without_compile_fail(md)), (1, 0));
    }

    #[test]
    fn directives_are_found_and_escapes_skipped() {
        let md = "text\n{{#listing ch01-a/01-x}}\n\\{{#listing ch01-a/02-y}}\n{{#listings}}\n";
        assert_eq!(
            directives(md, "listing"),
            vec![(2, "ch01-a/01-x".to_string())]
        );
        assert_eq!(
            directives("see {{#ref a/01-b}} and {{#ref a/02-c}}", "ref").len(),
            2
        );
    }
}
