//! Go items, found in the sources of the Go the book's programs are checked with
//! (`$(go env GOROOT)/src/<package>/*.go`, test files left out).
//!
//! `go:sync.WaitGroup.Add` is the method declaration `func (wg *WaitGroup) Add(` (or, for
//! an interface, the method line `Add(…)` inside `type WaitGroup interface {…}`);
//! `go:context.WithTimeout` the top-level `func`, `type`, `var` or `const` of that name
//! (inside a `var (…)` group too). Its text is the `//` comment right above it and the
//! declaration with its body. `go:runtime` alone is the package: its documentation and
//! every file of it.

use super::{Found, Resolved};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub struct GoSources {
    /// `$GOROOT/src`.
    pub src: PathBuf,
    /// The release linked on pkg.go.dev (`go1.19.8`).
    pub version: String,
}

impl GoSources {
    pub fn resolve(&self, package: &str, idents: &[String]) -> Result<Resolved> {
        let dir = self.src.join(package);
        let mut files = Vec::new();
        for entry in fs_err::read_dir(&dir).with_context(|| {
            format!("`{package}` is not a package of Go's standard library here")
        })? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".go") && !name.ends_with("_test.go") {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            bail!("`{package}` has no Go files in {}", dir.display());
        }
        let url = super::go_url(package, idents, &self.version);
        let mut found = Vec::new();
        let mut wider = Vec::new();
        let rel = |p: &Path| {
            p.strip_prefix(self.src.parent().unwrap_or(&self.src))
                .unwrap_or(p)
                .display()
                .to_string()
        };
        if idents.is_empty() {
            for f in &files {
                found.push(Found {
                    location: rel(f),
                    text: super::normalize(&fs_err::read_to_string(f)?),
                });
            }
        } else {
            for f in &files {
                let text = fs_err::read_to_string(f)?;
                wider.push((rel(f), f.clone()));
                for (line, decl) in declarations(&text, idents) {
                    found.push(Found {
                        location: format!("{}:{line}", rel(f)),
                        text: super::normalize(&decl),
                    });
                }
            }
            if found.is_empty() {
                bail!(
                    "`go:{package}.{}`: no such declaration in {} ({})",
                    idents.join("."),
                    self.version,
                    dir.display()
                );
            }
        }
        Ok(Resolved {
            found,
            wider: super::Wider::new(move || {
                wider
                    .iter()
                    .map(|(location, path)| Found {
                        location: location.clone(),
                        text: super::normalize(&fs_err::read_to_string(path).unwrap_or_default()),
                    })
                    .collect()
            }),
            url,
        })
    }
}

/// Go code with comments and string and rune literals blanked (offsets kept).
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let (end, skip) = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => (
                b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p),
                0,
            ),
            b'/' if b.get(i + 1) == Some(&b'*') => (
                b[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(b.len(), |p| i + 4 + p),
                0,
            ),
            b'`' => (
                b[i + 1..]
                    .iter()
                    .position(|&c| c == b'`')
                    .map_or(b.len(), |p| i + 1 + p),
                1,
            ),
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                (j.min(b.len()), 1)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        blank(&mut out, i + skip, end);
        i = (end + skip).max(i + 1);
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The declarations of `idents` in one file: (1-based line, doc comment and declaration).
fn declarations(text: &str, idents: &[String]) -> Vec<(usize, String)> {
    let masked = mask(text);
    let lines: Vec<&str> = masked.lines().collect();
    let originals: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_group = false; // inside `var (`, `const (` or `type (`
    for (i, line) in lines.iter().enumerate() {
        if in_group {
            if line.starts_with(')') {
                in_group = false;
                continue;
            }
            let indented = line.starts_with('\t') && !line.starts_with("\t\t");
            if let ([name], true) = (idents, indented) {
                // `Name = …`, `Name Type = …`, `A, B = …`
                let names = line.trim_start().split('=').next().unwrap_or("");
                let mut declared = names
                    .split(',')
                    .map(|n| n.split_whitespace().next().unwrap_or(""));
                if declared.any(|n| n == name) {
                    out.push((i + 1, with_doc(&originals, &lines, i)));
                }
            }
            continue;
        }
        if ["var", "const", "type"]
            .iter()
            .any(|kw| word_then(line, kw) && line[kw.len()..].trim_start().starts_with('('))
        {
            in_group = true;
            continue;
        }
        let decl = match idents {
            [name] => ["func", "type", "var", "const"].iter().any(|kw| {
                word_then(line, kw) && {
                    let rest = line[kw.len()..].trim_start();
                    word_then(rest, name)
                }
            }),
            [ty, method] => {
                word_then(line, "func")
                    && line[4..].trim_start().starts_with('(')
                    && receiver_is(&line[4..], ty)
                    && word_then(
                        line[4..]
                            .trim_start()
                            .split_once(')')
                            .map_or("", |(_, r)| r.trim_start()),
                        method,
                    )
            }
            _ => false,
        };
        if decl {
            out.push((i + 1, with_doc(&originals, &lines, i)));
        }
    }
    // An interface's method: `Done() <-chan struct{}` inside `type Context interface {`.
    if out.is_empty()
        && let [ty, method] = idents
    {
        out = interface_methods(&originals, &lines, ty, method);
    }
    out
}

/// `s` starts with the word `w` (followed by no identifier character).
fn word_then(s: &str, w: &str) -> bool {
    s.strip_prefix(w)
        .filter(|r| r.starts_with(|c: char| !(c.is_alphanumeric() || c == '_')) || r.is_empty())
        .is_some()
}

/// The method `method` of the interface `ty`: its line in the interface's block.
fn interface_methods(
    originals: &[&str],
    lines: &[&str],
    ty: &str,
    method: &str,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let rest = line.strip_prefix("type ").map(str::trim_start);
        if !rest.is_some_and(|r| word_then(r, ty) && r.contains("interface")) {
            continue;
        }
        let end = block_end(lines, i);
        for j in i + 1..end {
            let member = lines[j].trim_start();
            if lines[j].starts_with('\t') && word_then(member, method) {
                out.push((j + 1, doc_and_line(originals, lines, j)));
            }
        }
    }
    out
}

