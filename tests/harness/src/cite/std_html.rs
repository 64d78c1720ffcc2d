//! std, core and alloc items, found in the toolchain's own documentation (the `rust-docs`
//! component rustup installs by default): `$(rustc --print sysroot)/share/doc/rust/html/`.
//!
//! `std::sync::Arc` is the page `std/sync/struct.Arc.html` (any item kind rustdoc names
//! pages by; rustdoc's redirect pages are followed); its text is the page's heading,
//! declaration and top documentation, up to its implementations. `std::sync::Mutex::lock`
//! is the section `method.lock` (or `tymethod.`, an associated type or constant, a variant
//! or a field) of the Mutex page, up to the next item's section. `std::sync` is the module
//! page `std/sync/index.html`, up to its list of items. Tags are stripped and entities
//! decoded before matching.

use super::html_text::text_of;
use super::{Found, Resolved};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The page kinds rustdoc writes (`struct.Arc.html`), types first.
const KINDS: [&str; 14] = [
    "struct",
    "enum",
    "trait",
    "union",
    "primitive",
    "type",
    "fn",
    "macro",
    "constant",
    "static",
    "keyword",
    "derive",
    "attr",
    "traitalias",
];
const TYPE_KINDS: [&str; 6] = ["struct", "enum", "trait", "union", "primitive", "type"];
const MEMBER_ANCHORS: [&str; 6] = [
    "method",
    "tymethod",
    "associatedtype",
    "associatedconstant",
    "variant",
    "structfield",
];

pub struct StdDocs {
    /// `…/share/doc/rust/html`.
    pub html: PathBuf,
    /// The Rust release the docs are of (`1.95.0`), for doc.rust-lang.org links.
    pub version: String,
}

impl StdDocs {
    /// The toolchain's documentation, if it is installed.
    pub fn find() -> Result<StdDocs> {
        let sysroot = rustc(&["--print", "sysroot"])?;
        let version = rustc(&["-V"])?;
        let version = version
            .split_whitespace()
            .nth(1)
            .context("`rustc -V` printed no version")?
            .to_string();
        Ok(StdDocs {
            html: Path::new(sysroot.trim()).join("share/doc/rust/html"),
            version,
        })
    }

    pub fn installed(&self) -> bool {
        self.html.join("std/index.html").is_file()
    }

    /// The page (relative to the docs root) and anchor of a path, if the docs have it.
    fn locate(&self, path: &[String]) -> Option<(String, Option<String>)> {
        let n = path.len();
        if n >= 2 {
            let dir = path[..n - 1].join("/");
            for kind in KINDS {
                let rel = format!("{dir}/{kind}.{}.html", path[n - 1]);
                if self.html.join(&rel).is_file() {
                    return Some((rel, None));
                }
            }
        }
        if n >= 3 {
            let dir = path[..n - 2].join("/");
            for kind in TYPE_KINDS {
                let rel = format!("{dir}/{kind}.{}.html", path[n - 2]);
                if let Ok(html) = self.read(&rel) {
                    for anchor in MEMBER_ANCHORS {
                        let id = format!("{anchor}.{}", path[n - 1]);
                        if html.1.contains(&format!("id=\"{id}\"")) {
                            return Some((html.0, Some(id)));
                        }
                    }
                }
            }
        }
        let rel = format!("{}/index.html", path.join("/"));
        self.html.join(&rel).is_file().then_some((rel, None))
    }

    /// A page's (final, after redirects) relative path and its HTML.
    fn read(&self, rel: &str) -> Result<(String, String)> {
        let mut rel = rel.to_string();
        for _ in 0..4 {
            let html = fs_err::read_to_string(self.html.join(&rel))?;
            match redirect(&html) {
                Some(to) => rel = join_rel(&rel, &to),
                None => return Ok((rel, html)),
            }
        }
        bail!("{rel}: too many redirects")
    }

    /// The item's page and anchor (after redirects) and that page's HTML.
    fn page(&self, path: &[String]) -> Result<(String, Option<String>, String)> {
        let (rel, anchor) = self.locate(path).with_context(|| {
            format!(
                "`{}`: no such item in the std documentation of Rust {} ({})",
                path.join("::"),
                self.version,
                self.html.display()
            )
        })?;
        let (rel, html) = self.read(&rel)?;
        Ok((rel, anchor, html))
    }

