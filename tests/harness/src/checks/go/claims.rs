//! What the book claims about each Go program: its `claims.toml`, read strictly (an
//! unknown key is an error, never ignored) into typed claims.
//!
//! ```toml
//! vet = ["loop variable i captured by func literal"] # expected findings; none by default
//!
//! [run]                       # run once: stdout must equal output.txt
//! unordered = ["1-6"]         # lines of output.txt that may come in any order (default: none)
//! exit = 2                    # the exit status (default 0)
//! stderr_contains = "panic: something went wrong"
//!
//! [trials]                    # the bug, measured: run many times, a band checked
//! runs = 200
//! bug = "printed 5 5 5 5 5"   # what "the bug showed" means, for the page
//! min_percent = 95.0          # the band (min_percent defaults to 0, max_percent to 100)
//! bug_if_stdout = "5\n5\n5\n5\n5\n"   # one process per run: this stdout is the bug;
//! # or complete = "complete.txt": one process per run, any stdout whose sorted lines
//! # differ from that file is the bug; or neither: the program runs every trial itself
//! # when given `-trials N` and prints "K of N" (the bug showed in K of them).
//! race_runs = 20              # also built with -race and run this many times (once each,
//! race_min_percent = 50.0     # no -trials): at least this share must report a data race
//! at_once = 4                 # one process per run: this many run at once (default 1), for
//! # a program that spends its run asleep, so the runs don't compete for the cores
//! ```

use anyhow::{Result, bail};
use serde::Deserialize;

/// A `claims.toml`, typed.
#[derive(Debug, PartialEq)]
pub struct Claims {
    /// `go vet` findings the program must produce (each a substring of one finding).
    pub vet: Vec<String>,
    pub run: Option<RunClaim>,
    pub trials: Option<Trials>,
}

/// `[run]`: one run, its exit status, stderr and stdout (against `output.txt`).
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunClaim {
    /// Lines of output.txt (from 1, `"2-5"`) printed by goroutines running at once, which
    /// may come in any order; every other line must come exactly where the file shows it.
    #[serde(default)]
    pub unordered: Vec<crate::expected::LineRange>,
    #[serde(default)]
    pub exit: i32,
    pub stderr_contains: Option<String>,
}

/// `[trials]`: a bug the book describes, measured.
#[derive(Debug, PartialEq)]
pub struct Trials {
    pub runs: u32,
    /// What "the bug showed" means, as the page says it.
    pub bug: String,
    /// The share of runs that must show the bug.
    pub band: Band,
    pub judge: Judge,
    pub race: Option<Race>,
    /// One process per run: how many run at once (1: one after the other).
    pub at_once: u32,
}

/// How a run is judged to have shown the bug.
#[derive(Debug, PartialEq)]
pub enum Judge {
    /// The program runs every trial itself given `-trials N` and prints "K of N".
    Tally,
    /// One process per run: this exact stdout is the bug.
    BugIfStdout(String),
    /// One process per run: stdout whose sorted lines differ from this file is the bug.
    Complete(String),
}

/// The program built with `-race`, run `runs` times: at least `min_percent` must report.
#[derive(Debug, PartialEq)]
pub struct Race {
    pub runs: u32,
    pub min_percent: f64,
}

/// A range of percentages, both ends included.
#[derive(Debug, PartialEq, Clone, Copy)]
pub struct Band {
    pub min: f64,
    pub max: f64,
}

impl Band {
    pub fn contains(&self, shown: u32, runs: u32) -> bool {
        let pct = percent(shown, runs);
        pct >= self.min && pct <= self.max
    }

    /// "at least 95 %", "at most 1 %", "between 0.01 % and 50 %".
    pub fn describe(&self) -> String {
        match (self.min > 0.0, self.max < 100.0) {
            (true, true) => format!("between {} % and {} %", self.min, self.max),
            (true, false) => format!("at least {} %", self.min),
            _ => format!("at most {} %", self.max),
        }
    }
}

impl Race {
    pub fn band(&self) -> Band {
        Band {
            min: self.min_percent,
            max: 100.0,
        }
    }
}

pub fn percent(shown: u32, runs: u32) -> f64 {
    if runs == 0 {
        0.0
    } else {
        100.0 * f64::from(shown) / f64::from(runs)
    }
}

/// The file as written: flat, as page writers know it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaims {
    #[serde(default)]
    vet: Vec<String>,
    run: Option<RunClaim>,
    trials: Option<RawTrials>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrials {
    runs: u32,
    bug: String,
    #[serde(default)]
    min_percent: f64,
    #[serde(default = "hundred")]
    max_percent: f64,
    bug_if_stdout: Option<String>,
    complete: Option<String>,
    race_runs: Option<u32>,
    race_min_percent: Option<f64>,
    #[serde(default = "one")]
    at_once: u32,
}

fn one() -> u32 {
    1
}

fn hundred() -> f64 {
    100.0
}

