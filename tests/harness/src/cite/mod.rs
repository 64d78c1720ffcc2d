//! Citations: `{{#cite ITEM "PHRASE"}}` after a sentence about how Tokio, std or Go
//! behaves. `parse` finds them in a page; `rust_src` (crates, from the sources cargo
//! downloaded), `std_html` (the toolchain's own std documentation) and `go_src` (`$GOROOT/src`)
//! find the item at the version the book builds with and the text a phrase may be quoted
//! from; `render` turns each citation into a quiet superscript link for readers. The check
//! step (`checks/citations/`) proves every phrase is there, and that a phrase with a word
//! appended is not.
//!
//! Matching, the same for every source: the item's text (its doc comment and its
//! definition's body; for std, its section of the rendered page) and the phrase both have
//! comment markers (`///`, `//!`, `//`, `/*`, `*/`, a leading `*`) and backticks removed and
//! every run of whitespace collapsed to one space; then the phrase must occur, exactly
//! (case included), and not in the middle of a word.

pub mod go_src;
pub mod html_text;
pub mod parse;
pub mod render;
pub mod rust_src;
pub mod std_html;

use anyhow::{Result, bail};

/// The Go release whose documentation the book links (pkg.go.dev), and whose sources the
/// Go citations must be checked against: the Go the book's Go programs are checked with
/// (Debian's golang-go, see `go.rs`). The citations step fails if the Go it finds is
/// another minor release.
pub const GO_VERSION: &str = "go1.19.8";

/// What a citation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A crate of the book's dependency graph: its library name (`tokio_util`) and the
    /// path after it (`["sync", "CancellationToken", "child_token"]`).
    Crate { krate: String, path: Vec<String> },
    /// std, core or alloc: the whole path, `["std", "sync", "Mutex", "lock"]`.
    Std { path: Vec<String> },
    /// Go: the package path (`net/http`) and the identifiers after it (`["Server",
    /// "Shutdown"]`; none for the package itself).
    Go {
        package: String,
        idents: Vec<String>,
    },
}

impl Item {
    /// Reads `tokio::task::JoinSet::join_all`, `std::sync::Arc`, `go:sync.WaitGroup.Add`.
    pub fn parse(s: &str) -> Result<Item> {
        if let Some(go) = s.strip_prefix("go:") {
            let (dir, last) = match go.rfind('/') {
                Some(i) => (&go[..=i], &go[i + 1..]),
                None => ("", go),
            };
            let mut parts = last.split('.');
            let package = format!("{dir}{}", parts.next().unwrap_or_default());
            let idents: Vec<String> = parts.map(str::to_string).collect();
            let package_ok = !package.is_empty()
                && package.split('/').all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                });
            if !package_ok || !idents.iter().all(|i| is_ident(i)) {
                bail!(
                    "`{s}` is not a Go item: write go:PACKAGE or go:PACKAGE.Name[.Method] \
                     (go:sync.WaitGroup.Add, go:net/http.Server.Shutdown)"
                );
            }
            return Ok(Item::Go { package, idents });
        }
        let s = s.strip_suffix('!').unwrap_or(s);
        let path: Vec<String> = s.split("::").map(str::to_string).collect();
        if path.iter().any(|p| !is_ident(p)) {
            bail!(
                "`{s}` is not a Rust path (tokio::task::JoinSet::join_all, std::sync::Arc) \
                 nor a Go item (go:sync.WaitGroup.Add)"
            );
        }
        Ok(match path[0].as_str() {
            "std" | "core" | "alloc" => Item::Std { path },
            _ => Item::Crate {
                krate: path[0].clone(),
                path: path[1..].to_vec(),
            },
        })
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Text as a phrase is matched against it: comment markers and backticks removed,
/// whitespace collapsed.
pub fn normalize(text: &str) -> String {
    let mut words = String::with_capacity(text.len());
    for line in text.lines() {
        let mut l = line.trim();
        for marker in ["///", "//!", "/**", "/*!", "//", "/*"] {
            if let Some(rest) = l.strip_prefix(marker) {
                l = rest;
                break;
            }
        }
        if l.starts_with('*') && !l.starts_with("**") {
            l = &l[1..];
        }
        let l = l.strip_suffix("*/").unwrap_or(l);
        for w in l.split_whitespace() {
            let w = w.replace('`', "");
            if w.is_empty() {
                continue;
            }
            if !words.is_empty() {
                words.push(' ');
            }
            words.push_str(&w);
        }
    }
    words
}

/// The phrase as matched: backticks removed, whitespace collapsed (it is quoted from
/// documentation, not written with comment markers).
pub fn normalize_phrase(phrase: &str) -> String {
    phrase
        .split_whitespace()
        .map(|w| w.replace('`', ""))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the (normalized) phrase occurs in the (normalized) text, not starting or
/// ending inside a word.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        let starts_word = word(phrase.chars().next());
        let ends_word = word(phrase.chars().next_back());
        !(starts_word && word(before) || ends_word && word(after))
    })
}

/// The phrase with a word appended: the check requires it NOT to match, or the lookup
/// is too loose to prove anything.
pub fn altered(phrase: &str) -> String {
    format!("{phrase} quuxly")
}

