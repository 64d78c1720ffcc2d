//! The mdBook preprocessor: replaces each `{{#listing chNN-…/NN-…}}` line with the
//! listing's caption, badge, code block and expected output, all derived from its
//! declaration; each `{{#ref chNN-…/NN-…}}` with a numbered link to it; and
//! `{{#index-of-listings}}` with a table of every listing by kind. mdBook runs it before
//! its own `links` preprocessor.

use crate::context::Ctx;
use crate::declaration::{self, Fails, Kind, Listing};
use crate::{deps, fold, markdown};
use anyhow::{Context, Result, bail};
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

/// The Markdown for one listing.
pub fn render(l: &Listing, page: &str, book: &Book) -> Result<String> {
    let code = fs_err::read_to_string(&l.show)?;
    let mut md = String::new();
    let anchor = format!("listing-{}", l.label());
    let badge_detail = match l.kind() {
        Kind::CompileFail => format!(": {}", l.claim.errors().join(", ")),
        _ => String::new(),
    };
    // Lines the block adds around the file (hidden `extern crate` lines before, a hidden
    // `fn main() {}` after a library): the copy button leaves them out (theme/listings.js).
    let is_lib = l.show.file_name().is_some_and(|n| n == "lib.rs");
    writeln!(
        md,
        "<div class=\"listing kind-{}\" id=\"{anchor}\" data-added-before=\"{}\" data-added-after=\"{}\">\n",
        l.kind().name(),
        l.dependencies.len(),
        usize::from(is_lib)
    )?;
    writeln!(
        md,
        "<span class=\"listing-badge badge-{}\" title=\"{}\">{}{}</span> <a class=\"listing-label\" href=\"#{anchor}\">Listing {}</a>: {}\n",
        l.kind().name(),
        html_escape(l.kind().tooltip()),
        l.kind().badge(),
        html_escape(&badge_detail),
        l.label(),
        l.caption
    )?;

    // The code block. Test attributes come from the kind; `extern crate` lines (hidden from
    // readers) let rustdoc find the dependencies in edition 2018+.
    let mut info = vec!["rust".to_string()];
    info.extend(fence_attributes(l));
    if !l.kind().runs_on_playground() {
        info.push("noplayground".into());
    }
    // A benchmark opens with what it measured: its table (and chart), then the code.
    if let Some(results) = l.results_file() {
        let table = fs_err::read_to_string(results)?;
        writeln!(
            md,
            "<p class=\"listing-output-label\">Measured results:</p>\n\n{table}\n"
        )?;
    }
    // Tests, loom scaffolding and the items the declaration names are folded: hidden lines
    // that rustdoc and skeptic still compile, so the block is still exactly the file.
    let hidden = fold::folded(&code, &l.fold)
        .map_err(|e| anyhow::anyhow!("{}: fold {e}", l.manifest.display()))?;
    let folded = hidden.iter().filter(|h| **h).count();
    let fence = fence_for(&code);
    writeln!(md, "{fence}{}", info.join(","))?;
    for dep in &l.dependencies {
        writeln!(md, "# extern crate {dep};")?;
    }
    md.push_str(&fold::hide(&code, &hidden));
    if is_lib {
        // rustdoc wraps code without `fn main` in one; a library must stay at crate level.
        md.push_str("# fn main() {}\n");
    }
    writeln!(md, "{fence}\n")?;

    let folder = match &book.repository {
        Some(repo) => format!(
            "<a href=\"{repo}/tree/main/{0}\"><code>{0}</code></a>",
            l.rel_dir()
        ),
        None => format!("<code>{}</code>", l.rel_dir()),
    };
    let mut meta = format!(
        "{folder} · run it with <code>{}</code>",
        html_escape(&l.run_command())
    );
    if let Some(f) = &l.fixes {
        let id = format!("{}/{f}", l.chapter_dir);
        write!(
            meta,
            " · fixes <a href=\"{}\">Listing {}</a>",
            book.href(page, &id)?.replace(".md#", ".html#"),
            book.listing(&id)?.label()
        )?;
    }
    if folded > 0 {
        write!(
            meta,
            " · {folded} line{} folded: the eye button shows {}",
            if folded == 1 { "" } else { "s" },
            if folded == 1 { "it" } else { "them" }
        )?;
    }
    writeln!(md, "<p class=\"listing-meta\">{meta}</p>\n")?;
    md.push_str(&dependencies(l)?);

    if l.kind().has_output_file() {
        let output = fs_err::read_to_string(l.output_file())?;
        let note = crate::expected::describe(l.claim.unordered())
            .map(|d| format!(" ({d}: they come from tasks or threads running at once)"))
            .unwrap_or_default();
        let what = if l.kind() == Kind::CompileFail {
            "The compiler's answer"
        } else {
            "Output"
        };
        writeln!(md, "<p class=\"listing-output-label\">{what}{note}:</p>\n")?;
        let fence = fence_for(&output);
        writeln!(
            md,
            "{fence}console\n$ {}\n{output}{}{fence}\n",
            l.run_command(),
            if output.ends_with('\n') { "" } else { "\n" }
        )?;
    }
    md.push_str(&break_it(l)?);
    md.push_str("</div>\n");
    Ok(md)
}

