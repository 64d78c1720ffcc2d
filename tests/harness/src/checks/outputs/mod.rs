//! Each listing's program, run as its kind declares: the exit status, the panic message,
//! and stdout against the `output.txt` the book shows; a benchmark's quick run measures the
//! rows of its committed results, and the chart the page shows draws those results
//! (`chart`).

mod chart;

use super::{Problems, Run, limits};
use crate::builds::Built;
use crate::cache::Passed;
use crate::context::Ctx;
use crate::declaration::{Kind, Listing};
use crate::inputs;
use crate::process;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut passed = Passed::load(ctx, "outputs", !run.options.no_cache);
    // A listing whose files, siblings, lock file, toolchain and harness are as they were
    // when its run last matched the book is not run again.
    let mut unchanged = 0;
    let mut runnable: Vec<(&Listing, String)> = Vec::new();
    for l in run.selected.iter().copied() {
        if !(l.kind().checks_stdout() || l.kind() == Kind::Bench) {
            continue;
        }
        let key = inputs::key(ctx, "outputs", l);
        if passed.hit(&key) {
            unchanged += 1;
        } else {
            runnable.push((l, key));
        }
    }
    if unchanged > 0 {
        say!("  {unchanged} listing(s) unchanged since their run last matched: not run again");
    }
    if runnable.is_empty() {
        passed.save(run.options.is_full())?;
        return Ok(vec![]);
    }
    // Their copies' builds, as copy-out made them (or made now, if it did not run).
    let wanted: Vec<&Listing> = runnable.iter().map(|(l, _)| *l).collect();
    let builds = crate::builds::of(ctx, run.all, &wanted)?;
    let mut p = Vec::new();
    for (l, key) in runnable {
        let problems = match builds.built(ctx, l) {
            Ok(built) => run_one(run, l, built)?,
            Err(problem) => vec![problem],
        };
        if problems.is_empty() {
            passed.pass(key)?;
        }
        p.extend(problems);
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// Runs one listing's program from its build and judges it (a hang is marked on `run`).
fn run_one(run: &Run, l: &Listing, built: &Built) -> Result<Problems> {
    let ctx = run.ctx;
    let Some(exe) = built.program() else {
        return Ok(vec![format!(
            "{}: cargo built no program for it (is src/main.rs missing?)",
            l.manifest.display()
        )]);
    };
    if l.kind() == Kind::Bench {
        return bench(ctx, l, exe);
    }
    let (mismatches, hung) = crate::run_program::run_and_judge(ctx, l, exe)?;
    if hung {
        run.mark_hung(
            &l.package,
            format!(
                "its program was killed after {} s in the outputs step",
                limits::PROGRAM.as_secs()
            ),
        );
    }
    Ok(mismatches.into_iter().map(|m| m.report).collect())
}

/// A quick run of a benchmark must measure the same rows as the committed results.
fn bench(ctx: &Ctx, l: &Listing, exe: &Path) -> Result<Problems> {
    let who = ctx.rel(&l.show);
    let out = process::run(
        Command::new(exe)
            .current_dir(&l.dir)
            .env("BENCH_QUICK", "1"),
        limits::QUICK_BENCH,
    )?;
    if !out.success() {
        return Ok(vec![format!(
            "{who}: the BENCH_QUICK=1 run {}:\n{}",
            out.describe_ending(),
            out.stderr
        )]);
    }
    let Some(results_file) = l.results_file() else {
        return Ok(vec![]);
    };
    let results = fs_err::read_to_string(&results_file)?;
    let mut problems = charted(ctx, l, &results)?;
    let committed = table_rows(&results);
    let measured = table_rows(&out.stdout);
    if measured.is_empty() {
        problems.push(format!("{who}: the quick run printed no Markdown table"));
    } else if committed != measured {
        problems.push(format!(
            "{}: its table rows {committed:?} are not the rows the benchmark measures now {measured:?}; re-run `{}` and commit the results",
            ctx.rel(&results_file),
            l.run_command()
        ));
    }
    Ok(problems)
}

/// The chart a benchmark declares against the results it was drawn from.
fn charted(ctx: &Ctx, l: &Listing, results: &str) -> Result<Problems> {
    let (Some(chart), Some(results_file)) = (l.chart_file(), l.results_file()) else {
        return Ok(vec![]);
    };
    Ok(chart::compare(
        &fs_err::read_to_string(&chart)?,
        &ctx.rel(&chart),
        results,
        &ctx.rel(&results_file),
    ))
}

/// First cells of a Markdown table's body rows.
fn table_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .skip(1) // header
        .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .map(|l| {
            l.trim()
                .trim_start_matches('|')
                .split('|')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_skip_header_and_rule() {
        let t = "| measure | a |\n|---|---|\n| spawn | 1 |\n| memory | 2 |\n";
        assert_eq!(table_rows(t), vec!["spawn", "memory"]);
    }
}
