//! What readers see: each `{{#cite ITEM "PHRASE"}}` becomes a small superscript link,
//! glued to the sentence before it, to the item's documentation at the version the book
//! is checked with (docs.rs for crates, doc.rust-lang.org for std, pkg.go.dev for Go), its
//! title holding the quoted phrase:
//!
//! ```html
//! <sup class="cite"><a href="https://docs.rs/tokio/1.54.1/tokio/task/struct.JoinSet.html#method.join_all"
//!   title="tokio 1.54.1: tokio::task::JoinSet::join_all — “…”">tokio</a></sup>
//! ```
//!
//! The preprocessor needs neither Go nor the network: crate versions come from
//! `Cargo.lock`, the page kind (`struct.`, `fn.`, `macro.`…) from the crate's sources in
//! cargo's cache and from the toolchain's std documentation; an item it cannot place
//! there is linked to a search of that version's documentation instead (the citations
//! step fails on such an item anyway, and checks that every link is the item's page).

use super::parse::{self, Citation};
use super::rust_src::Crates;
use super::std_html::StdDocs;
use super::{GO_VERSION, Item};
use anyhow::{Result, bail};
use std::cell::OnceCell;

/// Turns items into links.
pub struct Linker {
    pub crates: Crates,
    pub std: StdDocs,
    pub go_version: String,
}

/// A citation's link: where it goes, what it says, its tooltip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// `tokio`, `tokio-util`, `std`, `Go`.
    pub label: String,
    /// `tokio 1.54.1`, `Rust 1.95.0`, `Go 1.19.8`.
    pub source: String,
}

impl Linker {
    pub fn new(root: &std::path::Path) -> Result<Linker> {
        Ok(Linker {
            crates: Crates::from_lock(root)?,
            std: StdDocs::find()?,
            go_version: GO_VERSION.to_string(),
        })
    }

    pub fn link(&self, item: &Item, written: &str) -> Link {
        let search = written.trim_start_matches("go:");
        match item {
            Item::Crate { krate, path } => match self.crates.get(krate) {
                Some(info) => Link {
                    url: self.crates.resolve(krate, path).map_or_else(
                        |_| {
                            format!(
                                "https://docs.rs/{}/{}/{}/?search={search}",
                                info.package, info.version, info.lib
                            )
                        },
                        |r| r.url,
                    ),
                    label: info.package.clone(),
                    source: format!("{} {}", info.package, info.version),
                },
                None => Link {
                    url: format!("https://docs.rs/{krate}/latest/{krate}/?search={search}"),
                    label: krate.clone(),
                    source: krate.clone(),
                },
            },
            Item::Std { path } => Link {
                url: self.std.url(path).unwrap_or_else(|_| {
                    format!("{}std/index.html?search={search}", self.std.url_base())
                }),
                label: path[0].clone(),
                source: format!("Rust {}", self.std.version),
            },
            Item::Go { package, idents } => {
                let url = super::go_url(package, idents, &self.go_version);
                Link {
                    url,
                    label: "Go".into(),
                    source: format!("Go {}", self.go_version.trim_start_matches("go")),
                }
            }
        }
    }