/// One place an item's text was found: where (for messages) and the normalized text.
#[derive(Debug, Clone)]
pub struct Found {
    /// `tokio-1.54.1/src/task/join_set.rs:412`, `std/sync/struct.Mutex.html#method.lock`.
    pub location: String,
    pub text: String,
}

/// The files or pages around an item, read only when a phrase is not in the item.
#[derive(Clone)]
pub struct Wider(pub std::rc::Rc<dyn Fn() -> Vec<Found>>);

impl Wider {
    pub fn new(f: impl Fn() -> Vec<Found> + 'static) -> Wider {
        Wider(std::rc::Rc::new(f))
    }
}

impl std::fmt::Debug for Wider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wider(..)")
    }
}

/// The item resolved: every definition its name stands for (cfg alternatives can make
/// several), and what a link to its documentation needs.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub found: Vec<Found>,
    /// The files or pages the item is in, whole (normalized): not matched against, only
    /// to tell a writer that the phrase belongs to a neighbouring item.
    pub wider: Wider,
    /// The documentation page, as a link (docs.rs, doc.rust-lang.org or pkg.go.dev).
    pub url: String,
}

impl Resolved {
    /// Whether the phrase is there once Markdown emphasis and link brackets (`*`, `_`,
    /// `[`, `]`) are ignored: a hint for a phrase copied from rendered documentation.
    pub fn found_as_rendered(&self, phrase: &str) -> bool {
        let plain = |s: &str| s.replace(['*', '_', '[', ']'], "");
        let phrase = plain(&normalize_phrase(phrase));
        self.found
            .iter()
            .any(|f| contains_phrase(&plain(&f.text), &phrase))
    }

    /// Where the phrase is near the item but not in it (another item of its file or page).
    pub fn found_nearby(&self, phrase: &str) -> Option<Found> {
        let phrase = normalize_phrase(phrase);
        (self.wider.0)()
            .into_iter()
            .find(|f| contains_phrase(&f.text, &phrase))
    }

    /// The first place the phrase occurs, if any.
    pub fn find(&self, phrase: &str) -> Option<&Found> {
        let phrase = normalize_phrase(phrase);
        self.found
            .iter()
            .find(|f| contains_phrase(&f.text, &phrase))
    }
}

/// A Go item's page: pkg.go.dev at that release, which documents exported names (and the
/// `builtin` package's); an unexported name (a runtime internal) is linked to its package's
/// source at that release instead.
pub fn go_url(package: &str, idents: &[String], version: &str) -> String {
    let documented = package == "builtin"
        || idents
            .first()
            .is_none_or(|i| i.starts_with(|c: char| c.is_ascii_uppercase()));
    if !documented {
        return format!("https://github.com/golang/go/tree/{version}/src/{package}");
    }
    let mut url = format!("https://pkg.go.dev/{package}@{version}");
    if !idents.is_empty() {
        url.push('#');
        url.push_str(&idents.join("."));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_parse() {
        assert_eq!(
            Item::parse("tokio::task::JoinSet::join_all").unwrap(),
            Item::Crate {
                krate: "tokio".into(),
                path: vec!["task".into(), "JoinSet".into(), "join_all".into()]
            }
        );
        assert_eq!(
            Item::parse("tokio::select!").unwrap(),
            Item::Crate {
                krate: "tokio".into(),
                path: vec!["select".into()]
            }
        );
        assert!(matches!(
            Item::parse("std::sync::Arc").unwrap(),
            Item::Std { .. }
        ));
        assert_eq!(
            Item::parse("go:net/http.Server.Shutdown").unwrap(),
            Item::Go {
                package: "net/http".into(),
                idents: vec!["Server".into(), "Shutdown".into()]
            }
        );
        assert_eq!(
            Item::parse("go:runtime").unwrap(),
            Item::Go {
                package: "runtime".into(),
                idents: vec![]
            }
        );
        for bad in [
            "tokio::",
            "tokio::task::JoinSet<T>",
            "go:",
            "go:sync.",
            "go:sync.Wait Group",
            "",
        ] {
            assert!(Item::parse(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn comment_markers_backticks_and_whitespace_do_not_count() {
        let text = normalize(
            "    /// Waits on multiple concurrent branches, returning when the **first** branch\n\
             /// completes, cancelling the `remaining`\n    //! branches.\n /* block\n  * comment */",
        );
        assert_eq!(
            text,
            "Waits on multiple concurrent branches, returning when the **first** branch \
             completes, cancelling the remaining branches. block comment"
        );
        let phrase = normalize_phrase("cancelling the\n  `remaining` branches");
        assert!(contains_phrase(&text, &phrase));
        // Case counts, and words are whole.
        assert!(!contains_phrase(&text, "Cancelling the remaining"));
        assert!(!contains_phrase(&text, "aits on multiple"));
        assert!(!contains_phrase(&text, "the remaining branch"));
        assert!(!contains_phrase(&text, &altered(&phrase)));
        assert!(!contains_phrase(&text, ""));
    }
}
