//! Each listing's programs and test binaries, as its copy builds them on its scratch worker
//! (`cargo build --all-targets`: what `cargo run` and `cargo test` build for a reader who
//! copied it). The outputs, tests and breaks steps run these, so a listing is compiled once
//! in a run, outside the workspace, with only what its own `Cargo.toml` asks for. Each
//! build is kept for the rest of the run: the copy-out step records its own, and a later
//! step that finds a listing built does not ask cargo again.

use crate::cargo::{self, Build, Executable};
use crate::context::Ctx;
use crate::declaration::{Kind, Listing};
use crate::scratch::{self, Worker};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The command that builds a copy's programs and tests.
pub const ALL_TARGETS: [&str; 3] = ["build", "--quiet", "--all-targets"];

/// The command that builds a copy's programs, for a crate with no test to build: what
/// copy-out's `cargo run` check has built already, so cargo finds it fresh.
pub const PROGRAMS: [&str; 2] = ["build", "--quiet"];

/// Whether the crate in `dir` may have tests: `test` (in any case) in one of its Rust
/// files, or dev-dependencies, or a test or bench target declared in its `Cargo.toml`.
/// Without any of those, `cargo test` of it builds an empty test harness for each
/// program, which this run does not build (clippy checks those targets in the workspace).
pub fn may_have_tests(dir: &Path) -> Result<bool> {
    let manifest: toml::Table = toml::from_str(&fs_err::read_to_string(dir.join("Cargo.toml"))?)?;
    if ["dev-dependencies", "test", "bench"]
        .iter()
        .any(|key| manifest.contains_key(*key))
    {
        return Ok(true);
    }
    for sub in ["src", "tests", "benches", "examples"] {
        let sub = dir.join(sub);
        if !sub.is_dir() {
            continue;
        }
        for file in crate::mdbook::walk(&sub, "rs")? {
            if fs_err::read_to_string(&file)?
                .to_lowercase()
                .contains("test")
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// One listing's copy and what building it produced.
pub struct Built {
    /// The copy's folder on its worker.
    pub dir: PathBuf,
    pub build: Build,
}

impl Built {
    /// Builds the listing's copy on `worker` (copying it there first, as it is now).
    pub fn build(ctx: &Ctx, worker: &Worker, l: &Listing) -> Result<Built> {
        let dir = worker.copy(ctx, l)?;
        let args: &[&str] = if may_have_tests(&dir)? {
            &ALL_TARGETS
        } else {
            &PROGRAMS
        };
        let build = cargo::json(&mut worker.cargo(&dir, args))?;
        Ok(Built { dir, build })
    }

    /// The listing's program (its bin target).
    pub fn program(&self) -> Option<&Path> {
        self.build.program(&self.dir)
    }

    /// The listing's test harnesses (unit tests, integration tests).
    pub fn tests(&self) -> impl Iterator<Item = &Executable> {
        self.build.tests_of(&self.dir)
    }

    /// What to report when the build failed, naming the listing.
    pub fn failure(&self, ctx: &Ctx, l: &Listing) -> Option<String> {
        (!self.build.success()).then(|| {
            format!(
                "{}: `cargo test` of a copy does not build (to {}):\n{}",
                l.manifest.display(),
                ctx.rel(&self.dir),
                self.build.report()
            )
        })
    }
}

/// The builds kept in this run, by package.
static KEPT: Mutex<BTreeMap<String, Arc<Built>>> = Mutex::new(BTreeMap::new());

fn kept() -> std::sync::MutexGuard<'static, BTreeMap<String, Arc<Built>>> {
    KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Keeps a build the copy-out step made, for the steps after it.
pub fn keep(l: &Listing, copy: Built) {
    kept().insert(l.package.clone(), Arc::new(copy));
}

/// The builds of `wanted` (compile-fail listings have none), each built on its worker
/// unless this run built it already; `all` says which worker each listing is on.
pub fn of(ctx: &Ctx, all: &[Listing], wanted: &[&Listing]) -> Result<Builds> {
    let missing: Vec<&Listing> = {
        let kept = kept();
        wanted
            .iter()
            .copied()
            .filter(|l| l.kind() != Kind::CompileFail && !kept.contains_key(&l.package))
            .collect()
    };
    let built = scratch::on_workers(
        ctx,
        all,
        missing,
        |l| l.package.as_str(),
        |worker, _, l| (l, Built::build(ctx, worker, l)),
    )?;
    for (l, copy) in built {
        keep(l, copy?);
    }
    let kept = kept();
    Ok(Builds(
        wanted
            .iter()
            .filter_map(|l| Some((l.package.clone(), kept.get(&l.package)?.clone())))
            .collect(),
    ))
}

/// Some listings' builds, by package.
pub struct Builds(BTreeMap<String, Arc<Built>>);

impl Builds {
    /// The listing's build (none for a compile-fail listing).
    pub fn get(&self, l: &Listing) -> Option<&Built> {
        self.0.get(&l.package).map(|c| c.as_ref())
    }

    /// The listing's build if it built, else the problem to report (naming the listing).
    pub fn built(&self, ctx: &Ctx, l: &Listing) -> std::result::Result<&Built, String> {
        let built = self
            .get(l)
            .ok_or_else(|| format!("{}: it has no build", l.manifest.display()))?;
        match built.failure(ctx, l) {
            Some(failure) => Err(failure),
            None => Ok(built),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(manifest: &str, main: &str) -> PathBuf {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("may-have-tests-{}-{n}", std::process::id()));
        fs_err::create_dir_all(dir.join("src")).unwrap();
        fs_err::write(dir.join("Cargo.toml"), manifest).unwrap();
        fs_err::write(dir.join("src/main.rs"), main).unwrap();
        dir
    }

    const PACKAGE: &str = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n";

    #[test]
    fn a_crate_without_test_or_dev_dependencies_has_no_tests_to_build() {
        let dir = crate_with(PACKAGE, "fn main() {}\n");
        assert!(!may_have_tests(&dir).unwrap());
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn any_sign_of_a_test_builds_them() {
        for (manifest, main) in [
            (PACKAGE.to_string(), "#[tokio::test]\nasync fn t() {}\n"),
            (PACKAGE.to_string(), "#[cfg(test)]\nmod checks {}\n"),
            (PACKAGE.to_string(), "// a Test in a comment counts too\n"),
            (
                format!("{PACKAGE}[dev-dependencies]\nquickcheck = \"1\"\n"),
                "fn main() {}\n",
            ),
            (
                format!("{PACKAGE}[[test]]\nname = \"it\"\n"),
                "fn main() {}\n",
            ),
        ] {
            let dir = crate_with(&manifest, main);
            assert!(may_have_tests(&dir).unwrap(), "{manifest}\n{main}");
            fs_err::remove_dir_all(&dir).unwrap();
        }
    }
}
