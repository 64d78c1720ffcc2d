//! The run's report: each step's verdict as it ends, the NOT RUN steps again at the end,
//! and the verdict of the whole run (under CI, a step that could not run fails it).

use super::{Problems, Step, breaks};
use anyhow::{Result, bail};
use std::time::{Duration, Instant};

#[derive(Default)]
pub(super) struct Report {
    failed: Vec<(Step, Problems)>,
    not_run: Vec<(Step, String)>,
}

impl Report {
    /// Runs one step and prints its verdict; true if it passed.
    pub(super) fn step(&mut self, step: Step, f: &mut dyn FnMut() -> Result<Problems>) -> bool {
        let name = step.title();
        say!("\n==> {name}");
        let t = Instant::now();
        let problems = match f() {
            Ok(p) => p,
            Err(e) => match e.downcast_ref::<crate::NotRun>() {
                Some(crate::NotRun(why)) => {
                    self.skipped(step, why);
                    return false;
                }
                None => vec![format!("{e:#}")],
            },
        };
        let ok = problems.is_empty();
        say!(
            "<== {name}: {} in {}",
            if ok { "ok" } else { "FAILED" },
            seconds(t.elapsed())
        );
        for p in &problems {
            say!("  ✗ {p}");
        }
        if !ok {
            self.failed.push((step, problems));
        }
        ok
    }

    pub(super) fn skipped(&mut self, step: Step, why: &str) {
        say!("<== {}: NOT RUN: {why}", step.title());
        self.not_run.push((step, why.to_string()));
    }

    /// Takes on the verdicts of steps that ran beside this report's.
    pub(super) fn absorb(&mut self, other: Report) {
        self.failed.extend(other.failed);
        self.not_run.extend(other.not_run);
    }

    pub(super) fn failed_step(&self, step: Step) -> bool {
        self.failed.iter().any(|(s, _)| *s == step)
    }

    pub(super) fn finish(self, started: Instant, breaks: Option<breaks::Summary>) -> Result<()> {
        let took = seconds(started.elapsed());
        if let Some(summary) = breaks {
            say!("\n{summary}");
        }
        for (step, why) in &self.not_run {
            say!("\n!!! NOT RUN: {}: {why}", step.title());
            say!("!!! nothing this step checks was checked on this machine");
        }
        self.settle(in_ci()).verdict(took)
    }

    /// In CI (`CI=true`, as GitHub Actions and .ci/run set it) a step that could not run
    /// fails the run, naming what was missing: a book must not be published with a check
    /// nobody ran. Elsewhere it stays a NOT RUN, which does not fail the run.
    fn settle(self, ci: bool) -> Report {
        let mut failed = self.failed;
        if ci {
            for (step, why) in &self.not_run {
                failed.push((
                    *step,
                    vec![format!(
                        "did not run, and CI=true requires every step: {why} (install what is missing; see README.md)"
                    )],
                ));
            }
        }
        Report {
            failed,
            not_run: self.not_run,
        }
    }

    fn verdict(self, took: String) -> Result<()> {
        if self.failed.is_empty() {
            if self.not_run.is_empty() {
                say!("\nall checks passed in {took}");
            } else {
                say!(
                    "\nthe checks that ran passed in {took}; {} step(s) NOT RUN (above)",
                    self.not_run.len()
                );
            }
            return Ok(());
        }
        say!("\n{} step(s) failed after {took}:", self.failed.len());
        for (step, problems) in &self.failed {
            say!("- {}", step.title());
            for p in problems {
                say!("    {}", p.replace('\n', "\n    "));
            }
        }
        let steps: Vec<&str> = self.failed.iter().map(|(s, _)| s.title()).collect();
        bail!("the book's checks failed: {}", steps.join("; "))
    }
}

/// Whether this is a CI run: `CI` set to anything but `false` or empty.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

pub(super) fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step that could not run fails the run under CI, naming the step and what was
    /// missing; elsewhere the run still passes (the NOT RUN is printed, above).
    #[test]
    fn not_run_fails_under_ci_only() {
        let why = "no `go` on the PATH, and Debian's golang-go package was not installed \
                   (GOROUTINES_BOOK_NO_INSTALL is set): install Go 1.19";
        let report = || Report {
            failed: vec![],
            not_run: vec![(Step::Go, why.to_string())],
        };
        let ci = report().settle(true);
        assert_eq!(ci.failed.len(), 1);
        let (step, problems) = &ci.failed[0];
        assert_eq!(*step, Step::Go);
        assert!(
            problems[0].contains("CI=true requires every step"),
            "{problems:?}"
        );
        assert!(problems[0].contains(why), "{problems:?}");
        let e = format!("{:#}", ci.verdict("1.0 s".into()).unwrap_err());
        assert!(e.contains(Step::Go.title()), "{e}");

        let local = report().settle(false);
        assert!(local.failed.is_empty());
        assert_eq!(local.not_run.len(), 1);
        local.verdict("1.0 s".into()).unwrap();

        // A failed step fails the run with or without CI.
        let failed = Report {
            failed: vec![(Step::Book, vec!["src/x.md: broken".into()])],
            not_run: vec![],
        };
        assert!(failed.settle(false).verdict("1.0 s".into()).is_err());
    }
}
