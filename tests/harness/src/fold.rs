//! Which lines of a listing the book folds: test modules, loom scaffolding and the items a
//! declaration names (`fold`, or everything but `fold-all-but`). Folded lines stay in the
//! code block as rustdoc's hidden lines (`# ` prefix), so the block mdBook shows, rustdoc
//! compiles (`mdbook test`) and skeptic compiles is still exactly the file; the reader
//! unfolds them with the eye button.
//!
//! Listings are rustfmt'd, so a top-level item starts at column 0 and its body is indented
//! until a closing line at column 0 (`}`, `};`, `];`, `);`): a line scanner is enough.

/// What a declaration asks to fold, beyond the automatic folds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Spec {
    /// Only the automatic folds.
    #[default]
    Auto,
    /// These items too (`"fn print_chart"`, `"mod measure"`, `"impl Row"`).
    Items(Vec<String>),
    /// Every item but these (and the file's header comment): a benchmark shows its
    /// measuring core and folds the rest.
    AllBut(Vec<String>),
}

/// One top-level chunk of the file: its leading comments and attributes, then the item.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunk {
    /// First line (0-based): the first comment or attribute line.
    start: usize,
    /// Last line, inclusive.
    end: usize,
    /// The item's first line, after its comments and attributes; None for a comment
    /// that stands alone (the file's header, a section comment).
    head: Option<usize>,
    /// `fn main`, `mod tests`, `impl Row`: see [`item_name`].
    name: Option<String>,
}

/// The file's header (its first `//` lines) is always a chunk of its own, so folding the
/// item under it never folds the comment that introduces the listing.
fn chunks(lines: &[&str]) -> Vec<Chunk> {
    let n = lines.len();
    let mut out = Vec::new();
    let mut i = 0;
    let header = lines
        .iter()
        .take_while(|l| l.starts_with("//") && !l.starts_with("///"))
        .count();
    if header > 0 {
        out.push(Chunk {
            start: 0,
            end: header - 1,
            head: None,
            name: None,
        });
        i = header;
    }
    while i < n {
        let line = lines[i];
        if line.trim().is_empty() || line.starts_with(char::is_whitespace) {
            i += 1;
            continue;
        }
        let start = i;
        // Comments and attributes (an attribute may span lines until its closing `]`).
        while i < n {
            let l = lines[i];
            if l.starts_with("//") {
                i += 1;
            } else if l.starts_with("#[") || l.starts_with("#![") {
                // `]` ends it, before any trailing `// comment`.
                while i < n && !without_comment(lines[i]).ends_with(']') {
                    i += 1;
                }
                i += 1;
            } else {
                break;
            }
        }
        if i >= n || lines[i].trim().is_empty() || lines[i].starts_with(char::is_whitespace) {
            out.push(Chunk {
                start,
                end: i.min(n) - 1,
                head: None,
                name: None,
            });
            continue;
        }
        let head = i;
        let h = lines[head].trim_end();
        let one_line = h.ends_with(';')
            || (h.ends_with('}') && h.matches('{').count() == h.matches('}').count());
        let mut end = head;
        if !one_line {
            end = n - 1;
            for (j, l) in lines.iter().enumerate().skip(head + 1) {
                let t = l.trim_end();
                if t.starts_with(['}', ']', ')']) && (t.ends_with('}') || t.ends_with(';')) {
                    end = j;
                    break;
                }
            }
        }
        out.push(Chunk {
            start,
            end,
            head: Some(head),
            name: Some(item_name(h)),
        });
        i = end + 1;
    }
    out
}

/// An attribute line without a trailing `// comment`, trimmed at the end.
fn without_comment(line: &str) -> &str {
    line.split_once(" //")
        .map_or(line, |(code, _)| code)
        .trim_end()
}

/// The name a declaration uses for an item: its keyword and identifier (`fn main`,
/// `struct Row`, `mod tests`, `macro_rules! check`), without visibility, `async`,
/// `unsafe` or `const` before `fn`; an `impl` is its whole header (`impl Display for Row`).
pub fn item_name(head: &str) -> String {
    let mut rest = head.trim();
    loop {
        let before = rest;
        if let Some(r) = rest.strip_prefix("pub(") {
            rest = r.split_once(')').map_or(r, |(_, after)| after).trim_start();
        }
        for word in ["pub ", "async ", "unsafe ", "extern \"C\" ", "default "] {
            if let Some(r) = rest.strip_prefix(word) {
                rest = r.trim_start();
            }
        }
        if rest.starts_with("const fn ") {
            rest = &rest["const ".len()..];
        }
        if rest == before {
            break;
        }
    }
    if rest.starts_with("impl") {
        return rest.trim_end_matches('{').trim_end().to_string();
    }
    let (keyword, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let ident: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        keyword.to_string()
    } else {
        format!("{keyword} {ident}")
    }
}

