//! Running mdBook: the command (pinned tools, this binary as the listing preprocessor),
//! `serve`, `build` (failing on any warning mdBook logs), and reading the book's
//! structure (SUMMARY.md).

use crate::context::Ctx;
use crate::process;
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// An mdbook command that uses the pinned tools and this very binary as the listing
/// preprocessor (book.toml's `cargo run` fallback is for people running mdbook by hand).
pub fn command(ctx: &Ctx, path: &std::ffi::OsStr) -> Result<Command> {
    // If a workspace build relinked this binary while it runs, Linux reports the old file
    // as "… (deleted)"; the new one at the same path is the same program.
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy();
    let exe = exe.strip_suffix(" (deleted)").unwrap_or(&exe);
    let mut cmd = Command::new("mdbook");
    cmd.current_dir(&ctx.root).env("PATH", path).env(
        "MDBOOK_PREPROCESSOR__LISTINGS__COMMAND",
        format!("{exe} preprocess"),
    );
    Ok(cmd)
}

pub fn serve(ctx: &Ctx, extra: &[String]) -> Result<()> {
    let path = tools::ensure()?;
    let mut cmd = command(ctx, &path)?;
    cmd.arg("serve").args(extra);
    eprintln!("serving the book at http://localhost:3000 (Ctrl-C to stop); edits reload the page");
    if !process::status(&mut cmd)? {
        bail!("mdbook serve failed");
    }
    Ok(())
}

/// Builds the book; every warning or error mdBook logs is a problem (mdBook 0.4 exits 0
/// after logging a missing `{{#include}}` as an error).
pub fn build(ctx: &Ctx) -> Result<Vec<String>> {
    let path = tools::ensure()?;
    let mut cmd = command(ctx, &path)?;
    cmd.arg("build");
    eprintln!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, Duration::from_secs(600))?;
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
    if !out.success() {
        problems.push(format!(
            "mdbook build {}:\n{}",
            out.describe_ending(),
            out.both()
        ));
    }
    Ok(problems)
}

/// The chapter pages in SUMMARY.md order, relative to `src/`.
pub fn summary_pages(ctx: &Ctx) -> Result<Vec<String>> {
    let text = fs_err::read_to_string(ctx.src.join("SUMMARY.md"))?;
    let mut pages = Vec::new();
    for line in text.lines() {
        if let Some(start) = line.find("](") {
            let rest = &line[start + 2..];
            if let Some(end) = rest.find(')') {
                pages.push(rest[..end].to_string());
            }
        }
    }
    Ok(pages)
}

/// Every file with extension `ext` under `dir`, sorted.
pub fn walk(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs_err::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
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
