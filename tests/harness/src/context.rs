//! Where things are: the paths every module needs, read once from `book.toml` and
//! `cargo metadata` and passed down as one value, so no module guesses a path.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub struct Ctx {
    /// The repository root: where book.toml is.
    pub root: PathBuf,
    /// The chapters (`[book] src`).
    pub src: PathBuf,
    /// mdBook's output (`[build] build-dir`), holding `html/` and `markdown/`.
    pub book: PathBuf,
    /// One crate per listing.
    pub listings: PathBuf,
    target: OnceLock<PathBuf>,
}

impl Ctx {
    /// The repository this harness belongs to (it lives in tests/harness).
    pub fn discover() -> Result<Ctx> {
        let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .ancestors()
            .nth(2)
            .context("tests/harness has no grandparent")?;
        Ctx::at(root)
    }

    pub fn at(root: &Path) -> Result<Ctx> {
        let book_toml = root.join("book.toml");
        if !book_toml.is_file() {
            bail!("no book.toml in {}", root.display());
        }
        let config: toml::Table = toml::from_str(&fs_err::read_to_string(&book_toml)?)
            .with_context(|| format!("{} is not valid TOML", book_toml.display()))?;
        let get = |table: &str, key: &str, default: &str| {
            config
                .get(table)
                .and_then(|t| t.get(key))
                .and_then(|v| v.as_str())
                .unwrap_or(default)
                .to_string()
        };
        Ok(Ctx {
            root: root.to_path_buf(),
            src: root.join(get("book", "src", "src")),
            book: root.join(get("build", "build-dir", "book")),
            listings: root.join("listings"),
            target: OnceLock::new(),
        })
    }

    /// mdBook's HTML output.
    pub fn html(&self) -> PathBuf {
        self.book.join("html")
    }

    /// mdBook's expanded Markdown: what skeptic and the book's own checks read.
    pub fn markdown(&self) -> PathBuf {
        self.book.join("markdown")
    }

    /// Cargo's target directory, as `cargo metadata` reports it (it honours
    /// `CARGO_TARGET_DIR` and `build.target-dir`).
    pub fn target(&self) -> &Path {
        self.target.get_or_init(|| {
            let mut cmd = cargo_metadata::MetadataCommand::new()
                .manifest_path(self.root.join("Cargo.toml"))
                .no_deps()
                .cargo_command();
            crate::process::run(&mut cmd, std::time::Duration::from_secs(120))
                .and_then(|run| {
                    anyhow::ensure!(
                        run.success(),
                        "it {}: {}",
                        run.describe_ending(),
                        run.stderr
                    );
                    Ok(cargo_metadata::MetadataCommand::parse(&run.stdout)?)
                })
                .map(|m| m.target_directory.into_std_path_buf())
                .unwrap_or_else(|e| {
                    say!("warning: cargo metadata failed ({e:#}); using target/");
                    self.root.join("target")
                })
        })
    }

    /// A path as the reader knows it: relative to the repository root.
    pub fn rel(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .display()
            .to_string()
    }

    /// A page of the book by its path under `src/` (`ch01-x/01-y.md`), as a reader finds it.
    pub fn page(&self, page: &str) -> String {
        self.rel(&self.src.join(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_book_toml() {
        let dir = std::env::temp_dir().join(format!("ctx-test-{}", std::process::id()));
        fs_err::create_dir_all(&dir).unwrap();
        fs_err::write(
            dir.join("book.toml"),
            "[book]\nsrc = \"pages\"\n[build]\nbuild-dir = \"out\"\n",
        )
        .unwrap();
        let ctx = Ctx::at(&dir).unwrap();
        assert_eq!(ctx.src, dir.join("pages"));
        assert_eq!(ctx.html(), dir.join("out/html"));
        assert_eq!(ctx.rel(&dir.join("pages/a.md")), "pages/a.md");
        fs_err::remove_dir_all(&dir).unwrap();
        assert!(Ctx::at(&dir).is_err());
    }
}
