//! Scratch copies of listings, built on two workers. Each worker has a scratch tree and a
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
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

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
            // Scratch builds are thrown away: skip debug info, which is most of link time.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_PROFILE_TEST_DEBUG", "0");
    }
}

/// The worker `package` always builds on (see [`lanes`]).
pub fn worker_of(ctx: &Ctx, lanes: &BTreeMap<String, usize>, package: &str) -> Worker {
    Worker::new(
        ctx,
        lanes.get(package).copied().unwrap_or(0) % crate::parallel::WORKERS,
    )
}

/// Lanes per worker: one thread may build while the other waits on a run.
const LANES_PER_WORKER: usize = 2;
/// All lanes; lane `i` works on worker `i % WORKERS`.
const LANES: usize = crate::parallel::WORKERS * LANES_PER_WORKER;

/// Which lane each listing (by package) goes to: whole listings, the ones with the most
/// breaks first, each to the lane with the fewest breaks so far (a listing counts as at
/// least one, for its own build). A lane's worker is `lane % WORKERS`.
pub fn lanes(all: &[Listing]) -> BTreeMap<String, usize> {
    balance(
        all.iter()
            .map(|l| (l.package.clone(), l.breaks.len().max(1)))
            .collect(),
        LANES,
    )
}

/// Heaviest first, each to the least loaded of `n` lanes (ties: by name, then the first
/// lane).
fn balance(mut weights: Vec<(String, usize)>, n: usize) -> BTreeMap<String, usize> {
    weights.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut load = vec![0usize; n];
    let mut lanes = BTreeMap::new();
    for (package, weight) in weights {
        let w = (0..load.len()).min_by_key(|&w| load[w]).unwrap_or(0);
        load[w] += weight;
        lanes.insert(package, w);
    }
    lanes
}

/// Runs `f` on every job on its listing's lane (`package` names it; one thread per lane,
/// each taking its jobs in order, on the lane's worker), and returns the results in the
/// jobs' order. `f` is told the worker's number.
pub fn on_workers<J: Send, R: Send>(
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

    #[test]
    fn listings_are_balanced_by_breaks_and_never_split() {
        let weights = vec![
            ("a".to_string(), 5),
            ("b".to_string(), 3),
            ("c".to_string(), 2),
            ("d".to_string(), 1),
            ("e".to_string(), 1),
        ];
        let lanes = balance(weights.clone(), 2);
        assert_eq!(lanes.len(), 5);
        let load = |w| {
            weights
                .iter()
                .filter(|(p, _)| lanes[p] == w)
                .map(|(_, n)| n)
                .sum::<usize>()
        };
        // 5 | 3+2+1 then 1 to the lighter: 6 and 6.
        assert_eq!((load(0), load(1)), (6, 6));
        // The same declarations give the same lanes, whatever their order.
        let mut reversed = weights.clone();
        reversed.reverse();
        assert_eq!(balance(reversed, 2), lanes);
        // Four lanes: 5 | 3 | 2+1 | 1+... each to the lightest.
        let four = balance(weights.clone(), 4);
        assert_eq!(
            (four["a"], four["b"], four["c"], four["d"], four["e"]),
            (0, 1, 2, 3, 3)
        );
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
        let out = on_workers(&ctx, &lanes, jobs, |j| j, |_, w, j| (j, w));
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