impl TryFrom<RawTrials> for Trials {
    type Error = anyhow::Error;

    fn try_from(t: RawTrials) -> Result<Trials> {
        if t.runs == 0 {
            bail!("[trials] runs must be at least 1");
        }
        let in_range = |p: f64| (0.0..=100.0).contains(&p);
        if !in_range(t.min_percent) || !in_range(t.max_percent) || t.min_percent > t.max_percent {
            bail!(
                "[trials] band {} %..{} % is not a range within 0..100",
                t.min_percent,
                t.max_percent
            );
        }
        if t.min_percent == 0.0 && t.max_percent == 100.0 {
            bail!("[trials] declares no band: set min_percent or max_percent");
        }
        if t.bug.trim().is_empty() {
            bail!("[trials] bug must say what the bug showing means");
        }
        let judge = match (t.bug_if_stdout, t.complete) {
            (Some(_), Some(_)) => bail!("[trials] takes bug_if_stdout or complete, not both"),
            (Some(stdout), None) => Judge::BugIfStdout(stdout),
            (None, Some(file)) => {
                // Beside the program, so the trial cache's key (its directory) covers it.
                if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
                    bail!("[trials] complete = {file:?}: name a file in the program's directory");
                }
                Judge::Complete(file)
            }
            (None, None) => Judge::Tally,
        };
        if t.at_once == 0 || t.at_once > t.runs {
            bail!("[trials] at_once must be between 1 and runs ({})", t.runs);
        }
        if t.at_once > 1 && judge == Judge::Tally {
            bail!(
                "[trials] at_once needs one process per run (bug_if_stdout or complete): a program that counts its own trials runs once"
            );
        }
        let race = match (t.race_runs, t.race_min_percent) {
            (None, None) => None,
            (Some(runs), Some(min_percent))
                if runs > 0 && min_percent > 0.0 && min_percent <= 100.0 =>
            {
                Some(Race { runs, min_percent })
            }
            _ => bail!(
                "[trials] race_runs (at least 1) and race_min_percent (above 0, at most 100) go together"
            ),
        };
        Ok(Trials {
            runs: t.runs,
            bug: t.bug,
            band: Band {
                min: t.min_percent,
                max: t.max_percent,
            },
            judge,
            race,
            at_once: t.at_once,
        })
    }
}

