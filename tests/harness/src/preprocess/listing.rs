//! One listing rendered into its page: the heading and badge, the code block with its
//! folds, the line under it, the dependencies to add, the output and the "Break it" box.

use super::Book;
use crate::declaration::{self, Claim, Fails, Kind, Listing, LoomVerdict};
use crate::{deps, fold};
use anyhow::Result;
use std::fmt::Write as _;

/// The Markdown for one listing.
pub fn render(l: &Listing, page: &str, book: &Book) -> Result<String> {
    let code = fs_err::read_to_string(&l.show)?;
    let mut md = heading(l)?;
    // A benchmark opens with what it measured: its table (and chart), then the code.
    if let Some(results) = l.results_file() {
        let table = fs_err::read_to_string(results)?;
        writeln!(
            md,
            "<p class=\"listing-output-label\">Measured results:</p>\n\n{table}\n"
        )?;
    }
    let folded = code_block(&mut md, l, &code)?;
    writeln!(
        md,
        "<p class=\"listing-meta\">{}</p>\n",
        meta(l, page, book, folded)?
    )?;
    md.push_str(&dependencies(l)?);
    if l.kind().has_output_file() {
        md.push_str(&output(l)?);
    }
    md.push_str(&schedule(l)?);
    md.push_str(&break_it(l)?);
    md.push_str("</div>\n");
    Ok(md)
}

/// A loom model's schedule (the interleaving a failing model fails in) or count (how many
/// executions a passing model passed), drawn from the recorded `schedule.txt`.
fn schedule(l: &Listing) -> Result<String> {
    let file = l.dir.join(crate::schedule::FILE);
    if !file.exists() {
        return Ok(String::new());
    }
    let record = crate::schedule::Record::parse(&fs_err::read_to_string(&file)?)
        .map_err(|e| anyhow::anyhow!("{}: {e:#}", file.display()))?;
    Ok(crate::schedule::html::render(&record))
}

/// The listing's opening `<div>`, its badge, label and caption.
fn heading(l: &Listing) -> Result<String> {
    let mut md = String::new();
    let anchor = format!("listing-{}", l.label());
    let badge_detail = if l.kind() == Kind::CompileFail {
        format!(": {}", l.claim.errors().join(", "))
    } else {
        String::new()
    };
    // Lines the block adds around the file (hidden `extern crate` lines before, a hidden
    // `fn main() {}` after a library): the copy button leaves them out (theme/listings.js).
    writeln!(
        md,
        "<div class=\"listing kind-{}\" id=\"{anchor}\" data-added-before=\"{}\" data-added-after=\"{}\">\n",
        l.kind().name(),
        l.dependencies.len(),
        usize::from(is_lib(l))
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
    Ok(md)
}

/// Whether the shown file is a library's root.
fn is_lib(l: &Listing) -> bool {
    l.show.file_name().is_some_and(|n| n == "lib.rs")
}

/// The code block; returns how many lines are folded.
fn code_block(md: &mut String, l: &Listing, code: &str) -> Result<usize> {
    // Test attributes come from the kind; `extern crate` lines (hidden from readers) let
    // rustdoc find the dependencies in edition 2018+.
    let mut info = vec!["rust".to_string()];
    info.extend(fence_attributes(l));
    if !l.kind().runs_on_playground() {
        info.push("noplayground".into());
    }
    // Tests, loom scaffolding and the items the declaration names are folded: hidden lines
    // that rustdoc and skeptic still compile, so the block is still exactly the file.
    let hidden = fold::folded(code, &l.fold)
        .map_err(|e| anyhow::anyhow!("{}: fold {e}", l.manifest.display()))?;
    let folded = hidden.iter().filter(|h| **h).count();
    let fence = fence_for(code);
    writeln!(md, "{fence}{}", info.join(","))?;
    for dep in &l.dependencies {
        writeln!(md, "# extern crate {dep};")?;
    }
    md.push_str(&fold::hide(code, &hidden));
    if is_lib(l) {
        // rustdoc wraps code without `fn main` in one; a library must stay at crate level.
        md.push_str("# fn main() {}\n");
    }
    writeln!(md, "{fence}\n")?;
    Ok(folded)
}

/// The line under the code: the folder, how to run it, what it fixes, what is folded.
fn meta(l: &Listing, page: &str, book: &Book, folded: usize) -> Result<String> {
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
    Ok(meta)
}

/// The output the book shows (run output, or the compiler's errors).
fn output(l: &Listing) -> Result<String> {
    let mut md = String::new();
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
    // The panic is on stderr, which the block above leaves out (its thread name and
    // location are the reader's own): say how the run ends.
    if let Claim::Panics { panic, .. } = &l.claim {
        writeln!(
            md,
            "<p class=\"listing-output-label\">Then it panics, with a message that includes <code>{}</code>, and exits with status 101.</p>\n",
            html_escape(panic)
        )?;
    }
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
    // A listing that must not compile is "broken" by an edit that fixes an error in it.
    let fixes = l.kind() == Kind::CompileFail;
    let intro = break_it_intro(l.breaks.len(), fixes);
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
        let what = what_fails(l, &b.fails);
        writeln!(body, "   Run `{}`: {what}.", l.own_check_command(&b.fails))?;
        if let Ok(record) = fs_err::read_to_string(l.break_record(b)) {
            let fence = fence_for(&record);
            let header = if fixes {
                "What it reported instead:"
            } else {
                "What that printed:"
            };
            writeln!(body, "   {header}")?;
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

/// The "Break it" box's first line, for `n` breaks (which fix an error, for a listing
/// that must not compile).
fn break_it_intro(n: usize, fixes: bool) -> String {
    match (n, fixes) {
        (1, false) => {
            "This edit breaks what the listing shows. Try it in your copy, and see it caught:"
                .to_string()
        }
        (n, false) => format!(
            "Each of these {n} edits breaks something the listing shows. Try them in your copy, and see each one caught:"
        ),
        (1, true) => "This edit fixes an error the listing shows. Try it in your copy, and see the compiler's report change:"
            .to_string(),
        (n, true) => format!(
            "Each of these {n} edits fixes an error the listing shows. Try them in your copy, and see the compiler's report change:"
        ),
    }
}

/// What the reader's command shows once the break is made.
fn what_fails(l: &Listing, fails: &Fails) -> &'static str {
    match fails {
        Fails::Output => "what it prints, or how it exits, no longer matches the book",
        Fails::Compile if l.kind() == Kind::CompileFail => {
            "the compiler no longer reports exactly the errors shown above"
        }
        Fails::Compile => "the compiler rejects it",
        Fails::Loom => "loom's verdict flips",
        Fails::Schedule if l.kind().facts().loom == LoomVerdict::Passes => {
            "the number of runs loom makes changes"
        }
        Fails::Schedule => "loom no longer fails in the interleaving drawn above",
        Fails::Test(_) => "the test fails",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

pub(super) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
