//! Each listing copied out of the workspace, as a reader who copies it gets it: a clean
//! copy (files removed from the listing are removed from the copy) with the workspace's
//! `Cargo.lock`, built on its own. An ordinary listing must build with only what its
//! `Cargo.toml` says; a compile-fail listing must fail with exactly its declared errors,
//! read from rustc's JSON diagnostics, and show the compiler's normalised text.

use super::{Problems, Run};
use crate::cargo::{self, Build};
use crate::context::Ctx;
use crate::copy::copy;
use crate::declaration::{Kind, Listing, is_error_code};
use crate::files::write_if_changed;
use crate::process;
use anyhow::Result;
use std::collections::BTreeSet;

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
            p.extend(compile_errors(ctx, l, &check(&[])?, run.options.bless)?);
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

/// A compile-fail listing must fail with exactly its declared errors, and its output.txt
/// must be what rustc says now (normalised across machines and versions); `bless` writes
/// what rustc says into output.txt instead, to be reviewed like any expected output.
pub fn compile_errors(ctx: &Ctx, l: &Listing, build: &Build, bless: bool) -> Result<Problems> {
    let who = l.manifest.display();
    let declared = l.claim.errors();
    if build.success() {
        return Ok(vec![format!(
            "{who}: declared compile-fail with {declared:?}, but it compiles"
        )]);
    }
    if build.errors.is_empty() {
        return Ok(vec![format!(
            "{who}: cargo failed before rustc reported anything:\n{}",
            build.report()
        )]);
    }
    let mut p = Vec::new();
    let got_codes: BTreeSet<&str> = build
        .errors
        .iter()
        .filter_map(|e| e.code.as_deref())
        .collect();
    let want_codes: BTreeSet<&str> = declared
        .iter()
        .map(String::as_str)
        .filter(|e| is_error_code(e))
        .collect();
    if got_codes != want_codes {
        p.push(format!(
            "{who}: declared errors {want_codes:?}, but rustc reported {got_codes:?}"
        ));
    }
    let want_messages: Vec<&str> = declared
        .iter()
        .map(String::as_str)
        .filter(|e| !is_error_code(e))
        .collect();
    for e in build.errors.iter().filter(|e| e.code.is_none()) {
        if !want_messages.iter().any(|m| e.message.contains(m)) {
            p.push(format!(
                "{who}: rustc reported an undeclared error: {}",
                e.message
            ));
        }
    }
    for m in &want_messages {
        if !build
            .errors
            .iter()
            .any(|e| e.code.is_none() && e.message.contains(m))
        {
            p.push(format!(
                "{who}: declared the error \"{m}\", but rustc did not report it"
            ));
        }
    }
    let rendered = crate::normalize::compiler_output(
        &build
            .errors
            .iter()
            .map(|e| e.rendered.as_str())
            .collect::<String>(),
    );
    let shown = fs_err::read_to_string(l.output_file())?;
    if bless && p.is_empty() && shown.trim_end() != rendered.trim_end() {
        write_if_changed(
            &l.output_file(),
            format!("{}\n", rendered.trim_end()).as_bytes(),
        )?;
        eprintln!("  recorded {}", ctx.rel(&l.output_file()));
    } else if shown.trim_end() != rendered.trim_end() {
        p.push(format!(
            "{}: the book shows these compiler errors, but rustc now says something else:\n{}",
            ctx.rel(&l.output_file()),
            crate::diff::lines(shown.trim_end(), rendered.trim_end())
        ));
    }
    Ok(p)
}
