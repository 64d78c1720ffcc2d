//! The book's own tool, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! This file is the command line only; each concern lives in a module of its own:
//! `context` (the paths, read once), `declaration/` (what each listing claims: the kind
//! table, the claim schema, breaks, loading), `files` (filesystem helpers), `markdown`
//! (the one fence and directive parser), `preprocess` (rendering listings into pages),
//! `process` (commands under time limits), `cargo`, `cache`, `inputs` (what a listing's
//! checks depend on), `normalize`, `diff`, `mdbook` and `tools` (the book tools), `cite`
//! (`{{#cite}}`: read, looked up in the pinned sources, rendered), `expected` (output
//! comparison) and `checks` (the steps of `cargo xtask test`, one file or folder each,
//! the Go side in `checks/go/`, and their runner), `background` (tool installs started at
//! the beginning of a run, waited for by the step that needs one).
//!
//! What several steps share lives outside `checks`, so that no step reaches into
//! another: `copy` (a listing copied out as a reader gets it), `run_program` (a listing's
//! program run and judged against its claim), `compile_fail` (a compile-fail listing's
//! errors judged), `loom_model` (a loom model built, run and its ending read), `libtest`
//! (the listings' test binaries), `builds` (each listing's programs and tests as its
//! copy built them, kept for the run), `doctest_deps` (the doctest crate the book's code blocks
//! build against), `html` (reading the built pages), `parallel` (independent jobs on
//! both cores) and `scratch` (the two workers' scratch copies and target directories, which
//! copy-out builds and breaks then edit). The breaks step runs the check
//! each break names through these same modules.

// First, so that every module below can `say!`.
#[macro_use]
mod say;
mod background;
mod builds;
mod cache;
mod cargo;
mod checks;
mod cite;
#[cfg(test)]
mod code_size;
mod compile_fail;
mod context;
mod copy;
mod declaration;
mod deps;
mod diff;
mod doctest_deps;
mod expected;
mod files;
mod fold;
mod html;
mod inputs;
mod libtest;
mod lint;
mod loom_model;
mod markdown;
mod mdbook;
mod normalize;
mod parallel;
mod preprocess;
mod process;
mod run_program;
mod schedule;
mod scratch;
mod tools;

use anyhow::Result;
use clap::{Parser, Subcommand};
use context::Ctx;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Build, serve and check \"Goroutines, in Rust\"",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book and serve it at http://localhost:3000, rebuilding it and reloading the
    /// page on edits (mdBook is compiled into this tool: nothing to install).
    Serve(mdbook::ServeOptions),
    /// Run every check the book promises: what CI runs.
    Test(checks::Options),
    /// Build the book once, failing on any warning.
    Build,
    /// Install what `test` would install on first use (Chromium, Go), saying what and why.
    InstallTools,
    /// The compiled-in mdBook (`build`, `test`), run by `build`, `serve` and `test`.
    #[command(hide = true, subcommand)]
    Mdbook(mdbook::Mdbook),
    /// The compiled-in mdbook-admonish preprocessor (mdBook runs it).
    #[command(hide = true)]
    Admonish {
        /// `supports <renderer>`, asked by mdBook.
        args: Vec<String>,
    },
    /// The mdBook preprocessor that renders `{{#listing}}` (mdBook runs it).
    Preprocess {
        /// `supports <renderer>`, asked by mdBook.
        args: Vec<String>,
    },
}

fn main() {
    process::kill_groups_on_interrupt();
    if let Err(e) = run(Cli::parse()) {
        say!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::discover()?;
    match cli.command {
        Command::Serve(options) => mdbook::serve(&ctx, &options),
        Command::Build => {
            let problems = mdbook::build(&ctx)?;
            for p in &problems {
                say!("  ✗ {p}");
            }
            anyhow::ensure!(problems.is_empty(), "the book has problems (above)");
            Ok(())
        }
        Command::Test(options) => checks::run(&ctx, &options),
        Command::InstallTools => tools::install_all(),
        Command::Mdbook(command) => mdbook::main(&ctx, command),
        Command::Admonish { args } => mdbook::admonish(&args),
        Command::Preprocess { args } => preprocess::main(&ctx, &args),
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
