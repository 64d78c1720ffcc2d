//! No Go is typed into a page: every Go code block of `src/` (any fence the book's one
//! Markdown parser, `crate::markdown`, reads as a block: backticks or tildes, three or
//! more, in a list or a quote) holds only `{{#include}}` lines naming a `.go` file under
//! `go/`, and the anchor each names exists there.

use super::Problems;
use crate::context::Ctx;
use crate::markdown::{self, Fenced};
use crate::mdbook::walk;
use anyhow::Result;
use std::path::Path;

/// Every page under `src/`; each problem names the page and the line.
pub fn check(ctx: &Ctx) -> Result<Problems> {
    let go_dir = ctx.root.join("go");
    let mut problems = Vec::new();
    for page in walk(&ctx.src, "md")? {
        let text = fs_err::read_to_string(&page)?;
        let dir = page.parent().unwrap_or(&ctx.src);
        problems.extend(
            check_page(&text, dir, &go_dir)
                .into_iter()
                .map(|p| format!("{}:{p}", ctx.rel(&page))),
        );
    }
    Ok(problems)
}

/// Whether a block's language is Go (as highlight.js names it: `go` or `golang`).
fn is_go(block: &Fenced) -> bool {
    let lang = block.block.lang();
    lang.eq_ignore_ascii_case("go") || lang.eq_ignore_ascii_case("golang")
}

/// Problems in one page, each starting with its line number.
pub fn check_page(text: &str, page_dir: &Path, go_dir: &Path) -> Problems {
    let mut problems = Vec::new();
    for block in markdown::fenced_blocks(text).iter().filter(|b| is_go(b)) {
        let start = block.block.line;
        if !block.closed {
            problems.push(format!("{start}: the Go block is never closed"));
        }
        let mut includes = 0;
        for (n, line) in &block.lines {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some((path, anchor)) = include_target(line) else {
                problems.push(format!(
                    "{start}: this Go block has code typed into the page (line {n}); \
                     put it in a program under go/ and {{{{#include}}}} it"
                ));
                break;
            };
            includes += 1;
            if let Err(why) = check_include(page_dir, go_dir, path, anchor) {
                problems.push(format!("{n}: {why}"));
            }
        }
        if includes == 0 && block.lines.iter().all(|(_, l)| l.trim().is_empty()) {
            problems.push(format!(
                "{start}: this Go block is empty; {{{{#include}}}} a program under go/"
            ));
        }
    }
    problems
}

/// One `{{#include path:anchor}}` of a Go block: a `.go` file under `go/`, with the anchor.
fn check_include(
    page_dir: &Path,
    go_dir: &Path,
    path: &str,
    anchor: Option<&str>,
) -> Result<(), String> {
    let Ok(file) = page_dir.join(path).canonicalize() else {
        return Err(format!("{path} does not exist"));
    };
    if !go_dir.canonicalize().is_ok_and(|g| file.starts_with(g)) {
        return Err(format!("{path} is not under go/"));
    }
    if file.extension().is_none_or(|x| x != "go") {
        return Err(format!("{path} is not a .go file"));
    }
    let Some(anchor) = anchor else {
        return Ok(());
    };
    if anchor.is_empty() || anchor.contains(':') || anchor.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{path}:{anchor} names lines, which move when the program changes: \
             name an `// ANCHOR:` instead"
        ));
    }
    let body = fs_err::read_to_string(&file).map_err(|e| e.to_string())?;
    if has_anchor(&body, anchor) {
        Ok(())
    } else {
        Err(format!(
            "{path} has no `// ANCHOR: {anchor}` with its ANCHOR_END"
        ))
    }
}

/// `{{#include path}}` or `{{#include path:anchor}}`: the path and the anchor.
fn include_target(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix("{{#include ")?.strip_suffix("}}")?.trim();
    Some(match inner.split_once(':') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (inner, None),
    })
}

