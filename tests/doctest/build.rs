//! Generates one test per Rust code block of the book, with skeptic.
//!
//! skeptic reads Markdown but knows nothing of mdBook's directives, so it is fed mdBook's
//! own expanded output, as `cargo xtask test` hands it over in BOOK_MARKDOWN_DIR: what it
//! tests is what a reader sees. (skeptic ignores `compile_fail`; the harness turns those
//! blocks into text before handing the pages over, and proves them with rustc's JSON
//! diagnostics instead.)
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
            if fs::read_to_string(&dest).ok().as_deref() != Some(text.as_str()) {
                fs::write(&dest, text).unwrap();
            }
            docs.push(dest);
        }
    }
}