    /// The item's documentation link only: what a rendered citation needs, without the
    /// text [`StdDocs::resolve`] extracts to match phrases against.
    pub fn url(&self, path: &[String]) -> Result<String> {
        let (rel, anchor, _) = self.page(path)?;
        Ok(match anchor {
            Some(id) => format!("{}{rel}#{id}", self.url_base()),
            None => format!("{}{rel}", self.url_base()),
        })
    }

    pub fn resolve(&self, path: &[String]) -> Result<Resolved> {
        let (rel, anchor, html) = self.page(path)?;
        let section = match &anchor {
            Some(id) => member_section(&html, id).to_string(),
            None => item_section(&html),
        };
        let main = html
            .find("id=\"main-content\"")
            .map_or(&html[..], |i| &html[i..])
            .to_string();
        let page = rel.clone();
        let location = match &anchor {
            Some(id) => format!("{rel}#{id}"),
            None => rel.clone(),
        };
        Ok(Resolved {
            url: format!("{}{location}", self.url_base()),
            wider: super::Wider::new(move || {
                vec![Found {
                    location: page.clone(),
                    text: super::normalize(&text_of(&main)),
                }]
            }),
            found: vec![Found {
                location,
                text: super::normalize(&text_of(&section)),
            }],
        })
    }

    pub fn url_base(&self) -> String {
        format!("https://doc.rust-lang.org/{}/", self.version)
    }
}

fn rustc(args: &[&str]) -> Result<String> {
    let out = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(args)
        .output()
        .context("running rustc")?;
    anyhow::ensure!(out.status.success(), "rustc {} failed", args.join(" "));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The target of a rustdoc redirect page (`<meta http-equiv="refresh" content="0;URL=…">`).
fn redirect(html: &str) -> Option<String> {
    if html.len() > 4000 || !html.contains("http-equiv=\"refresh\"") {
        return None;
    }
    let at = html.find("URL=")? + 4;
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_string())
}

/// `std/sync/mutex/struct.Mutex.html` + `../../../std/sync/struct.Mutex.html`.
fn join_rel(from: &str, to: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for p in to.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// An item page's own text: from its main content to its implementations (or, for a
/// module, its list of items), and the documentation of each `impl` block (`impl Send
/// for Mutex<T>` says when it applies), without the methods inside them.
fn item_section(html: &str) -> String {
    let mut text = top_section(html).to_string();
    for (at, _) in html.match_indices("<section id=\"impl-") {
        // The section starts at its own `id` (searching for the id from the top of the
        // page for each of a big page's hundreds of impls is quadratic).
        text.push(' ');
        text.push_str(section_from(&html[at + 9..]));
    }
    text
}

fn top_section(html: &str) -> &str {
    let start = html.find("id=\"main-content\"").unwrap_or(0);
    let rest = &html[start..];
    let ends = [
        "<h2 id=\"implementations\"",
        "<h2 id=\"trait-implementations\"",
        "<h2 id=\"synthetic-implementations\"",
        "<h2 id=\"blanket-implementations\"",
        "<h2 id=\"implementors\"",
        "<h2 id=\"required-methods\"",
        "<h2 id=\"provided-methods\"",
        "<h2 id=\"required-associated-types\"",
        "<h2 id=\"provided-associated-types\"",
        "<h2 id=\"required-associated-consts\"",
        "<h2 id=\"provided-associated-consts\"",
        "<h2 id=\"reexports\"",
        "<h2 id=\"modules\"",
        "<h2 id=\"macros\"",
        "<h2 id=\"structs\"",
        "<h2 id=\"enums\"",
        "<h2 id=\"functions\"",
        "<h2 id=\"traits\"",
        "<h2 id=\"types\"",
        "<h2 id=\"constants\"",
        "</main>",
    ];
    let end = ends
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A member's section: from its `id` to the next item's section.
fn member_section<'a>(html: &'a str, id: &str) -> &'a str {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return "";
    };
    section_from(&html[start..])
}

