//! What a listing's checks depend on, as the files to key them by (see `cache`): the
//! listing's folder, the sibling listings it uses by path (and theirs, transitively), and
//! the workspace files every cargo command in the repository reads. Shared by the steps
//! that remember a listing's result: outputs, tests, copy-out and breaks. Also what the
//! harness's own tests depend on.

use crate::cache::Hasher;
use crate::context::Ctx;
use crate::declaration::Listing;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files every build in the workspace reads besides a crate's own: the lock file, the
/// workspace manifest (members, profiles) and cargo's configuration (flags, aliases).
pub const WORKSPACE_FILES: [&str; 3] = ["Cargo.lock", "Cargo.toml", ".cargo/config.toml"];

/// The cache key of `step`'s check of one listing: its inputs ([`listing`]).
pub fn key(ctx: &Ctx, step: &str, l: &Listing) -> String {
    crate::cache::key(&format!("{step} {}", l.id), &listing(ctx, l))
}

/// Everything a listing's build, program and tests are made of (the toolchain, the
/// harness and the environment are in every key already: `cache::key`).
pub fn listing(ctx: &Ctx, l: &Listing) -> Hasher {
    let mut h = crate_at(ctx, &l.dir);
    // Files its declaration names, which may lie outside its folder (a benchmark's chart
    // is the page's, under src/).
    for declared in [l.results_file(), l.chart_file()].into_iter().flatten() {
        h.file(&ctx.root, &declared);
    }
    h
}

/// [`listing`], by the listing's folder.
fn crate_at(ctx: &Ctx, dir: &Path) -> Hasher {
    let mut h = Hasher::default();
    for dir in crates_of(dir) {
        h.tree(&ctx.root, &dir);
    }
    workspace(ctx, &mut h);
    h
}

/// What the harness's own tests depend on: its folder (sources, fixtures, snapshots), the
/// files outside it that its sources compile in (`include_str!`, `include_bytes!`) and the
/// workspace files.
pub fn harness(ctx: &Ctx) -> Hasher {
    let dir = ctx.root.join("tests/harness");
    let mut h = Hasher::default();
    h.tree(&ctx.root, &dir);
    let mut sources = Vec::new();
    rust_files(&dir.join("src"), &mut sources);
    sources.sort();
    for source in sources {
        let text = fs_err::read_to_string(&source).unwrap_or_default();
        for included in included_paths(&text) {
            h.file(&ctx.root, &source.parent().unwrap_or(&dir).join(included));
        }
    }
    workspace(ctx, &mut h);
    h
}

