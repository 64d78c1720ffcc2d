//! The book as mdBook builds it: no warning from mdBook, no raw `{{#` directive left in a
//! page, no broken internal link or anchor, no `ignore`d Rust block, and exactly one
//! index of listings that links every listing.

use super::{Problems, Run};
use crate::context::Ctx;
use crate::declaration::Listing;
use crate::markdown;
use crate::mdbook::{summary_pages, walk};
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut problems = crate::mdbook::build(ctx)?;
    // Even after mdBook complained, say which pages show a raw directive.
    if ctx.html().is_dir() {
        problems.extend(html(ctx)?);
    }
    if problems.is_empty() {
        problems.extend(no_ignored_blocks(ctx)?);
        problems.extend(index_of_listings(ctx, run.all)?);
    }
    if problems.is_empty() {
        eprintln!("  book built: {}", ctx.html().join("index.html").display());
    }
    Ok(problems)
}

/// A Rust block marked `ignore` would be skipped by `mdbook test` and skeptic alike: the
/// book must not dodge its own tests.
fn no_ignored_blocks(ctx: &Ctx) -> Result<Problems> {
    let mut problems = Vec::new();
    for page in walk(&ctx.markdown(), "md")? {
        for block in markdown::code_blocks(&fs_err::read_to_string(&page)?) {
            if block.is_rust() && block.has("ignore") {
                let rel = page.strip_prefix(ctx.markdown()).unwrap_or(&page);
                problems.push(format!(
                    "{}: a ```{} block: `ignore` skips the doctests; make it compile, or declare what it shows",
                    ctx.page(&rel.display().to_string()),
                    block.info
                ));
            }
        }
    }
    Ok(problems)
}

/// The book must have exactly one index of listings (`{{#index-of-listings}}`), and the
/// rendered index must link every listing.
fn index_of_listings(ctx: &Ctx, listings: &[Listing]) -> Result<Problems> {
    let pages: Vec<String> = summary_pages(ctx)?
        .into_iter()
        .filter(|page| {
            fs_err::read_to_string(ctx.src.join(page))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "{{#index-of-listings}}"))
        })
        .collect();
    let [page] = pages.as_slice() else {
        return Ok(vec![format!(
            "{}: the book needs exactly one page with {{{{#index-of-listings}}}}, found {pages:?}",
            ctx.page("SUMMARY.md")
        )]);
    };
    let html = ctx.html().join(page.replace(".md", ".html"));
    let text = fs_err::read_to_string(&html)?;
    Ok(listings
        .iter()
        .filter(|l| !text.contains(&format!("#listing-{}\"", l.label())))
        .map(|l| {
            format!(
                "{}: the index of listings does not link {}",
                ctx.rel(&html),
                l.id
            )
        })
        .collect())
}

/// Every page: no directive left unexpanded, every internal link and anchor resolves.
fn html(ctx: &Ctx) -> Result<Problems> {
    let html_root = ctx.html();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut texts = Vec::new();
    for p in walk(&html_root, "html")? {
        let text = fs_err::read_to_string(&p)?;
        ids.insert(
            p.clone(),
            attribute_values(&text, "id").into_iter().collect(),
        );
        texts.push((p, text));
    }
    let mut problems = Vec::new();
    for (page, text) in &texts {
        let rel = ctx.rel(page);
        for (n, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("{{#") {
                let snippet: String = line[pos..].chars().take(80).collect();
                problems.push(format!(
                    "{rel}:{}: raw directive left in the page: {snippet}",
                    n + 1
                ));
            }
        }
        // print.html repeats every chapter with rewritten links; the chapters are checked.
        if page
            .file_name()
            .is_some_and(|f| f == "print.html" || f == "404.html")
        {
            continue;
        }
        for href in attribute_values(text, "href")
            .into_iter()
            .chain(attribute_values(text, "src"))
        {
            if let Some(problem) = broken_link(&html_root, page, &href, &ids) {
                problems.push(format!("{rel}: broken link `{href}`: {problem}"));
            }
        }
    }
    Ok(problems)
}

/// Why a link from `page` does not resolve, if it does not.
fn broken_link(
    html_root: &Path,
    page: &Path,
    href: &str,
    ids: &HashMap<PathBuf, HashSet<String>>,
) -> Option<String> {
    if href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("javascript:")
        || href.starts_with("data:")
    {
        return None;
    }
    let (file, fragment) = match href.split_once('#') {
        Some((f, frag)) => (f, Some(frag)),
        None => (href, None),
    };
    let file = file.split('?').next().unwrap_or("");
    let target = if file.is_empty() {
        page.to_path_buf()
    } else {
        normalize(&page.parent().unwrap_or(html_root).join(file))
    };
    let target = if target.is_dir() {
        target.join("index.html")
    } else {
        target
    };
    if !target.exists() && !ids.contains_key(&target) {
        return Some(format!("no {}", target.display()));
    }
    if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
        let known = ids.get(&target).is_some_and(|set| set.contains(frag));
        if target.extension().is_some_and(|e| e == "html") && !known {
            return Some(format!("no id=\"{frag}\" in that page"));
        }
    }
    None
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Values of `name="…"` attributes, HTML entities for `&` undone.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(pos) = rest.find(&needle) {
        let after = &rest[pos + needle.len()..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    out
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn attributes_are_found() {
        let html = r#"<a href="a.html#x">a</a> <img src="i.png"> <p id="x">"#;
        assert_eq!(attribute_values(html, "href"), vec!["a.html#x"]);
        assert_eq!(attribute_values(html, "id"), vec!["x"]);
    }

    #[test]
    fn links_resolve_to_pages_and_anchors() {
        let root = PathBuf::from("/book/html");
        let page = root.join("ch01/a.html");
        let mut ids = HashMap::new();
        ids.insert(
            root.join("ch01/b.html"),
            HashSet::from(["listing-1-2".to_string()]),
        );
        ids.insert(page.clone(), HashSet::from(["top".to_string()]));
        assert_eq!(broken_link(&root, &page, "b.html#listing-1-2", &ids), None);
        assert_eq!(broken_link(&root, &page, "#top", &ids), None);
        assert_eq!(broken_link(&root, &page, "https://x.org/y", &ids), None);
        assert_eq!(
            broken_link(&root, &page, "b.html#listing-9-9", &ids),
            Some("no id=\"listing-9-9\" in that page".into())
        );
        assert!(broken_link(&root, &page, "../ch02/c.html", &ids).is_some());
    }
}