/// From an `id="…"` attribute to the next item's section.
fn section_from(rest: &str) -> &str {
    // The next section bounds the search for the other ends, so that walking a page's
    // sections reads it once, not once per section.
    let next = rest
        .get(1..)
        .and_then(|r| r.find("<section id=\""))
        .map_or(rest.len(), |i| i + 1);
    let end = ["<h2 ", "</main>"]
        .iter()
        .filter_map(|e| rest.get(1..next)?.find(e).map(|i| i + 1))
        .min()
        .unwrap_or(next);
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> StdDocs {
        StdDocs {
            html: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cite/std-html"),
            version: "1.95.0".into(),
        }
    }

    fn path(p: &str) -> Vec<String> {
        p.split("::").map(str::to_string).collect()
    }

    fn has(item: &str, phrase: &str) -> bool {
        fixture()
            .resolve(&path(item))
            .unwrap()
            .find(phrase)
            .is_some()
    }

    #[test]
    fn items_members_and_modules_resolve_with_links() {
        let docs = fixture();
        let r = docs.resolve(&path("std::sync::Mutex")).unwrap();
        assert_eq!(
            r.url,
            "https://doc.rust-lang.org/1.95.0/std/sync/struct.Mutex.html"
        );
        let r = docs.resolve(&path("std::sync::Mutex::lock")).unwrap();
        assert_eq!(
            r.url,
            "https://doc.rust-lang.org/1.95.0/std/sync/struct.Mutex.html#method.lock"
        );
        // A redirect page is followed to the page it names.
        let r = docs.resolve(&path("std::sync::mutex::Mutex")).unwrap();
        assert_eq!(
            r.url,
            "https://doc.rust-lang.org/1.95.0/std/sync/struct.Mutex.html"
        );
        let r = docs.resolve(&path("std::thread::spawn")).unwrap();
        assert_eq!(
            r.url,
            "https://doc.rust-lang.org/1.95.0/std/thread/fn.spawn.html"
        );
        let r = docs.resolve(&path("std::sync")).unwrap();
        assert_eq!(
            r.url,
            "https://doc.rust-lang.org/1.95.0/std/sync/index.html"
        );
        assert!(docs.resolve(&path("std::sync::Nothing")).is_err());
        assert!(docs.resolve(&path("std::sync::Mutex::unlock_all")).is_err());
        // The rendered link (no text extracted) is the one the citations step checks.
        for item in [
            "std::sync::Mutex",
            "std::sync::Mutex::lock",
            "std::sync::mutex::Mutex",
            "std::thread::spawn",
            "std::sync",
        ] {
            assert_eq!(
                docs.url(&path(item)).unwrap(),
                docs.resolve(&path(item)).unwrap().url
            );
        }
        assert!(docs.url(&path("std::sync::Mutex::unlock_all")).is_err());
    }

    #[test]
    fn a_phrase_is_found_only_in_its_own_item() {
        assert!(has(
            "std::sync::Mutex",
            "A mutual exclusion primitive useful for protecting shared data"
        ));
        assert!(has(
            "std::sync::Mutex::lock",
            "blocking the current thread until it is able"
        ));
        assert!(has(
            "std::sync::Mutex::try_lock",
            "Attempts to acquire this lock"
        ));
        assert!(has(
            "std::thread::spawn",
            "Spawns a new thread, returning a JoinHandle for it."
        ));
        assert!(has("std::sync", "Useful synchronization primitives."));
        // Absent; with a word appended; another method's; the type's (not the method's);
        // a trait implementation's (not the type's).
        assert!(!has(
            "std::sync::Mutex::lock",
            "Acquires a mutex without blocking"
        ));
        assert!(!has(
            "std::sync::Mutex::lock",
            "blocking the current thread until it is able quuxly"
        ));
        assert!(!has(
            "std::sync::Mutex::lock",
            "Attempts to acquire this lock"
        ));
        assert!(!has(
            "std::sync::Mutex::lock",
            "A mutual exclusion primitive useful"
        ));
        assert!(!has(
            "std::sync::Mutex",
            "blocking the current thread until it is able"
        ));
        assert!(!has(
            "std::sync::Mutex",
            "Formats the value using the given formatter"
        ));
        // An impl block's own documentation is the type's.
        assert!(has(
            "std::sync::Mutex",
            "T must be Send for a Mutex to be Sync"
        ));
        assert!(!has(
            "std::sync::Mutex::lock",
            "T must be Send for a Mutex to be Sync"
        ));
        // A variant's section.
        assert!(has(
            "std::sync::atomic::Ordering::Relaxed",
            "No ordering constraints, only atomic operations."
        ));
        assert!(!has(
            "std::sync::atomic::Ordering::Relaxed",
            "Like Relaxed, but with release semantics"
        ));
        // Near the item, not in it: a hint names where.
        let r = fixture().resolve(&path("std::sync::Mutex")).unwrap();
        assert!(r.find("Attempts to acquire this lock").is_none());
        assert!(r.found_nearby("Attempts to acquire this lock").is_some());
        // The sidebar and the module's item list are not the module's text.
        assert!(!has("std::sync", "A mutual exclusion primitive useful"));
    }
}
