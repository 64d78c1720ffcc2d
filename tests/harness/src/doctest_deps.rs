//! The doctest crate (`tests/doctest`) that the book's code blocks compile against, shared
//! by the skeptic and mdbook-test steps: what its builds depend on, and keeping its target
//! directory usable when that changes.

use crate::cache::Hasher;
use crate::context::Ctx;
use anyhow::Result;

/// The name steps wait for the background build by (see [`prefetch`]).
pub const PREFETCH: &str = "the doctest crate's dependencies";

/// What the book's code compiles against: the lock file, the doctest crate, and the
/// listings it depends on as libraries.
pub fn dependencies(ctx: &Ctx) -> Hasher {
    let mut h = Hasher::default();
    let doctest = ctx.root.join("tests/doctest");
    for f in [
        "Cargo.lock",
        "tests/doctest/Cargo.toml",
        "tests/doctest/build.rs",
    ] {
        h.file(&ctx.root, &ctx.root.join(f));
    }
    let manifest: toml::Table = fs_err::read_to_string(doctest.join("Cargo.toml"))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    for section in ["dependencies", "dev-dependencies"] {
        if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
            for spec in deps.values() {
                if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                    h.tree(&ctx.root, &doctest.join(path));
                }
            }
        }
    }
    h
}

/// `mdbook test` hands rustdoc the whole deps directory of target/doctest; after the
/// doctest crate's dependencies change, or how they are built (the workspace's profiles,
/// cargo's config), cargo leaves the old builds there and rustdoc stops with E0464 (two
/// candidates for one crate). So that directory starts afresh whenever either changes.
pub fn reset_target_on_new_dependencies(ctx: &Ctx) -> Result<()> {
    let dir = ctx.target().join("doctest");
    let mut h = Hasher::default();
    for f in [
        "tests/doctest/Cargo.toml",
        "Cargo.lock",
        "Cargo.toml",
        ".cargo/config.toml",
    ] {
        h.file(&ctx.root, &ctx.root.join(f));
    }
    let key = h.finish();
    let stamp = dir.join("dependencies-key");
    if fs_err::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) {
        if dir.join("debug").exists() {
            say!(
                "  the doctest dependencies, or how they are built, changed: rebuilding {} from scratch",
                ctx.rel(&dir)
            );
            fs_err::remove_dir_all(dir.join("debug"))?;
        }
        crate::files::write_if_changed(&stamp, key.as_bytes())?;
    }
    Ok(())
}

/// On a machine whose doctest target directory holds no build for the current dependency
/// set, the build of those dependencies, to run in the background at low priority from the
/// start of the run (see [`crate::background`]): skeptic, many steps later, then builds
/// only the book's blocks. Without `BOOK_MARKDOWN_DIR` the doctest crate has no tests, so
/// this builds the dependencies alone.
pub fn prefetch(ctx: &Ctx) -> Result<Option<crate::background::Job>> {
    reset_target_on_new_dependencies(ctx)?;
    let dir = ctx.target().join("doctest");
    if dir.join("debug/deps").is_dir() {
        return Ok(None);
    }
    let mut cmd = crate::process::cargo();
    cmd.current_dir(&ctx.root)
        .env_remove("BOOK_MARKDOWN_DIR")
        .args([
            "test",
            "--no-run",
            "--package",
            "book-doctest",
            "--target-dir",
        ])
        .arg(&dir);
    Ok(Some(crate::background::Job {
        name: PREFETCH,
        cmd: crate::background::low_priority(cmd),
        limit: crate::cargo::BUILD_LIMIT,
        log: ctx.target().join("tools/doctest-dependencies.log"),
    }))
}
