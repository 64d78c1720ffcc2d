//! Each listing copied out of the workspace, as a reader who copies it gets it: a clean
//! copy (files removed from the listing are removed from the copy) with the workspace's
//! `Cargo.lock`, built on its own. An ordinary listing must build with only what its
//! `Cargo.toml` says; a compile-fail listing must fail with exactly its declared errors,
//! read from rustc's JSON diagnostics, and show the compiler's normalised text.

use super::{Problems, Run};
use crate::cargo;
use crate::copy::copy;
use crate::declaration::Kind;
use crate::process;
use anyhow::Result;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let out_root = ctx.target().join("copied-out");
    let shared_target = ctx.target().join("copied-out-target");
    let mut p = Vec::new();
    for l in &run.selected {
        let dest = copy(ctx, l, &out_root)?;
        let check = |args: &[&str]| {
            let mut cmd = process::cargo();
            cmd.current_dir(&dest)
                .args(["check", "--quiet"])
                .args(args)
                .arg("--target-dir")
                .arg(&shared_target);
            cargo::json(&mut cmd)
        };
        if l.kind() == Kind::CompileFail {
            p.extend(crate::compile_fail::compile_errors(
                ctx,
                l,
                &check(&[])?,
                run.options.bless,
            )?);
            continue;
        }
        // What `cargo run` / `cargo build` builds, alone: cargo turns on the features a
        // dev-dependency asks for only when tests are built in the same command, so a
        // feature missing from [dependencies] shows only here.
        let reader_build = check(&[])?;
        if !reader_build.success() {
            p.push(format!(
                "{}: `cargo build` of a copy fails (to {}): its [dependencies] lack something the code uses (a dev-dependency may supply it to the tests):\n{}",
                l.manifest.display(),
                ctx.rel(&dest),
                reader_build.report()
            ));
            continue;
        }
        // Then what `cargo test` builds.
        let tests = check(&["--all-targets"])?;
        if !tests.success() {
            p.push(format!(
                "{}: `cargo test` of a copy does not build (to {}):\n{}",
                l.manifest.display(),
                ctx.rel(&dest),
                tests.report()
            ));
        }
    }
    Ok(p)
}
