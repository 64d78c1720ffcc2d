//! The mdBook preprocessor: replaces each `{{#listing chNN-…/NN-…}}` line with the
//! listing's caption, badge, code block and expected output, all derived from its
//! declaration; each `{{#ref chNN-…/NN-…}}` with a numbered link to it; and
//! `{{#index-of-listings}}` with a table of every listing by kind. mdBook runs it before
//! its own `links` preprocessor.

mod listing;

use crate::context::Ctx;
use crate::declaration::{self, Kind, Listing};
use crate::markdown;
use anyhow::{Context, Result, bail};
use listing::render;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// What rendering needs to know about the whole book.
pub struct Book<'a> {
    pub by_id: HashMap<&'a str, &'a Listing>,
    /// The page (relative to src/) that shows each listing.
    pub pages: HashMap<String, String>,
    /// `[preprocessor.listings] repository`: where a listing's folder can be browsed
    /// (the publishing workflow sets it); without it the folder is named, not linked.
    pub repository: Option<String>,
}

impl Book<'_> {
    fn listing(&self, id: &str) -> Result<&Listing> {
        self.by_id
            .get(id)
            .copied()
            .with_context(|| format!("`{id}` names no listing (no listings/{id}/Cargo.toml)"))
    }

    /// A link from `page` to the place the book shows listing `id`.
    fn href(&self, page: &str, id: &str) -> Result<String> {
        let l = self.listing(id)?;
        let shown_on = self
            .pages
            .get(id)
            .with_context(|| format!("no page shows listing {id}"))?;
        let file = if shown_on == page {
            String::new()
        } else {
            relative_link(page, shown_on)
        };
        Ok(format!("{file}#listing-{}", l.label()))
    }
}

/// `preprocess supports <renderer>` answers yes for every renderer (html, markdown, test);
/// `preprocess` reads `[context, book]` from stdin and writes the book to stdout.
pub fn main(ctx: &Ctx, args: &[String]) -> Result<()> {
    if args.first().map(String::as_str) == Some("supports") {
        return Ok(());
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let input: Value =
        serde_json::from_str(&input).context("mdBook sent input that is not JSON")?;
    let repository = input[0]["config"]["preprocessor"]["listings"]["repository"]
        .as_str()
        .filter(|r| !r.is_empty())
        .map(|r| r.trim_end_matches('/').to_string());
    let mut book_json = input.get(1).cloned().context("mdBook input has no book")?;
    let listings = declaration::load_all(ctx)?;
    let mut book = Book {
        by_id: listings.iter().map(|l| (l.id.as_str(), l)).collect(),
        pages: HashMap::new(),
        repository,
    };
    visit_chapters(&mut book_json, &mut |chapter| {
        let path = chapter
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let content = chapter
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for (_, id) in markdown::directives(content, "listing") {
            book.pages.insert(id, path.to_string());
        }
    });
    let mut problems = Vec::new();
    visit_chapters(&mut book_json, &mut |chapter| {
        let path = chapter
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        if let Some(Value::String(content)) = chapter.get_mut("content") {
            match expand(content, &path, &book) {
                Ok(new) => *content = new,
                Err(e) => problems.push(format!("src/{path}: {e:#}")),
            }
        }
    });
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    serde_json::to_writer(std::io::stdout(), &book_json)?;
    Ok(())
}

fn visit_chapters(v: &mut Value, f: &mut impl FnMut(&mut serde_json::Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(ch)) = map.get_mut("Chapter") {
                f(ch);
            }
            for child in map.values_mut() {
                visit_chapters(child, f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| visit_chapters(i, f)),
        _ => {}
    }
}

/// Expands every directive in one page's Markdown.
pub fn expand(markdown: &str, page: &str, book: &Book) -> Result<String> {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == "{{#index-of-listings}}" {
            out.push_str(&index_of_listings(page, book)?);
            continue;
        }
        match trimmed
            .strip_prefix("{{#listing")
            .and_then(|r| r.strip_suffix("}}"))
        {
            Some(id) => out.push_str(&render(book.listing(id.trim())?, page, book)?),
            None if trimmed.contains("{{#listing") && !trimmed.contains("\\{{#listing") => {
                bail!("`{trimmed}`: a listing directive must stand alone on its line");
            }
            None => out.push_str(&line.replace("\\{{#listing", "{{#listing")),
        }
    }
    crate::cite::render::expand(&expand_refs(&out, page, book)?, page)
}

