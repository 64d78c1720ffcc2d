//! Scratch copies of listings, built on two workers (the builds the outputs, tests and
//! breaks steps run, see `builds`). Each worker has a scratch tree and a
//! target directory of its own, so two builds never wait on each other's cargo lock; each
//! listing always goes to the same worker, chosen from the declarations alone, so the
//! copy-out step's build of a listing is the one its breaks then rebuild incrementally, run
//! after run.
//!
//! Each worker serves two lanes (threads), each with its own listings: while one lane
//! waits on a program that must hang until its time limit, or runs a loom model on one
//! core, the other builds. Builds in one target directory still take turns (cargo's lock),
//! so no more than two builds run at once.

use crate::context::Ctx;
use crate::declaration::Listing;
use crate::process;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One worker's scratch tree and target directory.
pub struct Worker {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Worker {
    pub fn new(ctx: &Ctx, w: usize) -> Worker {
        Worker {
            root: ctx.target().join(format!("scratch/{w}/src")),
            target: ctx.target().join(format!("scratch/{w}/target")),
        }
    }

    /// The listing copied into this worker's tree (see [`crate::copy::copy`]).
    pub fn copy(&self, ctx: &Ctx, l: &Listing) -> Result<PathBuf> {
        crate::copy::copy(ctx, l, &self.root)
    }

    /// `cargo <args>` in a copy, building into this worker's target directory.
    pub fn cargo(&self, copy: &Path, args: &[&str]) -> Command {
        let mut cmd = process::cargo();
        cmd.current_dir(copy).args(args);
        self.build_here(&mut cmd);
        cmd
    }

