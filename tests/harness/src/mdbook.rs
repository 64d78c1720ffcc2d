//! Building and serving the book, and checking what mdBook produced.

use crate::process::{self, write_if_changed};
use crate::tools;
use anyhow::{Context, Result, bail};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// An mdbook command that uses the pinned tools and this very binary as the listing
/// preprocessor (book.toml's `cargo run` fallback is for people running mdbook by hand).
pub fn mdbook(root: &Path, path: &std::ffi::OsStr) -> Result<Command> {
    // If a workspace build relinked this binary while it runs, Linux reports the old file
    // as "… (deleted)"; the new one at the same path is the same program.
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy();
    let exe = exe.strip_suffix(" (deleted)").unwrap_or(&exe);
    let mut cmd = Command::new("mdbook");
    cmd.current_dir(root).env("PATH", path).env(
        "MDBOOK_PREPROCESSOR__LISTINGS__COMMAND",
        format!("{exe} preprocess"),
    );
    Ok(cmd)
}

pub fn serve(root: &Path, extra: &[String]) -> Result<()> {
    let path = tools::ensure()?;
    let mut cmd = mdbook(root, &path)?;
    cmd.arg("serve").args(extra);
    eprintln!("serving the book at http://localhost:3000 (Ctrl-C to stop); edits reload the page");
    if !process::status(&mut cmd)? {
        bail!("mdbook serve failed");
    }
    Ok(())
}

/// Builds the book; fails on any warning or error mdBook logs (mdBook 0.4 exits 0 after
/// logging a missing `{{#include}}` as an error) and on anything wrong in the output.
pub fn build(root: &Path) -> Result<Vec<String>> {
    let path = tools::ensure()?;
    let mut cmd = mdbook(root, &path)?;
    cmd.arg("build");
    eprintln!("  $ {}", process::describe(&cmd));
    let out = process::capture(&mut cmd, Duration::from_secs(600))?.context("mdbook build hung")?;
    let mut problems = Vec::new();
    for line in out.both().lines() {
        if line.contains("[WARN")
            || line.contains("[ERROR")
            || line.contains("warning:")
            || line.starts_with("error")
        {
            problems.push(format!("mdbook build: {line}"));
        }
    }
    if !out.status.success() {
        problems.push(format!(
            "mdbook build failed ({}):\n{}",
            out.status,
            out.both()
        ));
    }
    // Even after mdBook complained, say which pages show a raw directive.
    if root.join("book/html").is_dir() {
        problems.extend(check_html(root)?);
    }
    if problems.is_empty() {
        problems.extend(check_no_ignored_blocks(root)?);
    }
    if problems.is_empty() {
        eprintln!(
            "  book built: {}",
            root.join("book/html/index.html").display()
        );
    }
    Ok(problems)
}

/// A Rust block marked `ignore` would be skipped by `mdbook test` and skeptic alike: the
/// book must not dodge its own tests.
fn check_no_ignored_blocks(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for page in walk(&root.join("book/markdown"), "md")? {
        for info in fence_infos(&fs::read_to_string(&page)?) {
            let mut attrs = info.split(',').map(str::trim);
            if attrs.next() == Some("rust") && attrs.any(|a| a == "ignore") {
                let rel = page
                    .strip_prefix(root.join("book/markdown"))
                    .unwrap_or(&page);
                problems.push(format!("src/{}: a ```{info} block: `ignore` skips the doctests; make it compile, or declare what it shows", rel.display()));
            }
        }
    }
    Ok(problems)
}

