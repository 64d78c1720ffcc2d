//! Generates one test per Rust code block of the book, with skeptic.
//!
//! skeptic reads Markdown but knows nothing of mdBook's directives, so it is fed mdBook's
//! own expanded output (`book/markdown`, set by `cargo xtask test` in BOOK_MARKDOWN_DIR):
//! what it tests is exactly what a reader sees. It also ignores `compile_fail` (it would
//! compile such a block as a normal test), so those blocks are turned into text here; the
//! harness proves them with rustc's JSON diagnostics instead.
use std::{env, fs, path::Path, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=BOOK_MARKDOWN_DIR");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let Some(dir) = env::var_os("BOOK_MARKDOWN_DIR") else {
        // A plain `cargo test` or `cargo clippy`: no book to test.
        fs::write(out.join("skeptic-tests.rs"), "").unwrap();
        return;
    };
    let dir = PathBuf::from(dir);
    let mut docs = Vec::new();
    collect(&dir, &dir, &out.join("book"), &mut docs);
    docs.sort();
    assert!(
        !docs.is_empty(),
        "no Markdown in {}: run `mdbook build` first",
        dir.display()
    );
    skeptic::generate_doc_tests(&docs);
}

fn collect(root: &Path, dir: &Path, out: &Path, docs: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out, docs);
        } else if path.extension().is_some_and(|e| e == "md") {
            println!("cargo:rerun-if-changed={}", path.display());
            let text = fs::read_to_string(&path).unwrap();
            // skeptic names tests after the file stem, which must become a Rust identifier
            // and be unique: flatten `ch01-x/05-y.md` to `book_ch01_x_05_y.md`.
            let rel = path.strip_prefix(root).unwrap().to_string_lossy();
            let flat: String = rel
                .trim_end_matches(".md")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let dest = out.join(format!("book_{flat}.md"));
            fs::create_dir_all(out).unwrap();
            let filtered = without_compile_fail(&text);
            if fs::read_to_string(&dest).ok().as_deref() != Some(filtered.as_str()) {
                fs::write(&dest, filtered).unwrap();
            }
            docs.push(dest);
        }
    }
}

/// Rewrites the opening fence of every `compile_fail` block as a `text` block.
fn without_compile_fail(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut open: Option<String> = None;
    for line in md.split_inclusive('\n') {
        let t = line.trim_start();
        let ticks = t.len() - t.trim_start_matches('`').len();
        if ticks >= 3 {
            match &open {
                Some(f) if t.trim_end() == f => open = None,
                Some(_) => {}
                None => {
                    let fence = "`".repeat(ticks);
                    let info = &t[ticks..];
                    open = Some(fence.clone());
                    if info.split(',').any(|a| a.trim() == "compile_fail") {
                        out.push_str(&format!("{fence}text\n"));
                        continue;
                    }
                }
            }
        }
        out.push_str(line);
    }
    out
}