    /// Makes `cmd` (cargo, or a tool that runs it) build into this worker's target
    /// directory, with the same profile as every other build there, so the dependencies
    /// built for one listing serve the next.
    pub fn build_here(&self, cmd: &mut Command) {
        cmd.env("CARGO_TARGET_DIR", &self.target)
            // No debug info: nothing the checks read needs it (a panic's file and line
            // are compiled in without it, and every program runs with RUST_BACKTRACE=0),
            // and line tables cost about a tenth of the CPU of building a tokio listing
            // and its dependencies (10.9 CPU-s with them, 10.1 without).
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_PROFILE_TEST_DEBUG", "0");
    }
}

/// The worker `package` always builds on (see [`lanes`]).
pub fn worker_of(ctx: &Ctx, all: &[Listing], package: &str) -> Result<Worker> {
    let lane = lanes(ctx, all)?.get(package).copied().unwrap_or(0);
    Ok(Worker::new(ctx, lane % crate::parallel::WORKERS))
}

/// Lanes per worker: one thread may build while the other waits on a run.
const LANES_PER_WORKER: usize = 2;
/// All lanes; lane `i` works on worker `i % WORKERS`.
const LANES: usize = crate::parallel::WORKERS * LANES_PER_WORKER;

/// What one build costs, roughly, in the units [`balance`] weighs lanes in: a break (a
/// rebuild of one listing and a run) about four times one registry package built on
/// average (most are small; tokio or axum take many times that). When these were set
/// (December 2026), the three listings that need axum and reqwest went to one worker, and
/// the lanes got 45 to 74 breaks each.
const BREAK_COST: usize = 4;
const PACKAGE_COST: usize = 1;

/// Which lane each listing (by package) goes to: whole listings, the ones with the most
/// breaks first, each to the lane where it costs least: its breaks (a listing counts as
/// one, for its own build), plus the packages it needs that its lane's worker has not
/// built yet. Listings that need the same heavy packages (axum, hyper and reqwest) so end
/// up on one worker, which builds them once. A lane's worker is `lane % WORKERS`.
fn lanes(ctx: &Ctx, all: &[Listing]) -> Result<BTreeMap<String, usize>> {
    let needs = needs(ctx)?;
    Ok(balance(
        all.iter()
            .map(|l| Weighed {
                package: l.package.clone(),
                breaks: l.breaks.len().max(1),
                needs: needs.get(&l.package).cloned().unwrap_or_default(),
            })
            .collect(),
        LANES,
    ))
}

/// A listing as [`balance`] weighs it.
struct Weighed {
    package: String,
    breaks: usize,
    /// The registry packages its build needs.
    needs: BTreeSet<String>,
}

/// Heaviest first (by breaks), each to the lane of `n` where it costs least (ties: the
/// first lane).
fn balance(mut items: Vec<Weighed>, n: usize) -> BTreeMap<String, usize> {
    items.sort_by(|a, b| {
        b.breaks
            .cmp(&a.breaks)
            .then_with(|| a.package.cmp(&b.package))
    });
    let workers = crate::parallel::WORKERS.min(n);
    let mut load = vec![0usize; n];
    let mut built: Vec<BTreeSet<String>> = vec![BTreeSet::new(); workers];
    let mut lanes = BTreeMap::new();
    for item in items {
        let cost = |lane: usize| {
            let new = item.needs.difference(&built[lane % workers]).count();
            load[lane] + BREAK_COST * item.breaks + PACKAGE_COST * new
        };
        let lane = (0..n).min_by_key(|&lane| cost(lane)).unwrap_or(0);
        load[lane] = cost(lane);
        built[lane % workers].extend(item.needs);
        lanes.insert(item.package, lane);
    }
    lanes
}

/// The registry packages each workspace member's build needs (its dependencies of every
/// kind, then theirs but for their dev-dependencies), by package name, from `cargo
/// metadata`'s resolve; read once per run.
fn needs(ctx: &Ctx) -> Result<BTreeMap<String, BTreeSet<String>>> {
    static NEEDS: OnceLock<Result<BTreeMap<String, BTreeSet<String>>, String>> = OnceLock::new();
    NEEDS
        .get_or_init(|| read_needs(ctx).map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(|e| anyhow::anyhow!("cargo metadata, for what each listing needs built: {e}"))
}

fn read_needs(ctx: &Ctx) -> Result<BTreeMap<String, BTreeSet<String>>> {
    use cargo_metadata::{DependencyKind, MetadataCommand, PackageId};
    let mut cmd = MetadataCommand::new()
        .manifest_path(ctx.root.join("Cargo.toml"))
        .cargo_command();
    let run = process::run(&mut cmd, crate::cargo::BUILD_LIMIT)?;
    anyhow::ensure!(
        run.success(),
        "it {}: {}",
        run.describe_ending(),
        run.stderr
    );
    let metadata = MetadataCommand::parse(&run.stdout)?;
    let resolve = metadata.resolve.context("it gave no dependency graph")?;
    let nodes: BTreeMap<&PackageId, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let members: BTreeSet<&PackageId> = metadata.workspace_members.iter().collect();
    let names: BTreeMap<&PackageId, &str> = metadata
        .packages
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();
    let mut needs = BTreeMap::new();
    for member in &metadata.workspace_members {
        let mut seen: BTreeSet<&PackageId> = BTreeSet::new();
        let mut stack = vec![(member, true)];
        while let Some((id, root)) = stack.pop() {
            let Some(node) = nodes.get(id) else { continue };
            for dep in &node.deps {
                let built = root
                    || dep
                        .dep_kinds
                        .iter()
                        .any(|k| k.kind != DependencyKind::Development);
                if built && seen.insert(&dep.pkg) {
                    stack.push((&dep.pkg, false));
                }
            }
        }
        let registry = seen
            .into_iter()
            .filter(|id| !members.contains(id))
            .map(|id| id.repr.clone())
            .collect();
        if let Some(name) = names.get(member) {
            needs.insert(name.to_string(), registry);
        }
    }
    Ok(needs)
}

/// Runs `f` on every job on its listing's lane (`package` names it; one thread per lane,
/// each taking its jobs in order, on the lane's worker), and returns the results in the
/// jobs' order. `f` is told the worker's number.
pub fn on_workers<J: Send, R: Send>(
    ctx: &Ctx,
    all: &[Listing],
    jobs: Vec<J>,
    package: impl Fn(&J) -> &str,
    f: impl Fn(&Worker, usize, J) -> R + Sync,
) -> Result<Vec<R>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_lanes(ctx, &lanes(ctx, all)?, jobs, package, f))
}