/// `(wg *WaitGroup)`, `(m Map[K, V])`, `(WaitGroup)`: whether the receiver's type is `ty`.
fn receiver_is(after_func: &str, ty: &str) -> bool {
    let Some(inside) = after_func
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|(r, _)| r)
    else {
        return false;
    };
    let t = inside.split_whitespace().last().unwrap_or("");
    t.trim_start_matches('*').split('[').next() == Some(ty)
}

/// The comment lines right above line `i`, then the declaration through its body.
fn with_doc(originals: &[&str], masked: &[&str], i: usize) -> String {
    let end = block_end(masked, i);
    let mut text = doc_above(originals, i);
    for l in &originals[i..end.min(originals.len())] {
        text.push_str(l);
        text.push('\n');
    }
    text
}

fn doc_and_line(originals: &[&str], _masked: &[&str], i: usize) -> String {
    let mut text = doc_above(originals, i);
    text.push_str(originals[i]);
    text
}

fn doc_above(originals: &[&str], i: usize) -> String {
    let mut start = i;
    while start > 0 && originals[start - 1].trim_start().starts_with("//") {
        start -= 1;
    }
    let mut text = String::new();
    for l in &originals[start..i] {
        text.push_str(l);
        text.push('\n');
    }
    text
}

/// The line after a declaration ends: when its brackets close again (a body, a struct, a
/// multi-line value), else its own line.
fn block_end(masked: &[&str], i: usize) -> usize {
    let mut depth = 0i32;
    for (j, line) in masked.iter().enumerate().skip(i) {
        for c in line.chars() {
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            return j + 1;
        }
    }
    masked.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> GoSources {
        GoSources {
            src: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cite/go/src"),
            version: "go1.19.8".into(),
        }
    }

    fn idents(s: &str) -> Vec<String> {
        s.split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn has(package: &str, item: &str, phrase: &str) -> bool {
        fixture()
            .resolve(package, &idents(item))
            .unwrap()
            .find(phrase)
            .is_some()
    }

    #[test]
    fn declarations_resolve_with_links() {
        let go = fixture();
        let r = go.resolve("sync", &idents("WaitGroup.Add")).unwrap();
        assert_eq!(r.url, "https://pkg.go.dev/sync@go1.19.8#WaitGroup.Add");
        assert_eq!(r.found.len(), 1);
        assert!(
            r.found[0].location.ends_with("src/sync/waitgroup.go:20"),
            "{}",
            r.found[0].location
        );
        let r = go.resolve("net/http", &idents("Server.Shutdown")).unwrap();
        assert_eq!(
            r.url,
            "https://pkg.go.dev/net/http@go1.19.8#Server.Shutdown"
        );
        let r = go.resolve("sync", &[]).unwrap();
        assert_eq!(r.url, "https://pkg.go.dev/sync@go1.19.8");
        for absent in ["WaitGroup.Reset", "Nothing", "Group.Add"] {
            assert!(go.resolve("sync", &idents(absent)).is_err(), "{absent}");
        }
        assert!(go.resolve("nosuchpkg", &idents("X")).is_err());
    }

    #[test]
    fn a_phrase_is_found_only_in_its_own_declaration() {
        assert!(has(
            "sync",
            "WaitGroup.Add",
            "If the counter goes negative, Add panics."
        ));
        assert!(has(
            "sync",
            "WaitGroup.Add",
            "panic(\"sync: negative WaitGroup counter\")"
        ));
        assert!(has(
            "sync",
            "WaitGroup",
            "A WaitGroup waits for a collection of goroutines to finish."
        ));
        assert!(has(
            "sync",
            "ErrClosed",
            "is returned after the group was closed"
        ));
        assert!(has("sync", "MaxWaiters", "The most waiters a group holds"));
        assert!(has(
            "context",
            "Context.Done",
            "Done returns a channel that's closed when work done"
        ));
        assert!(has(
            "context",
            "WithTimeout",
            "WithTimeout returns WithDeadline(parent, time.Now().Add(timeout))."
        ));
        assert!(has(
            "net/http",
            "Server.Shutdown",
            "Shutdown gracefully shuts down the server"
        ));
        // The package: its doc and any of its files.
        assert!(has(
            "sync",
            "",
            "Package sync provides basic synchronization primitives"
        ));
        assert!(has("sync", "", "If the counter goes negative, Add panics."));
        // Absent; a word appended; another method's; the type's, not the method's; a
        // test file's.
        assert!(!has(
            "sync",
            "WaitGroup.Add",
            "If the counter goes positive, Add panics."
        ));
        assert!(!has(
            "sync",
            "WaitGroup.Add",
            "If the counter goes negative, Add panics. quuxly"
        ));
        assert!(!has(
            "sync",
            "WaitGroup.Add",
            "Wait blocks until the WaitGroup counter is zero."
        ));
        assert!(!has(
            "sync",
            "WaitGroup.Add",
            "A WaitGroup waits for a collection of goroutines"
        ));
        assert!(!has("sync", "", "only a test says this"));
        assert!(!has(
            "context",
            "WithTimeout",
            "Done returns a channel that's closed"
        ));
    }
}