/// Under the code: the `cargo add` lines that give a reader's own project this listing's
/// dependencies, from its Cargo.toml, and the loom sections to paste.
fn dependencies(l: &Listing) -> Result<String> {
    let manifest = l.dir.join("Cargo.toml");
    let deps = deps::from_manifest(&fs_err::read_to_string(&manifest)?)
        .map_err(|e| anyhow::anyhow!("{}: {e:#}", l.manifest.display()))?;
    let mut md = String::from("<div class=\"listing-deps\">\n\n");
    if deps.commands.is_empty() {
        md.push_str("<p>In your own project (<code>cargo new</code>): no dependencies, the standard library only.</p>\n\n");
    } else {
        md.push_str("<p>In your own project (<code>cargo new</code>), its dependencies:</p>\n\n");
        let lines: String = deps.commands.iter().map(|c| format!("$ {c}\n")).collect();
        let fence = fence_for(&lines);
        writeln!(md, "{fence}console\n{lines}{fence}\n")?;
    }
    if !deps.toml.is_empty() {
        md.push_str("<p>and for the loom model, in <code>Cargo.toml</code>:</p>\n\n");
        let fence = fence_for(&deps.toml);
        writeln!(md, "{fence}toml\n{}{fence}\n", deps.toml)?;
    }
    md.push_str("</div>\n\n");
    Ok(md)
}

/// rustdoc attributes for the code block, after `rust`: the kind's, and a compile-fail
/// listing's error codes.
fn fence_attributes(l: &Listing) -> Vec<String> {
    let mut attributes: Vec<String> = l
        .kind()
        .facts()
        .fence
        .iter()
        .map(|a| a.to_string())
        .collect();
    if l.kind() == Kind::CompileFail {
        attributes.extend(
            l.claim
                .errors()
                .iter()
                .filter(|e| declaration::is_error_code(e))
                .cloned(),
        );
    }
    attributes
}

/// The "Break it" box: each declared break as an exercise (the edit, the command that
/// catches it, and the start of what that command printed when the harness last ran it).
fn break_it(l: &Listing) -> Result<String> {
    if l.breaks.is_empty() {
        return Ok(String::new());
    }
    let mut body = String::new();
    let intro = match l.breaks.len() {
        1 => "This edit breaks what the listing shows. Try it in your copy, and see it caught:"
            .to_string(),
        n => format!(
            "Each of these {n} edits breaks something the listing shows. Try them in your copy, and see each one caught:"
        ),
    };
    writeln!(body, "{intro}\n")?;
    for (i, b) in l.breaks.iter().enumerate() {
        let file = b.file.as_deref().unwrap_or_else(|| {
            l.show
                .strip_prefix(&l.dir)
                .ok()
                .and_then(|p| p.to_str())
                .unwrap_or("src/main.rs")
        });
        writeln!(
            body,
            "{}. **{}.** In `{file}`:\n",
            i + 1,
            capitalised(&b.does)
        )?;
        let mut edit = String::new();
        for line in b.find.trim_end_matches('\n').lines() {
            writeln!(edit, "-{line}")?;
        }
        for line in b.replace.trim_end_matches('\n').lines() {
            writeln!(edit, "+{line}")?;
        }
        let fence = fence_for(&edit);
        writeln!(body, "   {fence}diff")?;
        for line in edit.lines() {
            writeln!(body, "   {line}")?;
        }
        writeln!(body, "   {fence}\n")?;
        let what = match &b.fails {
            Fails::Output => "what it prints, or how it exits, no longer matches the book",
            Fails::Compile if l.kind() == Kind::CompileFail => {
                "the compiler no longer reports the errors shown"
            }
            Fails::Compile => "the compiler rejects it",
            Fails::Loom => "loom's verdict flips",
            Fails::Test(_) => "the test fails",
        };
        writeln!(body, "   Run `{}`: {what}.", l.own_check_command(&b.fails))?;
        if let Ok(record) = fs_err::read_to_string(l.break_record(b)) {
            let fence = fence_for(&record);
            writeln!(body, "   What that printed:")?;
            writeln!(body, "\n   {fence}text")?;
            // A record's marks for what varies from run to run read as an ellipsis.
            for line in record.lines() {
                let line = if line == "..." { "…" } else { line };
                writeln!(body, "   {}", line.replace("[..]", "…"))?;
            }
            writeln!(body, "   {fence}")?;
        }
        body.push('\n');
    }
    let fence = "`".repeat(fence_for(&body).len().max(4) + 1);
    Ok(format!(
        "{fence}admonish example title=\"Break it\", collapsible=true\n{body}{fence}\n\n"
    ))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
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