/// [`on_workers`], with the lanes given.
fn on_lanes<J: Send, R: Send>(
    ctx: &Ctx,
    lanes: &BTreeMap<String, usize>,
    jobs: Vec<J>,
    package: impl Fn(&J) -> &str,
    f: impl Fn(&Worker, usize, J) -> R + Sync,
) -> Vec<R> {
    crate::parallel::in_lanes(
        LANES,
        jobs,
        |job| lanes.get(package(job)).copied().unwrap_or(0),
        |lane, job| {
            let w = lane % crate::parallel::WORKERS;
            f(&Worker::new(ctx, w), w, job)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weighed(items: &[(&str, usize, &[&str])]) -> Vec<Weighed> {
        items
            .iter()
            .map(|(package, breaks, needs)| Weighed {
                package: package.to_string(),
                breaks: *breaks,
                needs: needs.iter().map(|n| n.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn listings_are_balanced_by_breaks_and_never_split() {
        let items = [
            ("a", 5, &[][..]),
            ("b", 3, &[]),
            ("c", 2, &[]),
            ("d", 1, &[]),
            ("e", 1, &[]),
        ];
        let lanes = balance(weighed(&items), 2);
        assert_eq!(lanes.len(), 5);
        let load = |w| {
            items
                .iter()
                .filter(|(p, _, _)| lanes[*p] == w)
                .map(|(_, n, _)| n)
                .sum::<usize>()
        };
        // 5 | 3+2+1 then 1 to the lighter: 6 and 6.
        assert_eq!((load(0), load(1)), (6, 6));
        // The same declarations give the same lanes, whatever their order.
        let mut reversed = items.to_vec();
        reversed.reverse();
        assert_eq!(balance(weighed(&reversed), 2), lanes);
        // Four lanes: 5 | 3 | 2+1 | 1+... each to the lightest.
        let four = balance(weighed(&items), 4);
        assert_eq!(
            (four["a"], four["b"], four["c"], four["d"], four["e"]),
            (0, 1, 2, 3, 3)
        );
    }

    #[test]
    fn listings_that_need_the_same_heavy_packages_share_a_worker() {
        let http: Vec<String> = (0..100).map(|i| format!("http-{i}")).collect();
        let http: Vec<&str> = http.iter().map(String::as_str).collect();
        let items = [
            ("tokio-a", 20, &["tokio"][..]),
            ("server", 5, &http[..]),
            ("client", 3, &http[..]),
        ];
        let lanes = balance(weighed(&items), 2);
        assert_ne!(lanes["tokio-a"], lanes["server"]);
        // The client goes where the server's packages are built, though that lane is the
        // busier one (the server's 100 packages against tokio-a's 20 breaks): building
        // them again on the other would cost more.
        assert_eq!(lanes["client"], lanes["server"]);
        // Without the shared packages, the client would go to the lighter lane.
        let apart = balance(
            weighed(&[items[0], items[1], ("client", 3, &["other"][..])]),
            2,
        );
        assert_ne!(apart["client"], apart["server"]);
    }

    #[test]
    fn jobs_come_back_in_order_each_on_its_listings_worker() {
        let ctx = Ctx::discover().unwrap();
        // Lanes 0 and 2 share worker 0; lanes 1 and 3 worker 1.
        let lanes: BTreeMap<String, usize> = [("x", 0), ("y", 1), ("z", 2), ("v", 3)]
            .into_iter()
            .map(|(p, lane)| (p.to_string(), lane))
            .collect();
        let jobs = vec!["x", "y", "z", "x", "v", "y", "x"];
        let out = on_lanes(&ctx, &lanes, jobs, |j| j, |_, w, j| (j, w));
        assert_eq!(
            out,
            vec![
                ("x", 0),
                ("y", 1),
                ("z", 0),
                ("x", 0),
                ("v", 1),
                ("y", 1),
                ("x", 0)
            ]
        );
    }
}
