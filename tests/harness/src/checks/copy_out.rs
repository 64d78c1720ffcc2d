//! Each listing copied out of the workspace, as a reader who copies it gets it: a clean
//! copy (files removed from the listing are removed from the copy) with the workspace's
//! `Cargo.lock`, built on its own. An ordinary listing must build with only what its
//! `Cargo.toml` says; a compile-fail listing must fail with exactly its declared errors,
//! read from rustc's JSON diagnostics, and show the compiler's normalised text.

use super::{Problems, Run};
use crate::cargo::{self, Build};
use crate::context::Ctx;
use crate::declaration::{Kind, Listing, is_error_code};
use crate::files::write_if_changed;
use crate::process;
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// Copies a listing under `root`, keeping its chapter's layout, as a workspace of its own
/// with the book's lock file; returns the copy's folder. A `../NN-name` dependency on a
/// sibling listing resolves to that sibling's copy, made here too.
pub fn copy(ctx: &Ctx, l: &Listing, root: &Path) -> Result<PathBuf> {
    let chapter = root.join(&l.chapter_dir);
    let dest = chapter.join(l.dir.file_name().unwrap_or_default());
    copy_crate(ctx, &l.dir, &dest)?;
    for sibling in sibling_dependencies(&l.dir)? {
        let from = l.dir.parent().unwrap_or(&l.dir).join(&sibling);
        copy_crate(ctx, &from, &chapter.join(&sibling))?;
    }
    Ok(dest)
}

fn copy_crate(ctx: &Ctx, src: &Path, dest: &Path) -> Result<()> {
    sync(src, dest, true)?;
    let mut manifest = fs_err::read(src.join("Cargo.toml"))?;
    manifest.extend_from_slice(
        b"\n# Added by the copy-out check: this folder is a workspace of its own.\n[workspace]\n",
    );
    write_if_changed(&dest.join("Cargo.toml"), &manifest)?;
    // Always the book's versions, so the copy builds what the book tested.
    write_if_changed(
        &dest.join("Cargo.lock"),
        &fs_err::read(ctx.root.join("Cargo.lock"))?,
    )
}

/// The `../NN-name` path dependencies of a listing.
pub fn sibling_dependencies(dir: &Path) -> Result<Vec<String>> {
    let doc: toml::Table = toml::from_str(&fs_err::read_to_string(dir.join("Cargo.toml"))?)?;
    let mut found = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = doc.get(section).and_then(|d| d.as_table()) {
            for spec in t.values() {
                if let Some(path) = spec.get("path").and_then(|p| p.as_str())
                    && let Some(name) = path.strip_prefix("../")
                {
                    found.push(name.to_string());
                }
            }
        }
    }
    Ok(found)
}

/// Makes `dest` hold exactly the files of `src` (but `target/`; at the top of a crate, the
/// manifest and lock file are the caller's), writing only what changed so cargo's
/// fingerprints stay fresh.
pub fn sync(src: &Path, dest: &Path, crate_root: bool) -> Result<()> {
    fs_err::create_dir_all(dest)?;
    let callers =
        |name: &std::ffi::OsStr| crate_root && (name == "Cargo.toml" || name == "Cargo.lock");
    let mut wanted = BTreeSet::new();
    for entry in fs_err::read_dir(src)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || callers(&name) {
            continue;
        }
        wanted.insert(name.clone());
        let from = entry.path();
        let to = dest.join(&name);
        if from.is_dir() {
            sync(&from, &to, false)?;
        } else {
            write_if_changed(&to, &fs_err::read(&from)?)?;
        }
    }
    for entry in fs_err::read_dir(dest)? {
        let entry = entry?;
        let name = entry.file_name();
        if wanted.contains(&name) || callers(&name) || name == "target" {
            continue;
        }
        if entry.path().is_dir() {
            fs_err::remove_dir_all(entry.path())?;
        } else {
            fs_err::remove_file(entry.path())?;
        }
    }
    Ok(())
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