/// Every page: no directive left unexpanded, every internal link and anchor resolves.
fn check_html(root: &Path) -> Result<Vec<String>> {
    let html_root = root.join("book/html");
    let pages = walk(&html_root, "html")?;
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut texts = Vec::new();
    for p in &pages {
        let text = fs::read_to_string(p)?;
        ids.insert(
            p.clone(),
            attribute_values(&text, "id").into_iter().collect(),
        );
        texts.push((p.clone(), text));
    }
    let mut problems = Vec::new();
    for (page, text) in &texts {
        let rel = page
            .strip_prefix(root)
            .unwrap_or(page)
            .display()
            .to_string();
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
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with("javascript:")
                || href.starts_with("data:")
            {
                continue;
            }
            let (file, fragment) = match href.split_once('#') {
                Some((f, frag)) => (f, Some(frag)),
                None => (href.as_str(), None),
            };
            let file = file.split('?').next().unwrap_or("");
            let target = if file.is_empty() {
                page.clone()
            } else {
                normalize(&page.parent().unwrap_or(&html_root).join(file))
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.exists() {
                problems.push(format!(
                    "{rel}: broken link `{href}`: no {}",
                    target.display()
                ));
                continue;
            }
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                let known = ids.get(&target).is_some_and(|set| set.contains(frag));
                if target.extension().is_some_and(|e| e == "html") && !known {
                    problems.push(format!(
                        "{rel}: broken link `{href}`: no id=\"{frag}\" in that page"
                    ));
                }
            }
        }
    }
    Ok(problems)
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

/// The Rust code blocks of the expanded book (mdBook's markdown output):
/// (total, of which compile_fail).
pub fn count_rust_blocks(markdown_dir: &Path) -> Result<(usize, usize)> {
    let mut sum = (0, 0);
    for entry in walk(markdown_dir, "md")? {
        let (t, c) = count_rust_blocks_in(&fs::read_to_string(&entry)?);
        sum = (sum.0 + t, sum.1 + c);
    }
    Ok(sum)
}

/// (total, of which compile_fail) Rust blocks in one Markdown text.
pub fn count_rust_blocks_in(text: &str) -> (usize, usize) {
    let mut total = 0;
    let mut compile_fail = 0;
    for info in fence_infos(text) {
        let mut parts = info.split(',').map(str::trim);
        if parts.next() == Some("rust") {
            total += 1;
            if parts.any(|p| p == "compile_fail") {
                compile_fail += 1;
            }
        }
    }
    (total, compile_fail)
}

/// The info strings of the opening fences in a Markdown text.
pub fn fence_infos(text: &str) -> Vec<String> {
    let mut infos = Vec::new();
    let mut open: Option<String> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let ticks = t.len() - t.trim_start_matches('`').len();
        if ticks >= 3 {
            match &open {
                Some(fence) if t.trim_end() == fence => open = None,
                Some(_) => {}
                None => {
                    open = Some("`".repeat(ticks));
                    infos.push(t[ticks..].trim().to_string());
                }
            }
        }
    }
    infos
}

pub fn walk(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == ext) {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Remembers checks that passed, each by a key naming what was checked and a hash of its
/// inputs (a chapter's expanded Markdown, a page's HTML, the locked dependencies), so a
/// warm run re-checks only what changed.
pub struct PassedChecks {
    file: PathBuf,
    passed: HashSet<String>,
}

impl PassedChecks {
    pub fn load(file: PathBuf) -> Self {
        let passed = fs::read_to_string(&file)
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default();
        PassedChecks { file, passed }
    }
    pub fn contains(&self, key: &str) -> bool {
        self.passed.contains(key)
    }
    pub fn insert(&mut self, key: String) -> Result<()> {
        self.passed.insert(key);
        let mut lines: Vec<&str> = self.passed.iter().map(String::as_str).collect();
        lines.sort();
        write_if_changed(&self.file, lines.join("\n").as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_read_with_their_info() {
        let md = "text\n```rust,compile_fail\nfn x() {}\n```\n````console\n```\n````\n";
        assert_eq!(fence_infos(md), vec!["rust,compile_fail", "console"]);
    }

    #[test]
    fn attributes_are_found() {
        let html = r#"<a href="a.html#x">a</a> <img src="i.png"> <p id="x">"#;
        assert_eq!(attribute_values(html, "href"), vec!["a.html#x"]);
        assert_eq!(attribute_values(html, "id"), vec!["x"]);
    }
}
