//! loom schedules: for each model that must fail, the interleaving loom finds it failing
//! in (drawn under the listing), and for each model that must pass, how many executions
//! loom explored; each compared whole with the listing's `schedule.txt` (written with
//! `--bless`). See `crate::schedule` for the record and `tests/loom-probe` for how the
//! failing execution is observed.

use super::{Problems, Run};
use crate::cache::Passed;
use crate::declaration::Listing;
use crate::loom_model;
use crate::schedule::{self, Record};
use anyhow::Result;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let work = ctx.target().join("schedules");
    let mut passed = Passed::load(
        ctx,
        "schedules",
        !run.options.no_cache && !run.options.bless,
    );
    let mut p = Vec::new();
    let mut unchanged = 0;
    for l in &run.selected {
        let file = l.dir.join(schedule::FILE);
        if l.claim.loom().is_none() {
            if file.exists() {
                p.push(format!(
                    "{}: has no loom model, so nothing to draw: remove it",
                    ctx.rel(&file)
                ));
            }
            continue;
        }
        if let Some(problem) = run.hung(&l.package) {
            p.push(problem);
            continue;
        }
        // The listing (its schedule.txt included) and the probe, unchanged since the
        // schedule last matched: not run again.
        let key = key(ctx, l);
        if passed.hit(&key) {
            unchanged += 1;
            continue;
        }
        let problems =
            match loom_model::schedule(ctx, l, &l.dir, &ctx.target().join("loom"), &work)? {
                Err(why) => vec![format!(
                    "{}: loom model `{}` gives no schedule to draw:\n{why}",
                    l.manifest.display(),
                    l.claim.loom().unwrap_or_default()
                )],
                Ok(got) => compare(run, l, &got)?,
            };
        if problems.is_empty() && !run.options.bless {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    if unchanged > 0 {
        say!("  {unchanged} model(s) unchanged since their schedule last matched: not run again");
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// What a schedule depends on: the listing (with its `schedule.txt`), the workspace, and
/// `tests/loom-probe`, which observes the failing models.
fn key(ctx: &crate::context::Ctx, l: &Listing) -> String {
    let mut h = crate::inputs::listing(ctx, l);
    h.tree(&ctx.root, &ctx.root.join("tests/loom-probe"));
    crate::cache::key(&format!("schedules {}", l.id), &h)
}

/// The recorded schedule against the run's; with `--bless`, records it.
fn compare(run: &Run, l: &Listing, got: &Record) -> Result<Problems> {
    let file = l.dir.join(schedule::FILE);
    let shown = run.ctx.rel(&file);
    let text = got.to_text();
    if run.options.bless {
        crate::files::write_if_changed(&file, text.as_bytes())?;
        return Ok(vec![]);
    }
    let bless = format!(
        "cargo xtask test --only schedules --listing {} --bless",
        l.package
    );
    let Ok(recorded) = fs_err::read_to_string(&file) else {
        return Ok(vec![format!(
            "{shown}: missing; record it with `{bless}` and review it"
        )]);
    };
    if let Err(e) = Record::parse(&recorded) {
        return Ok(vec![format!("{shown}: {e:#}")]);
    }
    if recorded == text {
        return Ok(vec![]);
    }
    Ok(vec![format!(
        "{shown}: loom's run no longer matches the schedule the book draws:\n{}\n  re-record with `{bless}` and review it",
        crate::diff::lines(&recorded, &text)
    )])
}