    /// The superscript for one citation.
    pub fn html(&self, c: &Citation) -> String {
        let link = self.link(&c.item, &c.written);
        let title = format!(
            "{}: {} \u{2014} \u{201c}{}\u{201d}",
            link.source,
            c.written.trim_start_matches("go:"),
            super::normalize_phrase(&c.phrase)
        );
        format!(
            "<sup class=\"cite\"><a href=\"{}\" title=\"{}\">{}</a></sup>",
            attr(&link.url),
            attr(&title),
            attr(&link.label)
        )
    }
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

thread_local! {
    static LINKER: OnceCell<Linker> = const { OnceCell::new() };
}

/// The preprocessor's hook: a page's citations rendered (a page without any is returned
/// as it is, and nothing is read). Bad syntax fails, naming the line.
pub fn expand(markdown: &str, page: &str) -> Result<String> {
    if !markdown.contains(parse::OPEN) {
        return Ok(markdown.to_string());
    }
    LINKER.with(|cell| {
        if cell.get().is_none() {
            let ctx = crate::context::Ctx::discover()?;
            let _ = cell.set(Linker::new(&ctx.root)?);
        }
        let linker = cell.get().expect("set above");
        expand_with(markdown, page, linker)
    })
}

pub fn expand_with(markdown: &str, page: &str, linker: &Linker) -> Result<String> {
    let parsed = parse::parse(markdown);
    if let Some(e) = parsed.errors.first() {
        bail!("{page}:{}: {}", e.line, e.message);
    }
    // Edits, in order: (range, replacement).
    let mut edits: Vec<(std::ops::Range<usize>, String)> = parsed
        .citations
        .iter()
        .map(|c| (c.range.clone(), linker.html(c)))
        .chain(parsed.escapes.iter().map(|&at| (at..at + 1, String::new())))
        .collect();
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for (range, replacement) in edits {
        out.push_str(&markdown[done..range.start]);
        if !replacement.is_empty() {
            // Glue the superscript to the sentence: drop the spaces before it, and the
            // line break if it starts a line that continues a paragraph.
            let kept = out.trim_end_matches([' ', '\t']).len();
            out.truncate(kept);
            if out.ends_with('\n') && !out.ends_with("\n\n") && out.len() > 1 {
                out.pop();
                let kept = out.trim_end_matches([' ', '\t']).len();
                out.truncate(kept);
            }
        }
        out.push_str(&replacement);
        done = range.end;
    }
    out.push_str(&markdown[done..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::rust_src::CrateInfo;
    use super::*;
    use std::path::Path;

    fn linker() -> Linker {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cite");
        Linker {
            crates: Crates::new(vec![CrateInfo {
                package: "demo".into(),
                version: "1.2.3".into(),
                lib: "demo".into(),
                root_file: fixtures.join("crates/demo/src/lib.rs"),
                deps: vec![],
            }]),
            std: StdDocs {
                html: fixtures.join("std-html"),
                version: "1.95.0".into(),
            },
            go_version: "go1.19.8".into(),
        }
    }

    #[test]
    fn citations_become_superscript_links_at_the_pinned_versions() {
        let md = "A sender waits. {{#cite demo::sync::Sender::send \"Sends a value, waiting\"}} \
                  A lock blocks.\n{{#cite std::sync::Mutex::lock \"Acquires a mutex, blocking\"}}\n\n\
                  Add panics {{#cite go:sync.WaitGroup.Add \"If the counter goes negative\"}}.\n";
        let out = expand_with(md, "ch01/x.md", &linker()).unwrap();
        assert_eq!(
            out,
            "A sender waits.<sup class=\"cite\"><a href=\"https://docs.rs/demo/1.2.3/demo/sync/struct.Sender.html#method.send\" \
             title=\"demo 1.2.3: demo::sync::Sender::send \u{2014} \u{201c}Sends a value, waiting\u{201d}\">demo</a></sup> \
             A lock blocks.<sup class=\"cite\"><a href=\"https://doc.rust-lang.org/1.95.0/std/sync/struct.Mutex.html#method.lock\" \
             title=\"Rust 1.95.0: std::sync::Mutex::lock \u{2014} \u{201c}Acquires a mutex, blocking\u{201d}\">std</a></sup>\n\n\
             Add panics<sup class=\"cite\"><a href=\"https://pkg.go.dev/sync@go1.19.8#WaitGroup.Add\" \
             title=\"Go 1.19.8: sync.WaitGroup.Add \u{2014} \u{201c}If the counter goes negative\u{201d}\">Go</a></sup>.\n"
        );
    }

    #[test]
    fn unexported_go_names_link_to_their_source() {
        let l = linker();
        let go = |package: &str, idents: &[&str]| Item::Go {
            package: package.into(),
            idents: idents.iter().map(|i| i.to_string()).collect(),
        };
        assert_eq!(
            l.link(&go("sync", &["WaitGroup", "Add"]), "go:sync.WaitGroup.Add")
                .url,
            "https://pkg.go.dev/sync@go1.19.8#WaitGroup.Add"
        );
        assert_eq!(
            l.link(&go("runtime", &["runqsteal"]), "go:runtime.runqsteal")
                .url,
            "https://github.com/golang/go/tree/go1.19.8/src/runtime"
        );
        assert_eq!(
            l.link(&go("runtime", &[]), "go:runtime").url,
            "https://pkg.go.dev/runtime@go1.19.8"
        );
        // The builtin package's lowercase names are documented.
        assert_eq!(
            l.link(&go("builtin", &["panic"]), "go:builtin.panic").url,
            "https://pkg.go.dev/builtin@go1.19.8#panic"
        );
    }

    #[test]
    fn code_escapes_and_unplaceable_items() {
        let l = linker();
        let md = "`{{#cite std::sync::Arc \"a b c\"}}` and \\{{#cite std::sync::Arc \"a b c\"}}\n\n```\n{{#cite x\n```\n";
        assert_eq!(
            expand_with(md, "p.md", &l).unwrap(),
            "`{{#cite std::sync::Arc \"a b c\"}}` and {{#cite std::sync::Arc \"a b c\"}}\n\n```\n{{#cite x\n```\n"
        );
        // Items the sources do not have are linked to a search, never dropped.
        let out = expand_with("X. {{#cite demo::nothing \"a b c\"}}", "p.md", &l).unwrap();
        assert!(
            out.contains("href=\"https://docs.rs/demo/1.2.3/demo/?search=demo::nothing\""),
            "{out}"
        );
        let out = expand_with("X. {{#cite std::sync::Nothing \"a b c\"}}", "p.md", &l).unwrap();
        assert!(out.contains(
            "href=\"https://doc.rust-lang.org/1.95.0/std/index.html?search=std::sync::Nothing\""
        ));
        // Attributes are escaped.
        let out = expand_with("X. {{#cite std::sync::Mutex \"a <b> & c\"}}", "p.md", &l).unwrap();
        assert!(out.contains("\u{201c}a &lt;b&gt; &amp; c\u{201d}"), "{out}");
    }

    #[test]
    fn bad_syntax_fails_naming_page_and_line() {
        let e = expand_with(
            "ok\n\nsee {{#cite std::sync::Arc}}\n",
            "ch01/x.md",
            &linker(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("ch01/x.md:3: "), "{e}");
        assert!(expand("no citation here {{#ref x}}", "p.md").is_ok());
    }
}
