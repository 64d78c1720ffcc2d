//! When the last build can stand for this one: mdBook is not run again when nothing it
//! reads changed and the output it left is still there as it left it. The key covers what
//! mdBook and this harness's preprocessors read: `book.toml`, the pages, the theme, the
//! listings (code, declarations, outputs, break records, results), the Go programs pages
//! include, the workspace files (crate versions for citation links), which crate sources
//! and std documentation the links were resolved against, and the `MDBOOK_*` variables
//! that override `book.toml`; and the output itself (`book/html`, `book/markdown`), so a
//! build that was removed, changed or replaced (by `cargo xtask serve`) since is not taken
//! for it. The harness's own build and the toolchain are in every key (`cache::key`).

use crate::cache::{self, Hasher};
use crate::context::Ctx;

/// The key of the book as it is now: its inputs and the output present.
pub fn key(ctx: &Ctx) -> String {
    let mut h = inputs(ctx);
    h.str("output").tree(&ctx.root, &ctx.book);
    cache::key("book", &h)
}

/// What a build of the book reads.
fn inputs(ctx: &Ctx) -> Hasher {
    let mut h = Hasher::default();
    h.file(&ctx.root, &ctx.root.join("book.toml"));
    for dir in [
        ctx.src.clone(),
        ctx.root.join("theme"),
        ctx.listings.clone(),
        ctx.root.join("go"),
    ] {
        h.tree(&ctx.root, &dir);
    }
    crate::inputs::workspace(ctx, &mut h);
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("MDBOOK_"))
        .collect();
    vars.sort();
    for (k, v) in vars {
        h.str(&k).str(&v);
    }
    // A citation links an item's page if its sources are here, else a search. (In a
    // stable order: the crates come out of a hash map.)
    if let Ok(crates) = crate::cite::rust_src::Crates::from_lock(&ctx.root) {
        let mut found: Vec<String> = crates
            .all()
            .iter()
            .map(|c| format!("{} {} {}", c.package, c.version, c.root_file.is_file()))
            .collect();
        found.sort();
        for f in found {
            h.str(&f);
        }
    }
    if let Ok(std) = crate::cite::std_html::StdDocs::find() {
        h.str(&std.version)
            .str(if std.installed() { "here" } else { "missing" });
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_input_or_output_misses() {
        let dir = std::env::temp_dir().join(format!("book-reuse-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, text).unwrap();
        };
        write("book.toml", "[book]\n");
        write("src/ch01/page.md", "# A page\n");
        write("listings/ch01/01-a/output.txt", "hello\n");
        write("go/ch01/x/main.go", "package main\n");
        write("book/html/ch01/page.html", "<h1>A page</h1>\n");
        write("other/notes.txt", "not read by mdBook\n");
        // Crates that come out of a hash map: the key must not depend on its order.
        let lock: String = ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .map(|n| {
                format!(
                    "[[package]]\nname = \"{n}\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n\n"
                )
            })
            .collect();
        write("Cargo.lock", &format!("version = 4\n\n{lock}"));
        let ctx = Ctx::at(&dir).unwrap();
        let before = key(&ctx);
        for _ in 0..5 {
            assert_eq!(key(&ctx), before, "the same inputs, the same key");
        }
        write("other/notes.txt", "still not read\n");
        assert_eq!(key(&ctx), before, "a file no build reads");
        for (rel, text) in [
            ("src/ch01/page.md", "# A changed page\n"),
            ("listings/ch01/01-a/output.txt", "hello, world\n"),
            ("go/ch01/x/main.go", "package other\n"),
            ("book.toml", "[book]\ntitle = \"x\"\n"),
            ("book/html/ch01/page.html", "<h1>edited by hand</h1>\n"),
        ] {
            let was = key(&ctx);
            write(rel, text);
            assert_ne!(key(&ctx), was, "{rel} changed");
        }
        let built = key(&ctx);
        fs_err::remove_dir_all(dir.join("book")).unwrap();
        assert_ne!(key(&ctx), built, "the output removed");
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
