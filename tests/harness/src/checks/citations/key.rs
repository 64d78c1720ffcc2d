//! What a citation's verdict depends on, to key the citations step by (see `cache`).

use crate::cache::Hasher;
use crate::cite::go_src::GoSources;
use crate::cite::std_html::StdDocs;
use crate::context::Ctx;

/// What a citation's verdict depends on: the pages (`src/`), the workspace's manifests
/// and lock file (the crates `cargo metadata` resolves, at their versions; a registry
/// crate's sources do not change), the std documentation (its version and whether it is
/// installed) and the Go whose sources are read (its version and `GOROOT`).
pub fn inputs(ctx: &Ctx, go: Option<&GoSources>) -> Hasher {
    let mut h = Hasher::default();
    h.tree(&ctx.root, &ctx.src);
    crate::inputs::workspace(ctx, &mut h);
    let mut manifests = vec![
        ctx.root.join("tests/harness/Cargo.toml"),
        ctx.root.join("tests/doctest/Cargo.toml"),
    ];
    for chapter in fs_err::read_dir(&ctx.listings)
        .into_iter()
        .flatten()
        .flatten()
    {
        for listing in fs_err::read_dir(chapter.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            manifests.push(listing.path().join("Cargo.toml"));
        }
    }
    manifests.sort();
    for m in manifests {
        h.file(&ctx.root, &m);
    }
    if let Ok(std) = StdDocs::find() {
        h.str(&std.version)
            .str(if std.installed() { "here" } else { "missing" });
    }
    match go {
        Some(go) => h.str(&go.version).str(&go.src.display().to_string()),
        None => h.str("no Go"),
    };
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_looked_up_again_when_a_page_or_a_manifest_changes() {
        let dir = std::env::temp_dir().join(format!("citations-key-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, text).unwrap();
        };
        write("book.toml", "");
        write(
            "src/ch01/page.md",
            "A page {{#cite tokio::spawn \"Spawns\"}}.\n",
        );
        write(
            "listings/ch01/01-a/Cargo.toml",
            "[dependencies]\ntokio = \"1\"\n",
        );
        write("listings/ch01/01-a/src/main.rs", "fn main() {}\n");
        let ctx = Ctx::at(&dir).unwrap();
        let key = |go: Option<&GoSources>| inputs(&ctx, go).finish();
        let before = key(None);
        write(
            "listings/ch01/01-a/src/main.rs",
            "fn main() { println!(); }\n",
        );
        assert_eq!(key(None), before, "a listing's code is not looked up");
        let go = GoSources {
            src: dir.join("go/src"),
            version: "go1.19.8".into(),
        };
        assert_ne!(key(Some(&go)), before, "another Go");
        for (rel, text) in [
            (
                "src/ch01/page.md",
                "A page {{#cite tokio::spawn \"Spawns a\"}}.\n",
            ),
            ("listings/ch01/01-a/Cargo.toml", "[dependencies]\n"),
            ("Cargo.lock", "# another lock\n"),
        ] {
            let was = key(None);
            write(rel, text);
            assert_ne!(key(None), was, "{rel} changed");
        }
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