/// Replaces each `{{#ref chNN-…/NN-…}}` in running text with a link, "Listing N-M", to
/// the listing where the book shows it, so prose never carries a number that can go stale.
fn expand_refs(markdown: &str, page: &str, book: &Book) -> Result<String> {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(pos) = rest.find("{{#ref ") {
        let escaped = rest[..pos].ends_with('\\');
        out.push_str(&rest[..if escaped { pos - 1 } else { pos }]);
        let after = &rest[pos..];
        let end = after
            .find("}}")
            .context("`{{#ref` without its closing `}}`")?
            + 2;
        if escaped {
            out.push_str(&after[..end]);
        } else {
            let id = after["{{#ref ".len()..end - 2].trim();
            let label = book.listing(id)?.label();
            write!(out, "[Listing {label}]({})", book.href(page, id)?)?;
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The relative link from one page of the book to another (both relative to `src/`).
fn relative_link(from: &str, to: &str) -> String {
    let depth = Path::new(from)
        .parent()
        .map_or(0, |p| p.components().count());
    format!("{}{to}", "../".repeat(depth))
}

/// A table of every listing, grouped by what it demonstrates.
fn index_of_listings(page: &str, book: &Book) -> Result<String> {
    let mut listings: Vec<&Listing> = book.by_id.values().copied().collect();
    listings.sort_by_key(|l| (l.chapter, l.number));
    let mut md = String::new();
    for kind in Kind::ALL {
        let of_kind: Vec<&&Listing> = listings.iter().filter(|l| l.kind() == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        writeln!(
            md,
            "\n### <span class=\"listing-badge badge-{}\">{}</span> {} listing{}\n",
            kind.name(),
            kind.badge(),
            of_kind.len(),
            if of_kind.len() == 1 { "" } else { "s" }
        )?;
        writeln!(
            md,
            "{}\n\n| Listing | What it shows | Crate | Breaks |\n|---|---|---|---|",
            kind.tooltip()
        )?;
        for l in of_kind {
            writeln!(
                md,
                "| [Listing {}]({}) | {} | `{}` | {} |",
                l.label(),
                book.href(page, &l.id)?,
                l.caption.replace('|', "\\|"),
                l.package,
                l.breaks.len()
            )?;
        }
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::listing::fence_for;
    use super::*;

    /// The rendered Markdown of one listing of every kind, as snapshots: a change to the
    /// renderer shows up as a reviewed diff (`cargo insta review`).
    #[test]
    fn every_kind_renders_as_reviewed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let ctx = Ctx::at(&root).unwrap();
        let listings = declaration::load_all(&ctx).unwrap();
        let book = Book {
            by_id: listings.iter().map(|l| (l.id.as_str(), l)).collect(),
            pages: listings
                .iter()
                .map(|l| (l.id.clone(), "ch01-demo/page.md".to_string()))
                .collect(),
            repository: None,
        };
        for l in &listings {
            let md = render(l, "ch01-demo/page.md", &book).unwrap();
            insta::assert_snapshot!(l.id.replace('/', "__"), md);
        }
        let index = index_of_listings("appendix/listings.md", &book).unwrap();
        insta::assert_snapshot!("index_of_listings", index);
    }

    #[test]
    fn refs_become_links_and_escapes_stay_text() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let ctx = Ctx::at(&root).unwrap();
        let listings = declaration::load_all(&ctx).unwrap();
        let book = Book {
            by_id: listings.iter().map(|l| (l.id.as_str(), l)).collect(),
            pages: listings
                .iter()
                .map(|l| (l.id.clone(), "ch01-demo/page.md".to_string()))
                .collect(),
            repository: None,
        };
        let out = expand(
            "See {{#ref ch01-demo/01-runs}} and \\{{#ref ch01-demo/02-compile-fail}}.\n",
            "intro.md",
            &book,
        )
        .unwrap();
        assert_eq!(
            out,
            "See [Listing 1-1](ch01-demo/page.md#listing-1-1) and {{#ref ch01-demo/02-compile-fail}}.\n"
        );
        assert!(expand("{{#ref ch01-demo/99-none}}", "intro.md", &book).is_err());
    }

    #[test]
    fn links_between_pages_are_relative() {
        assert_eq!(
            relative_link("ch01-a/x.md", "ch01-a/y.md"),
            "../ch01-a/y.md"
        );
        assert_eq!(relative_link("intro.md", "ch01-a/y.md"), "ch01-a/y.md");
    }

    #[test]
    fn fences_outgrow_backticks_in_the_code() {
        assert_eq!(fence_for("let s = \"```\";"), "````");
        assert_eq!(fence_for("plain"), "```");
    }
}
