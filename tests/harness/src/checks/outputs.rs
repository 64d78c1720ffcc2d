//! Each listing's program, run as its kind declares: the exit status, the panic message,
//! and stdout against the `output.txt` the book shows; a benchmark's quick run measures the
//! rows of its committed results.

use super::{Problems, Run, limits};
use crate::context::Ctx;
use crate::declaration::{Claim, Kind, Listing};
use crate::process::{self, cargo};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut cmd = cargo();
    cmd.current_dir(&ctx.root).args(["build", "--bins"]);
    let runnable: Vec<&&Listing> = run
        .selected
        .iter()
        .filter(|l| l.kind().checks_stdout() || l.kind() == Kind::Bench)
        .collect();
    if runnable.is_empty() {
        return Ok(vec![]);
    }
    for l in &runnable {
        cmd.args(["-p", &l.package]);
    }
    let build = crate::cargo::json(&mut cmd)?;
    if !build.success() {
        return Ok(vec![format!("cargo build failed:\n{}", build.report())]);
    }
    let mut p = Vec::new();
    for l in runnable {
        let Some(exe) = build.program(&l.dir) else {
            p.push(format!(
                "{}: cargo built no program for it (is src/main.rs missing?)",
                l.manifest.display()
            ));
            continue;
        };
        if l.kind() == Kind::Bench {
            p.extend(bench(ctx, l, exe)?);
        } else {
            let (mismatches, hung) = verdict(ctx, l, exe)?;
            if hung {
                run.mark_hung(
                    &l.package,
                    format!(
                        "its program was killed after {} s in the outputs step",
                        limits::PROGRAM.as_secs()
                    ),
                );
            }
            p.extend(mismatches.into_iter().map(|m| m.report));
        }
    }
    Ok(p)
}

/// One way a run differs from what the book says, told twice: for the harness's report
/// (naming the file at fault) and as the reader sees it in their own terminal after
/// `cargo run` (what a "Break it" box shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub report: String,
    pub reader: String,
}

/// Runs the program and checks everything its kind claims about the run; also whether it
/// hung (was killed at its limit).
pub fn verdict(ctx: &Ctx, l: &Listing, exe: &Path) -> Result<(Vec<Mismatch>, bool)> {
    // No backtraces: a panic's message is what the checks and the book show.
    let out = process::run(
        Command::new(exe)
            .current_dir(&l.dir)
            .env("RUST_BACKTRACE", "0"),
        limits::PROGRAM,
    )?;
    let expected = fs_err::read_to_string(l.output_file())?;
    let hung = !matches!(out.ending, process::Ending::Exited(_));
    Ok((judge(ctx, l, &out, &expected), hung))
}

/// What is wrong with one run of the listing's program, if anything.
pub fn judge(ctx: &Ctx, l: &Listing, out: &process::Run, expected: &str) -> Vec<Mismatch> {
    let who = ctx.rel(&l.show);
    let stderr = crate::normalize::run_output(&out.stderr);
    if !matches!(out.ending, process::Ending::Exited(_)) {
        return vec![Mismatch {
            report: format!(
                "{who}: {} (a listing must finish within {} s); what it printed before:\n{}",
                out.describe_ending(),
                limits::PROGRAM.as_secs(),
                crate::cargo::tail(&out.both(), 15)
            ),
            reader: format!(
                "It never finishes: still running after {} s, when it was stopped. It had printed:\n{}",
                limits::PROGRAM.as_secs(),
                crate::cargo::tail(&out.stdout, 8)
            ),
        }];
    }
    let mut p = Vec::new();
    match &l.claim {
        Claim::Panics { panic, .. } => {
            if out.code() != Some(101) || !stderr.contains("panicked at") {
                p.push(Mismatch {
                    report: format!(
                        "{who}: kind `panics`, but it {} (a panic exits with 101)",
                        out.describe_ending()
                    ),
                    reader: format!("It no longer panics: it {}.\n", out.describe_ending()),
                });
            } else if !stderr.contains(panic.as_str()) {
                p.push(Mismatch {
                    report: format!(
                        "{who}: should panic with \"{panic}\", but stderr was:\n{stderr}"
                    ),
                    reader: format!("It panics with another message:\n{}", panic_lines(&stderr)),
                });
            }
        }
        _ if !out.success() => p.push(Mismatch {
            report: format!(
                "{who}: kind `{}`, so it must exit 0, but it {}:\n{stderr}",
                l.kind().name(),
                out.describe_ending(),
            ),
            reader: if stderr.contains("panicked at") {
                format!("It panics (exit status 101):\n{}", panic_lines(&stderr))
            } else {
                format!(
                    "It fails: it {}.\n{}",
                    out.describe_ending(),
                    crate::cargo::tail(&stderr, 6)
                )
            },
        }),
        _ => {}
    }
    let unordered = l.claim.unordered();
    if let Err((want, got)) = crate::expected::compare(expected, &out.stdout, unordered) {
        let diff = crate::diff::lines(&want, &got);
        p.push(Mismatch {
            report: format!(
                "{}: the book shows this output, but the listing printed something else{}:\n{diff}",
                ctx.rel(&l.output_file()),
                crate::expected::describe(unordered)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
            ),
            reader: format!("Its output no longer matches the book's:\n{diff}\n"),
        });
    }
    p
}

/// The panic lines of a program's stderr: `thread 'main' panicked at …` and its message.
fn panic_lines(stderr: &str) -> String {
    let mut lines = stderr
        .lines()
        .skip_while(|l| !l.contains("panicked at"))
        .take_while(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .take(6)
        .collect::<Vec<_>>()
        .join("\n");
    lines.push('\n');
    lines
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
    let committed = table_rows(&fs_err::read_to_string(&results_file)?);
    let measured = table_rows(&out.stdout);
    if measured.is_empty() {
        return Ok(vec![format!(
            "{who}: the quick run printed no Markdown table"
        )]);
    }
    if committed != measured {
        return Ok(vec![format!(
            "{}: its table rows {committed:?} are not the rows the benchmark measures now {measured:?}; re-run `{}` and commit the results",
            ctx.rel(&results_file),
            l.run_command()
        )]);
    }
    Ok(vec![])
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