/// The paths in a Rust file's `include_str!("…")` and `include_bytes!("…")`.
fn included_paths(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for mac in ["include_str!(\"", "include_bytes!(\""] {
        for (at, _) in text.match_indices(mac) {
            let rest = &text[at + mac.len()..];
            if let Some(end) = rest.find('"') {
                found.push(&rest[..end]);
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs_err::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The workspace files ([`WORKSPACE_FILES`]) into `h`.
pub fn workspace(ctx: &Ctx, h: &mut Hasher) {
    for f in WORKSPACE_FILES {
        h.file(&ctx.root, &ctx.root.join(f));
    }
}

/// A listing's folder and the folders of the listings it depends on by path, each once,
/// the listing first.
fn crates_of(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![dir.to_path_buf()];
    let mut seen: BTreeSet<PathBuf> = found.iter().cloned().collect();
    let mut i = 0;
    while i < found.len() {
        let here = found[i].clone();
        for sibling in crate::copy::sibling_dependencies(&here).unwrap_or_default() {
            let path = here.parent().unwrap_or(&here).join(sibling);
            if seen.insert(path.clone()) {
                found.push(path);
            }
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, text).unwrap();
    }

    #[test]
    fn a_step_s_key_of_a_listing_changes_with_its_files() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let dir = std::env::temp_dir().join(format!("inputs-key-{}", std::process::id()));
        crate::copy::sync(&fixtures, &dir, false).unwrap();
        let ctx = Ctx::at(&dir).unwrap();
        let listings = crate::declaration::load_all(&ctx).unwrap();
        let (a, b) = (&listings[0], &listings[1]);
        let before = key(&ctx, "outputs", a);
        assert_eq!(key(&ctx, "outputs", a), before);
        assert_ne!(
            key(&ctx, "tests", a),
            before,
            "each step has keys of its own"
        );
        assert_ne!(key(&ctx, "outputs", b), before, "each listing too");
        let b_before = key(&ctx, "outputs", b);
        let main = fs_err::read_to_string(a.dir.join("src/main.rs")).unwrap();
        write(&a.dir.join("src/main.rs"), &format!("{main}// a comment\n"));
        assert_ne!(
            key(&ctx, "outputs", a),
            before,
            "a changed file of the listing"
        );
        assert_eq!(key(&ctx, "outputs", b), b_before, "another listing's files");

        // A benchmark's chart, declared outside its folder, is an input.
        let bench = listings
            .iter()
            .find(|l| l.results_file().is_some())
            .unwrap();
        let manifest = fs_err::read_to_string(bench.dir.join("Cargo.toml")).unwrap();
        write(
            &bench.dir.join("Cargo.toml"),
            &manifest.replace(
                "results = \"results.md\"",
                "results = \"results.md\"\nchart = \"../../../src/chart.svg\"",
            ),
        );
        write(&dir.join("src/chart.svg"), "<svg/>");
        let listings = crate::declaration::load_all(&ctx).unwrap();
        let bench = listings
            .iter()
            .find(|l| l.results_file().is_some())
            .unwrap();
        assert!(
            bench
                .chart_file()
                .is_some_and(|c| !c.starts_with(&bench.dir))
        );
        let drawn = key(&ctx, "outputs", bench);
        write(&dir.join("src/chart.svg"), "<svg><rect/></svg>");
        assert_ne!(key(&ctx, "outputs", bench), drawn, "a redrawn chart");
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_harness_tests_depend_on_what_its_sources_include() {
        let dir = std::env::temp_dir().join(format!("inputs-harness-{}", std::process::id()));
        write(&dir.join("book.toml"), "");
        let src = dir.join("tests/harness/src");
        write(
            &src.join("checks/x.rs"),
            "const R: &str = include_str!(\"../../../../go/README.md\");",
        );
        write(&dir.join("go/README.md"), "claims\n");
        write(&dir.join("go/other.go"), "package main\n");
        let ctx = Ctx::at(&dir).unwrap();
        let before = harness(&ctx).finish();
        write(&dir.join("go/other.go"), "package other\n");
        assert_eq!(harness(&ctx).finish(), before, "a file it does not include");
        write(&dir.join("go/README.md"), "other claims\n");
        let included = harness(&ctx).finish();
        assert_ne!(included, before, "a file it includes is an input");
        write(&dir.join("tests/harness/fixtures/a.toml"), "x = 1\n");
        assert_ne!(harness(&ctx).finish(), included, "its fixtures are inputs");
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_listing_depends_on_its_siblings_transitively() {
        let dir = std::env::temp_dir().join(format!("inputs-test-{}", std::process::id()));
        let chapter = dir.join("listings/ch01-x");
        let dep = |name: &str| format!("[dependencies]\nb = {{ path = \"../{name}\" }}\n");
        write(&chapter.join("01-a/Cargo.toml"), &dep("02-b"));
        write(&chapter.join("02-b/Cargo.toml"), &dep("03-c"));
        write(&chapter.join("03-c/Cargo.toml"), &dep("01-a"));
        write(&chapter.join("04-d/Cargo.toml"), "");
        let got = crates_of(&chapter.join("01-a"));
        let names: Vec<_> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["01-a", "02-b", "03-c"],
            "a cycle ends, 04-d is not used"
        );

        // A change to a crate it uses misses the cache; a change to one it does not, hits.
        write(&dir.join("book.toml"), "");
        let ctx = Ctx::at(&dir).unwrap();
        let key = || crate_at(&ctx, &chapter.join("01-a")).finish();
        let before = key();
        write(&chapter.join("04-d/src/main.rs"), "fn main() {}\n");
        assert_eq!(key(), before);
        write(&chapter.join("03-c/src/lib.rs"), "// changed\n");
        let changed = key();
        assert_ne!(changed, before);
        write(&dir.join("Cargo.lock"), "# changed\n");
        assert_ne!(key(), changed, "the lock file is an input");
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