fn has_anchor(body: &str, anchor: &str) -> bool {
    let named = |line: &str, key: &str| {
        line.split_once(key)
            .is_some_and(|(_, rest)| rest.trim() == anchor)
    };
    body.lines().any(|l| named(l, "ANCHOR:")) && body.lines().any(|l| named(l, "ANCHOR_END:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch book: `go/ch01/x/main.go` with anchor `show`, and a page directory.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("go-pages-{tag}-{}", std::process::id()));
            let _ = fs_err::remove_dir_all(&dir);
            fs_err::create_dir_all(dir.join("go/ch01/x")).unwrap();
            fs_err::create_dir_all(dir.join("src/ch01")).unwrap();
            fs_err::write(
                dir.join("go/ch01/x/main.go"),
                "package main\n\n// ANCHOR: show\nfunc main() {}\n\n// ANCHOR_END: show\n",
            )
            .unwrap();
            fs_err::write(dir.join("go/ch01/x/output.txt"), "hi\n").unwrap();
            fs_err::write(dir.join("src/ch01/other.go"), "package main\n").unwrap();
            Scratch(dir)
        }

        fn check(&self, page: &str) -> Problems {
            check_page(page, &self.0.join("src/ch01"), &self.0.join("go"))
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs_err::remove_dir_all(&self.0);
        }
    }

    const INCLUDE: &str = "{{#include ../../go/ch01/x/main.go:show}}";

    #[test]
    fn an_included_block_passes_in_every_fence_form() {
        let s = Scratch::new("pass");
        for open_close in [
            ("```go", "```"),
            ("~~~go", "~~~"),
            ("````go", "````"),
            ("```go,ignore", "```"),
            ("``` go", "`````"),
            ("```golang", "```"),
            ("```Go", "```"),
        ] {
            let page = format!("Text.\n\n{}\n{INCLUDE}\n\n{}\n", open_close.0, open_close.1);
            assert_eq!(s.check(&page), Problems::new(), "{open_close:?}");
        }
        let nested =
            format!("- item\n\n  ```go\n  {INCLUDE}\n  ```\n\n> ~~~go\n> {INCLUDE}\n> ~~~\n");
        assert_eq!(s.check(&nested), Problems::new());
        let whole = "```go\n{{#include ../../go/ch01/x/main.go}}\n```\n";
        assert_eq!(s.check(whole), Problems::new());
    }

    /// Typed-in Go is caught whatever fence holds it: each of these must fail.
    #[test]
    fn typed_go_is_caught_in_every_fence_form() {
        let s = Scratch::new("typed");
        let typed = "func main() {}";
        let pages = [
            format!("```go\n{typed}\n```\n"),
            format!("~~~go\n{typed}\n~~~\n"),
            format!("````go\n{typed}\n````\n"),
            format!("~~~~go\n{typed}\n~~~~\n"),
            format!("```go\n{typed}\n`````\n"),
            format!("```go,ignore\n{typed}\n```\n"),
            format!("``` go\n{typed}\n```\n"),
            format!("```golang\n{typed}\n```\n"),
            format!("```GO\n{typed}\n```\n"),
            format!("  ```go\n  {typed}\n  ```\n"),
            format!("- item\n\n  ```go\n  {typed}\n  ```\n"),
            format!("> ```go\n> {typed}\n> ```\n"),
            // A four-backtick block that holds a three-backtick line: all of it is Go.
            format!("````go\n{INCLUDE}\n```\n{typed}\n```\n````\n"),
            // Typed code after an include.
            format!("~~~go\n{INCLUDE}\n{typed}\n~~~\n"),
            // An escaped directive is shown literally: not an include.
            format!("```go\n\\{INCLUDE}\n```\n"),
        ];
        for page in &pages {
            let p = s.check(page);
            assert_eq!(p.len(), 1, "{page:?}: {p:?}");
            assert!(
                p[0].contains("has code typed into the page"),
                "{page:?}: {p:?}"
            );
        }
        let p = s.check(&format!("Text.\n\n~~~go\n{INCLUDE}\n\n{typed}\n~~~\n"));
        assert_eq!(
            p,
            vec![format!(
                "3: this Go block has code typed into the page (line 6); put it in a program \
             under go/ and {{{{#include}}}} it"
            )]
        );
    }

    #[test]
    fn go_inside_another_block_is_not_a_go_block() {
        let s = Scratch::new("inner");
        let page = "````markdown\n```go\nfunc main() {}\n```\n````\n\n```rust\nfn main() {}\n```\n";
        assert_eq!(s.check(page), Problems::new());
    }

    #[test]
    fn bad_includes_and_unclosed_blocks_fail() {
        let s = Scratch::new("bad");
        let bad = |body: &str, expected: &str| {
            let p = s.check(&format!("```go\n{body}\n```\n"));
            assert_eq!(p.len(), 1, "{body}: {p:?}");
            assert!(p[0].contains(expected), "{body}: {p:?}");
        };
        bad(
            "{{#include ../../go/ch01/x/main.go:nope}}",
            "2: ../../go/ch01/x/main.go has no `// ANCHOR: nope`",
        );
        bad("{{#include ../../go/ch01/y/main.go}}", "does not exist");
        bad("{{#include other.go}}", "is not under go/");
        bad(
            "{{#include ../../go/ch01/x/output.txt}}",
            "is not a .go file",
        );
        bad("{{#include ../../go/ch01/x/main.go:3:4}}", "names lines");
        bad("{{#include ../../go/ch01/x/main.go:3}}", "names lines");
        bad("", "is empty");
        let p = s.check(&format!("~~~go\n{INCLUDE}\n"));
        assert_eq!(p, vec!["1: the Go block is never closed".to_string()]);
        // A shorter fence does not close a block: it is a line of Go in it.
        let p = s.check(&format!("````go\n{INCLUDE}\n```\n"));
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0], "1: the Go block is never closed");
        assert!(p[1].contains("typed into the page (line 3)"), "{p:?}");
    }
}
