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
        let build = cargo::json(&mut worker.cargo(&dir, &ALL_TARGETS))?;
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
