//! A listing's program run and judged against what its kind claims: the exit status, the
//! panic message, and stdout against the `output.txt` the book shows. Shared by the outputs,
//! own-project and breaks steps.

use crate::checks::limits;
use crate::context::Ctx;
use crate::declaration::{Claim, Listing};
use crate::process;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// How a reader's record says a program or test hung: it ran until a time limit stopped it.
pub const NEVER_FINISHES: &str = "never finishes";

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
pub fn run_and_judge(ctx: &Ctx, l: &Listing, exe: &Path) -> Result<(Vec<Mismatch>, bool)> {
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
                "It {NEVER_FINISHES}: still running after {} s, when it was stopped. It had printed:\n{}",
                limits::PROGRAM.as_secs(),
                crate::cargo::tail(&out.stdout, 8)
            ),
        }];
    }
    let mut p = Vec::new();
    if let Claim::Panics { panic, .. } = &l.claim {
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
                report: format!("{who}: should panic with \"{panic}\", but stderr was:\n{stderr}"),
                reader: format!("It panics with another message:\n{}", panic_lines(&stderr)),
            });
        }
    } else if !out.success() {
        p.push(Mismatch {
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
        });
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