pub fn parse(text: &str) -> Result<Claims> {
    let raw: RawClaims = toml::from_str(text)?;
    Ok(Claims {
        vet: raw.vet,
        run: raw.run,
        trials: raw.trials.map(Trials::try_from).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trials(body: &str) -> Result<Claims> {
        parse(&format!("[trials]\nruns = 10\nbug = \"b\"\n{body}"))
    }

    #[test]
    fn claims_parse_with_defaults() {
        let c = parse(
            "vet = [\"captured\"]\n[run]\nunordered = [\"1-2\"]\n[trials]\nruns = 10\nbug = \"b\"\nmin_percent = 95.0\n",
        )
        .unwrap();
        assert_eq!(c.vet, vec!["captured".to_string()]);
        let run = c.run.unwrap();
        assert_eq!(run.unordered.len(), 1);
        assert_eq!(run.exit, 0);
        let t = c.trials.unwrap();
        assert_eq!(
            t.band,
            Band {
                min: 95.0,
                max: 100.0
            }
        );
        assert_eq!(t.judge, Judge::Tally);
        assert_eq!(t.race, None);
        let empty = parse("# built only\n").unwrap();
        assert_eq!((empty.run, empty.trials), (None, None));
    }

    /// go/README.md documents the schema: its example parses, and names every key.
    #[test]
    fn the_readme_and_the_schema_agree() {
        let readme = include_str!("../../../../../go/README.md");
        let examples: Vec<String> = crate::markdown::fenced_blocks(readme)
            .into_iter()
            .filter(|b| b.block.lang() == "toml")
            .map(|b| b.lines.into_iter().map(|(_, l)| l + "\n").collect())
            .collect();
        assert_eq!(examples.len(), 1, "one claims.toml example in go/README.md");
        let claims = parse(&examples[0]).expect("go/README.md's example is a valid claims.toml");
        assert!(claims.run.is_some() && claims.trials.is_some_and(|t| t.race.is_some()));
        for key in [
            "vet",
            "[run]",
            "stdout",
            "exit",
            "stderr_contains",
            "[trials]",
            "runs",
            "bug",
            "min_percent",
            "max_percent",
            "bug_if_stdout",
            "complete",
            "race_runs",
            "race_min_percent",
            "at_once",
        ] {
            assert!(
                examples[0].contains(&format!("{key} "))
                    || examples[0].contains(&format!("{key}\n")),
                "go/README.md's example does not show `{key}`"
            );
        }
    }

    #[test]
    fn judges_and_race_are_typed() {
        let t = trials("min_percent = 1.0\nbug_if_stdout = \"\"").unwrap();
        assert_eq!(t.trials.unwrap().judge, Judge::BugIfStdout(String::new()));
        let t = trials("min_percent = 1.0\ncomplete = \"c.txt\"").unwrap();
        assert_eq!(t.trials.unwrap().judge, Judge::Complete("c.txt".into()));
        let t = trials("max_percent = 1.0\nrace_runs = 20\nrace_min_percent = 50.0").unwrap();
        let race = t.trials.unwrap().race.unwrap();
        assert_eq!(
            (race.runs, race.band().describe()),
            (20, "at least 50 %".into())
        );
    }

    #[test]
    fn runs_at_once_need_one_process_per_run_and_fit_the_runs() {
        let t = trials("min_percent = 1.0\ncomplete = \"c.txt\"\nat_once = 5").unwrap();
        assert_eq!(t.trials.unwrap().at_once, 5);
        let t = trials("min_percent = 1.0\ncomplete = \"c.txt\"").unwrap();
        assert_eq!(t.trials.unwrap().at_once, 1);
        for (body, says) in [
            ("min_percent = 1.0\nat_once = 2", "one process per run"),
            (
                "min_percent = 1.0\ncomplete = \"c.txt\"\nat_once = 0",
                "between 1 and runs",
            ),
            (
                "min_percent = 1.0\ncomplete = \"c.txt\"\nat_once = 11",
                "between 1 and runs",
            ),
        ] {
            let e = trials(body).unwrap_err();
            assert!(format!("{e:#}").contains(says), "{body:?}: {e:#}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_everywhere() {
        let refused = |text: &str, what: &str| {
            let e = parse(text).unwrap_err();
            assert!(format!("{e:#}").contains(what), "{text:?}: {e:#}");
        };
        refused("vett = []", "unknown field `vett`");
        // go/README.md once documented this key; the schema never had it.
        refused("race_detector = true", "unknown field `race_detector`");
        refused(
            "[run]\nrace_detector = true",
            "unknown field `race_detector`",
        );
        refused("[run]\nstdout = \"sorted\"", "unknown field `stdout`");
        refused("[run]\nunordered = [\"3\"]", "expected a range of lines");
        refused("[run]\nexpected = \"x\"", "unknown field `expected`");
        refused(
            "[trials]\nruns = 1\nbug = \"b\"\nmin_percent = 1.0\nrace = 3",
            "unknown field `race`",
        );
        refused("[trial]\nruns = 1", "unknown field `trial`");
        refused("vet = \"one\"", "invalid type");
    }

    #[test]
    fn bad_trials_are_refused() {
        assert!(trials("").is_err(), "a band is required");
        assert!(trials("min_percent = 0.0\nmax_percent = 100.0").is_err());
        assert!(trials("min_percent = 90.0\nmax_percent = 10.0").is_err());
        assert!(trials("min_percent = 101.0").is_err());
        assert!(trials("max_percent = -1.0").is_err());
        assert!(trials("min_percent = 1.0\nbug_if_stdout = \"x\"\ncomplete = \"c\"").is_err());
        assert!(trials("min_percent = 1.0\ncomplete = \"../other/c.txt\"").is_err());
        assert!(trials("min_percent = 1.0\ncomplete = \"sub/c.txt\"").is_err());
        assert!(trials("min_percent = 1.0\ncomplete = \"\"").is_err());
        assert!(trials("min_percent = 1.0\nrace_runs = 20").is_err());
        assert!(trials("min_percent = 1.0\nrace_min_percent = 50.0").is_err());
        assert!(trials("min_percent = 1.0\nrace_runs = 0\nrace_min_percent = 50.0").is_err());
        assert!(trials("min_percent = 1.0\nrace_runs = 20\nrace_min_percent = 0.0").is_err());
        assert!(parse("[trials]\nruns = 0\nbug = \"b\"\nmin_percent = 1.0").is_err());
        assert!(parse("[trials]\nruns = 5\nbug = \" \"\nmin_percent = 1.0").is_err());
        assert!(
            parse("[trials]\nbug = \"b\"\nmin_percent = 1.0").is_err(),
            "runs"
        );
        assert!(trials("min_percent = 1.0\nrace_runs = 20\nrace_min_percent = 50.0").is_ok());
    }

    #[test]
    fn band_check() {
        let at_least = Band {
            min: 95.0,
            max: 100.0,
        };
        assert!(at_least.contains(199, 200));
        assert!(at_least.contains(190, 200));
        assert!(!at_least.contains(189, 200));
        assert!(
            !at_least.contains(0, 200),
            "a bug that stopped showing fails"
        );
        assert_eq!(at_least.describe(), "at least 95 %");
        let at_most = Band { min: 0.0, max: 1.0 };
        assert!(at_most.contains(0, 200));
        assert!(!at_most.contains(3, 200));
        assert_eq!(at_most.describe(), "at most 1 %");
        let between = Band {
            min: 0.01,
            max: 50.0,
        };
        assert_eq!(between.describe(), "between 0.01 % and 50 %");
    }
}
