//! The uncited statements: paragraphs that name a Tokio, std or Go item in inline code with
//! no citation, listing or reference (reported, not failed: judged by reading).

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

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
pub(super) fn uncited_paragraphs(text: &str) -> Vec<(usize, String)> {
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
}