/// Attributes that mark an item as test or loom scaffolding: `#[cfg(test)]`,
/// `#[cfg(loom)]`, `#[cfg(all(test, loom))]`. `#[cfg(not(loom))]` marks the code a reader
/// runs: only the attribute line is folded.
fn scaffolding(attr: &str) -> Option<bool> {
    let a = attr.trim();
    if !a.starts_with("#[cfg(") {
        return None;
    }
    let mentions = a.contains("test") || a.contains("loom");
    match (mentions, a.contains("not(")) {
        (true, false) => Some(true),
        (true, true) => Some(false),
        _ => None,
    }
}

/// One flag per line of `source`: true where the line is folded. Fails if the spec names an
/// item the file does not have (the message lists the ones it has).
pub fn folded(source: &str, spec: &Spec) -> Result<Vec<bool>, String> {
    let lines: Vec<&str> = source.lines().collect();
    let chunks = chunks(&lines);
    let mut hidden = vec![false; lines.len()];
    let wanted: Vec<String> = match spec {
        Spec::Auto => vec![],
        Spec::Items(v) | Spec::AllBut(v) => v.iter().map(|s| item_name(s)).collect(),
    };
    let names: Vec<&str> = chunks.iter().filter_map(|c| c.name.as_deref()).collect();
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|w| !names.contains(&w.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "names {} that the file does not have (its top-level items: {})",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (k, c) in chunks.iter().enumerate() {
        let named = c.name.as_ref().is_some_and(|n| wanted.contains(n));
        let fold_whole = match spec {
            Spec::AllBut(_) => !(named || (k == 0 && c.head.is_none() && c.start == 0)),
            _ => named,
        };
        if fold_whole {
            hidden[c.start..=c.end].iter_mut().for_each(|h| *h = true);
            continue;
        }
        let attrs = c.start..c.head.unwrap_or(c.start);
        for i in attrs {
            match scaffolding(lines[i]) {
                Some(true) => {
                    // The whole chunk, its comments included.
                    hidden[c.start..=c.end].iter_mut().for_each(|h| *h = true);
                    break;
                }
                Some(false) => hidden[i] = true,
                None => {}
            }
        }
    }
    // Blank lines between chunks: one blank line between what stays visible, none before
    // the first visible line or after the last.
    let in_chunk = |i: usize| chunks.iter().any(|c| (c.start..=c.end).contains(&i));
    let mut last_shown_blank = true;
    for i in 0..lines.len() {
        if lines[i].trim().is_empty() && !in_chunk(i) {
            let later_visible =
                (i + 1..lines.len()).any(|j| !hidden[j] && !lines[j].trim().is_empty());
            hidden[i] = last_shown_blank || !later_visible;
        }
        if !hidden[i] {
            last_shown_blank = lines[i].trim().is_empty();
        }
    }
    Ok(hidden)
}

/// A visible line rustdoc, skeptic or mdBook would read as hidden or escaped (`# x`, `#`,
/// `##x`) would be changed or hidden: the renderer refuses it rather than show something
/// else than the file. Returns the 1-based line number of the first one.
pub fn ambiguous_line(source: &str, hidden: &[bool]) -> Option<usize> {
    source
        .lines()
        .zip(hidden)
        .position(|(l, &h)| {
            let t = l.trim_start();
            !h && (t == "#" || t.starts_with("# ") || t.starts_with("##"))
        })
        .map(|i| i + 1)
}

/// The code block's body: each folded line as a hidden line (`# line`, or `#` if empty).
pub fn hide(source: &str, hidden: &[bool]) -> String {
    let mut out = String::with_capacity(source.len() + hidden.len() * 2);
    for (line, &h) in source.lines().zip(hidden) {
        match (h, line.is_empty()) {
            (true, true) => out.push('#'),
            (true, false) => {
                out.push_str("# ");
                out.push_str(line);
            }
            (false, _) => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// What rustdoc and skeptic compile from a hidden-line block: each `# ` prefix removed.
/// Used by the tests, and by the own-project check to read a listing back from its page.
pub fn unhide(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    for line in block.lines() {
        if line != "#" {
            out.push_str(line.strip_prefix("# ").unwrap_or(line));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "\
// Shows: a header comment, kept visible.
// Run: cargo run -p x
#[cfg(loom)]
use loom::sync::Arc;
#[cfg(not(loom))]
use std::sync::Arc;

struct Row {
    a: u32,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, \"{}\", self.a)
    }
}

pub async fn measure(
    n: u32,
) -> u32 {
    n
}

fn main() {
    let _ = Arc::new(Row { a: 1 });
}

// The tests.
#[cfg(test)]
mod tests {
    #[test]
    fn t() {}
}
";

    fn shown(source: &str, spec: &Spec) -> String {
        let hidden = folded(source, spec).unwrap();
        source
            .lines()
            .zip(&hidden)
            .filter(|(_, h)| !**h)
            .map(|(l, _)| format!("{l}\n"))
            .collect()
    }

    #[test]
    fn items_are_found_with_their_names() {
        let lines: Vec<&str> = LISTING.lines().collect();
        let names: Vec<String> = chunks(&lines).into_iter().filter_map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "use loom",
                "use std",
                "struct Row",
                "impl std::fmt::Display for Row",
                "fn measure",
                "fn main",
                "mod tests"
            ]
        );
        assert_eq!(item_name("pub(crate) const fn f() {}"), "fn f");
        assert_eq!(
            item_name("async fn task_spawn_await"),
            "fn task_spawn_await"
        );
        assert_eq!(
            item_name("impl<T: Send> Pool<T> {"),
            "impl<T: Send> Pool<T>"
        );
        assert_eq!(item_name("macro_rules! check {"), "macro_rules! check");
        assert_eq!(
            item_name("static ALLOCATOR: Cap = Cap::new();"),
            "static ALLOCATOR"
        );
    }

    #[test]
    fn tests_and_loom_scaffolding_fold_by_themselves() {
        assert_eq!(
            shown(LISTING, &Spec::Auto),
            "\
// Shows: a header comment, kept visible.
// Run: cargo run -p x
use std::sync::Arc;

struct Row {
    a: u32,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, \"{}\", self.a)
    }
}

pub async fn measure(
    n: u32,
) -> u32 {
    n
}

fn main() {
    let _ = Arc::new(Row { a: 1 });
}
"
        );
    }

    #[test]
    fn named_items_fold_and_all_but_keeps_only_the_named() {
        let s = shown(
            LISTING,
            &Spec::Items(vec![
                "impl std::fmt::Display for Row".into(),
                "async fn measure".into(),
            ]),
        );
        assert!(!s.contains("write!") && !s.contains("n: u32"), "{s}");
        assert!(
            s.contains("struct Row {\n    a: u32,\n}\n\nfn main() {"),
            "{s}"
        );
        let s = shown(LISTING, &Spec::AllBut(vec!["fn main".into()]));
        assert_eq!(
            s,
            "// Shows: a header comment, kept visible.\n// Run: cargo run -p x\n\nfn main() {\n    let _ = Arc::new(Row { a: 1 });\n}\n"
        );
    }

    #[test]
    fn a_name_the_file_lacks_is_an_error_listing_what_it_has() {
        let e = folded(LISTING, &Spec::Items(vec!["fn print_chart".into()])).unwrap_err();
        assert!(
            e.contains("`fn print_chart`") && e.contains("`fn main`"),
            "{e}"
        );
        let e = folded(LISTING, &Spec::AllBut(vec!["mod measure".into()])).unwrap_err();
        assert!(e.contains("`mod measure`"), "{e}");
    }

    #[test]
    fn hidden_lines_give_back_exactly_the_file() {
        for spec in [
            Spec::Auto,
            Spec::AllBut(vec!["fn main".into()]),
            Spec::Items(vec!["struct Row".into()]),
        ] {
            let hidden = folded(LISTING, &spec).unwrap();
            let block = hide(LISTING, &hidden);
            assert_eq!(unhide(&block), LISTING);
            assert!(block.contains("# #[cfg(test)]\n"), "{block}");
            assert_eq!(ambiguous_line(LISTING, &hidden), None);
        }
        let hidden = folded(LISTING, &Spec::Auto).unwrap();
        assert!(hide(LISTING, &hidden).contains("\n#\n# // The tests.\n"));
    }

    #[test]
    fn lines_rustdoc_would_change_are_refused() {
        let src = "fn main() {\n    let s = \"\n# not a heading\n\";\n}\n";
        let hidden = folded(src, &Spec::Auto).unwrap();
        assert_eq!(ambiguous_line(src, &hidden), Some(3));
        assert_eq!(
            ambiguous_line("#[derive(Debug)]\nstruct A;\n", &[false, false]),
            None
        );
    }

    #[test]
    fn one_line_items_and_closers_end_where_they_should() {
        let src = "const A: [u8; 2] = [\n    1,\n    2,\n];\nfn f() -> u8 { 1 }\nfn g(\n    x: u8,\n) -> u8 {\n    x\n}\n";
        let lines: Vec<&str> = src.lines().collect();
        let c = chunks(&lines);
        assert_eq!(
            c.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>(),
            [(0, 3), (4, 4), (5, 9)]
        );
    }

    #[test]
    fn an_attribute_with_a_comment_after_it_does_not_swallow_its_item() {
        let src = "#[tokio::main(flavor = \"current_thread\")] // one thread\nasync fn main() {\n    run();\n}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
        let hidden = folded(src, &Spec::Auto).unwrap();
        // `main` and its attribute stay visible; the test module is folded.
        assert_eq!(&hidden[..4], &[false, false, false, false]);
        assert!(hidden[5..].iter().all(|h| *h), "{hidden:?}");
    }
}
