//! The book's own tool, run as `cargo xtask <command>` (see `.cargo/config.toml`):
//!
//! - `serve`: installs the pinned mdBook tools if missing, then builds and serves the
//!   book with live reload.
//! - `test`: every check: each listing against its declaration, loom models, copy-out
//!   builds, fmt, clippy, the book build, skeptic and `mdbook test`.
//! - `build`: builds the book once, failing on any warning.
//! - `preprocess`: the mdBook preprocessor that renders `{{#listing}}` (mdBook calls it).

mod book;
mod browser;
mod check;
mod go;
mod listing;
mod preprocess;
mod process;
mod tools;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> Result<()> {
    let root = repo_root()?;
    match args.first().map(String::as_str) {
        Some("serve") => book::serve(&root, &args[1..]),
        Some("build") => book::build(&root).map(|_| ()),
        Some("test") => check::run_all(&root),
        Some("preprocess") => preprocess::main(&root, &args[1..]),
        _ => bail!(
            "usage: cargo xtask <serve|test|build>\n  serve  build the book and serve it with live reload (installs mdBook first if needed)\n  test   run every check the book promises\n  build  build the book once"
        ),
    }
}

/// A step that cannot run on this machine (a tool is missing and cannot be installed here).
/// Returned as an error from a check, it is reported loudly as not run, never as passed.
#[derive(Debug)]
pub struct NotRun(pub String);

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not run: {}", self.0)
    }
}

impl std::error::Error for NotRun {}

/// A path as the reader knows it: relative to the repository root.
pub fn rel(p: &std::path::Path) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = root.ancestors().nth(2).unwrap_or(&root);
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// The repository root: where book.toml is. The harness lives in tests/harness.
fn repo_root() -> Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .context("tests/harness has no grandparent")?
        .to_path_buf();
    if !root.join("book.toml").is_file() {
        bail!("no book.toml in {}", root.display());
    }
    Ok(root)
}
