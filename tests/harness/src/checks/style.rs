//! Formatting and lints: `cargo fmt --check` (and rustfmt for the compile-fail listings,
//! which are outside the workspace) and `cargo clippy --all-targets -D warnings`.

use super::{Problems, Run};
use crate::declaration::Kind;
use crate::lint::Cfg;
use crate::process::{self, cargo};
use anyhow::Result;
use std::process::Command;

pub fn fmt(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut p = Vec::new();
    let ending = process::stream(
        cargo()
            .current_dir(&ctx.root)
            .args(["fmt", "--all", "--check"]),
        crate::cargo::BUILD_LIMIT,
    )?;
    if !ending.is_success() {
        p.push("cargo fmt --check: the files above need `cargo fmt`".into());
    }
    for l in run.all.iter().filter(|l| l.kind() == Kind::CompileFail) {
        let files = crate::mdbook::walk(&l.dir.join("src"), "rs")?;
        let mut cmd = Command::new("rustfmt");
        cmd.args(["--check", "--edition", "2024"]).args(&files);
        if !process::stream(&mut cmd, crate::cargo::BUILD_LIMIT)?.is_success() {
            p.push(format!(
                "{}: needs rustfmt (rustfmt --edition 2024 {}/src/*.rs)",
                l.manifest.display(),
                l.rel_dir()
            ));
        }
    }
    Ok(p)
}

/// `cargo clippy --workspace --all-targets -D warnings`, the harness's part done by
/// [`crate::lint`] (the same lints, in builds the run makes anyway).
pub fn clippy(run: &Run) -> Result<Problems> {
    let mut cmd = cargo();
    cmd.current_dir(&run.ctx.root).args([
        "clippy",
        "--workspace",
        "--exclude",
        "book-harness",
        "--all-targets",
        "--quiet",
        "--message-format=short",
        "--",
        "-D",
        "warnings",
    ]);
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, crate::cargo::BUILD_LIMIT)?;
    let mut p = if out.success() {
        vec![]
    } else {
        // `path:line:col: error: message`, one a line: each names its file.
        let found: Vec<String> = out
            .stderr
            .lines()
            .filter(|l| l.contains(": error") || l.contains(": warning"))
            .map(str::to_string)
            .collect();
        if found.is_empty() {
            vec![format!(
                "cargo clippy {}:\n{}",
                out.describe_ending(),
                crate::cargo::tail(&out.stderr, 20)
            )]
        } else {
            found
        }
    };
    for cfg in [Cfg::Program, Cfg::Tests] {
        let build = crate::lint::build(run.ctx, cfg)?;
        if !build.success() {
            p.push(format!(
                "clippy of {} failed:\n{}",
                cfg.describe(),
                build.report()
            ));
        }
    }
    Ok(p)
}
