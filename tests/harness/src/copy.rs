//! A listing copied out of the workspace, as a reader who copies it gets it: a clean copy
//! (files removed from the listing are removed from the copy), a workspace of its own with
//! the book's `Cargo.lock`, and the sibling listings it depends on by path. Used by the
//! copy-out, mutants and breaks steps.

use crate::context::Ctx;
use crate::declaration::Listing;
use crate::files::write_if_changed;
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// A copy of the crate in `dir` (a listing, or a copy of one) as `root/<its folder name>`,
/// a workspace of its own with the book's lock file; returns the copy's folder.
pub fn copy_dir_as_workspace(ctx: &Ctx, dir: &Path, root: &Path) -> Result<PathBuf> {
    let dest = root.join(dir.file_name().unwrap_or_default());
    copy_crate(ctx, dir, &dest)?;
    Ok(dest)
}

fn copy_crate(ctx: &Ctx, src: &Path, dest: &Path) -> Result<()> {
    sync(src, dest, true)?;
    let mut manifest = fs_err::read(src.join("Cargo.toml"))?;
    // A copy of a copy is a workspace already.
    if !String::from_utf8_lossy(&manifest).contains("\n[workspace]\n") {
        manifest.extend_from_slice(
            b"\n# Added by the copy-out check: this folder is a workspace of its own.\n[workspace]\n",
        );
    }
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
