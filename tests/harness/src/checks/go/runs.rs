//! Running a built program: once, as `[run]` declares (exit status, stderr, stdout against
//! `output.txt`); many times, as `[trials]` declares, counting the runs that show the bug;
//! and its `-race` build, counting the runs that report the race. Every run is under a
//! time limit that kills its process group; a run that misbehaves is an error naming it.

use super::claims::{Judge, RunClaim, Trials};
use super::programs::Program;
use super::results::{Tally, parse_tally};
use crate::checks::limits;
use crate::process::{self, Ending};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How long a program's own batch of trials (`-trials N`) may take.
pub const TRIAL_BATCH: Duration = Duration::from_secs(180);

/// Runs `exe` with `args` under `limit`; an error if it had to be killed.
fn run(exe: &Path, args: &[&str], limit: Duration) -> Result<process::Run> {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    let out = process::run(&mut cmd, limit)?;
    if let Ending::Exited(_) = out.ending {
        return Ok(out);
    }
    bail!(
        "{} {}; it printed:\n{}",
        process::describe(&cmd),
        out.describe_ending(),
        out.both()
    )
}

/// What is wrong with one run against its `[run]` claim (none: as the book shows it).
pub fn run_once(p: &Program, claim: &RunClaim, exe: &Path) -> Result<Vec<String>> {
    let expected = fs_err::read_to_string(p.dir.join("output.txt"))
        .with_context(|| format!("declares [run] but {} is missing", p.beside("output.txt")))?;
    let out = run(exe, &[], limits::PROGRAM)?;
    let mut problems = Vec::new();
    if out.code() != Some(claim.exit) {
        problems.push(format!(
            "{}, declared exit = {}; stderr:\n{}",
            out.describe_ending(),
            claim.exit,
            out.stderr.trim_end()
        ));
    }
    if let Some(s) = &claim.stderr_contains
        && !out.stderr.contains(s.as_str())
    {
        problems.push(format!(
            "stderr does not contain {s:?}; it was:\n{}",
            out.stderr.trim_end()
        ));
    }
    if let Err(e) = crate::expected::validate(&claim.unordered, expected.lines().count()) {
        problems.push(format!("{}: `unordered`: {e}", p.beside("claims.toml")));
    } else if let Err((want, got)) =
        crate::expected::compare(&expected, &out.stdout, &claim.unordered)
    {
        problems.push(format!(
            "stdout differs from {}{}:\n{}",
            p.beside("output.txt"),
            crate::expected::describe(&claim.unordered)
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            crate::diff::lines(&want, &got)
        ));
    }
    Ok(problems)
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

/// In how many of the declared runs the bug showed.
pub fn measure(p: &Program, t: &Trials, exe: &Path) -> Result<Tally> {
    let complete = match &t.judge {
        Judge::Complete(file) => Some(
            fs_err::read_to_string(p.dir.join(file))
                .with_context(|| format!("{} (declared complete)", p.beside(file)))?,
        ),
        Judge::Tally => return measure_in_process(t.runs, exe),
        Judge::BugIfStdout(_) => None,
    };
    let mut shown = 0;
    let mut left = t.runs;
    while left > 0 {
        // `at_once` processes at a time, each under its own limit.
        let n = left.min(t.at_once);
        left -= n;
        let outs = std::thread::scope(|s| {
            let runs: Vec<_> = (0..n)
                .map(|_| s.spawn(|| run(exe, &[], limits::PROGRAM)))
                .collect();
            runs.into_iter()
                .map(|r| r.join().expect("a run's thread panicked"))
                .collect::<Vec<_>>()
        });
        for out in outs {
            let out = out?;
            if !out.success() {
                bail!("a run {}:\n{}", out.describe_ending(), out.both());
            }
            let bug = match (&t.judge, &complete) {
                (Judge::BugIfStdout(b), _) => &out.stdout == b,
                (_, Some(c)) => sorted_lines(&out.stdout) != sorted_lines(c),
                _ => unreachable!("a tally is measured in one process, above"),
            };
            shown += u32::from(bug);
        }
    }
    Ok(Tally {
        shown,
        runs: t.runs,
    })
}

/// The program runs every trial itself: `-trials N` prints "K of N", N the runs asked for.
fn measure_in_process(runs: u32, exe: &Path) -> Result<Tally> {
    let n = runs.to_string();
    let out = run(exe, &["-trials", &n], TRIAL_BATCH)?;
    if !out.success() {
        bail!(
            "-trials {n} {}; it printed:\n{}",
            out.describe_ending(),
            out.both()
        );
    }
    tally_of(&out.stdout, runs)
}

/// The "K of N" a `-trials N` run printed, N as asked and K at most N.
fn tally_of(stdout: &str, runs: u32) -> Result<Tally> {
    match parse_tally(stdout) {
        Some(t) if t.runs == runs && t.shown <= t.runs => Ok(t),
        _ => bail!(
            "-trials {runs} should print \"K of {runs}\" (K at most {runs}), printed {stdout:?}"
        ),
    }
}

/// In how many of `runs` runs the `-race` build reported a data race, and the stderr of
/// each run that did.
pub fn measure_race(exe: &Path, runs: u32) -> Result<(Tally, Vec<String>)> {
    let mut reports = Vec::new();
    for _ in 0..runs {
        let out = run(exe, &[], limits::PROGRAM)?;
        match out.code() {
            // 66: the race detector's exit status after a report.
            Some(66) if out.stderr.contains("WARNING: DATA RACE") => reports.push(out.stderr),
            Some(0) => {}
            _ => bail!("the -race build {}:\n{}", out.describe_ending(), out.both()),
        }
    }
    let shown = reports.len() as u32;
    Ok((Tally { shown, runs }, reports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_tallies_must_match_the_runs_asked_for() {
        assert_eq!(
            tally_of("996 of 1000\n", 1000).unwrap(),
            Tally {
                shown: 996,
                runs: 1000
            }
        );
        for wrong in [
            "996 of 100\n",
            "1001 of 1000\n",
            "lost 3 of 1000\n",
            "",
            "3 of 1000\nmore\n",
        ] {
            let e = tally_of(wrong, 1000).unwrap_err();
            assert!(
                format!("{e}").contains("should print \"K of 1000\""),
                "{wrong:?}: {e}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn runs_are_judged_and_hangs_are_errors() {
        let dir = std::env::temp_dir().join(format!("go-runs-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&dir);
        fs_err::create_dir_all(&dir).unwrap();
        // Written by a child `sh`, not by this process: a file this process held open for
        // writing could be inherited by a child another test thread forks at that moment,
        // and executing it would then fail with ETXTBSY ("text file busy").
        let script = |name: &str, body: &str| {
            let path = dir.join(name);
            let status = std::process::Command::new("sh")
                .args([
                    "-c",
                    "printf '#!/bin/sh\\n%s\\n' \"$1\" > \"$2\" && chmod 755 \"$2\"",
                    "sh",
                ])
                .arg(body)
                .arg(&path)
                .status()
                .unwrap();
            assert!(status.success());
            path
        };
        let t = |judge: Judge| Trials {
            runs: 3,
            bug: "b".into(),
            band: super::super::claims::Band {
                min: 50.0,
                max: 100.0,
            },
            judge,
            race: None,
            at_once: 1,
        };
        let p = Program {
            dir: dir.clone(),
            name: "x".into(),
            claims: super::super::claims::parse("").unwrap(),
        };
        let fives = script("fives", "echo 5");
        let measured = measure(&p, &t(Judge::BugIfStdout("5\n".into())), &fives).unwrap();
        assert_eq!(measured, Tally { shown: 3, runs: 3 });
        let measured = measure(&p, &t(Judge::BugIfStdout("4\n".into())), &fives).unwrap();
        assert_eq!(measured.shown, 0);
        // Three at once: each run waits (up to 10 s) until it sees all three started.
        let met = dir.join("met");
        let together = script(
            "together",
            &format!(
                "mkdir -p {m}; touch {m}/$$; i=0; while [ $(ls {m} | wc -l) -lt 3 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ $(ls {m} | wc -l) -ge 3 ] && echo together",
                m = met.display()
            ),
        );
        let at_once = Trials {
            at_once: 3,
            ..t(Judge::BugIfStdout("together\n".into()))
        };
        assert_eq!(measure(&p, &at_once, &together).unwrap().shown, 3);
        let tally = script("tally", "[ \"$1\" = -trials ] && echo \"1 of $2\"");
        assert_eq!(measure(&p, &t(Judge::Tally), &tally).unwrap().shown, 1);
        let failing = script("failing", "exit 1");
        let e = measure(&p, &t(Judge::BugIfStdout(String::new())), &failing).unwrap_err();
        assert!(format!("{e}").contains("a run exited with"), "{e}");
        let race = script("race", "echo 'WARNING: DATA RACE' >&2; exit 66");
        let (tally, reports) = measure_race(&race, 2).unwrap();
        assert_eq!(tally, Tally { shown: 2, runs: 2 });
        assert_eq!(reports, ["WARNING: DATA RACE\n", "WARNING: DATA RACE\n"]);
        assert!(measure_race(&failing, 2).is_err());
        let e = run(
            &script("hang", "sleep 600"),
            &[],
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(format!("{e}").contains("was still running after"), "{e}");
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
