//! A measured bug's `results.md`: the paragraph the page includes, written from a real run
//! (`cargo xtask test --only go --bless`) and checked whole on every run: it must read
//! exactly as the harness writes it for the current `claims.toml`, record as many runs as
//! claims.toml declares, inside the declared band, with Go's own GOMAXPROCS and a date.

use super::Problems;
use super::claims::{Trials, percent};
use super::dates;
use anyhow::{Context, Result, bail};

/// "K of N": in how many runs of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub shown: u32,
    pub runs: u32,
}

impl Tally {
    pub fn percent(&self) -> f64 {
        percent(self.shown, self.runs)
    }
}

impl Tally {
    /// The share as a record shows it: one decimal, or as many more as it takes for a
    /// share that is neither none nor all to read as neither ("0.02 %", not "0.0 %").
    pub fn percent_text(&self) -> String {
        let pct = self.percent();
        for decimals in 1..=6 {
            let text = format!("{pct:.decimals$}");
            let shown_as = text.parse::<f64>().unwrap_or(pct);
            let misleads = (self.shown > 0 && shown_as == 0.0)
                || (self.shown < self.runs && shown_as == 100.0);
            if !misleads {
                return text;
            }
        }
        format!("{pct}")
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}", self.shown, self.runs)
    }
}

/// "K of N", the whole text (surrounding white space aside).
pub fn parse_tally(text: &str) -> Option<Tally> {
    let (k, n) = text.trim().split_once(" of ")?;
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !is_number(k) || !is_number(n) {
        return None;
    }
    Some(Tally {
        shown: k.parse().ok()?,
        runs: n.parse().ok()?,
    })
}

/// One measurement, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `go version`'s answer: "go1.19.8 linux/amd64".
    pub go: String,
    /// "a 2-CPU x86_64 Linux machine (GOMAXPROCS 2)", from Go's runtime.
    pub machine: String,
    pub date: String,
    /// How often the bug showed.
    pub bug: Tally,
    /// How often the `-race` build reported the race.
    pub race: Option<Tally>,
}

impl Record {
    /// The GOMAXPROCS the record names.
    pub fn gomaxprocs(&self) -> Option<u32> {
        let (_, rest) = self.machine.split_once("(GOMAXPROCS ")?;
        rest.strip_suffix(')')?.parse().ok()
    }
}

/// The paragraph for a record and the claims it was measured against.
pub fn render(r: &Record, t: &Trials) -> String {
    let mut text = format!(
        "Measured with {} on {}, {}: {} in **{} runs** ({} %).",
        r.go,
        r.machine,
        r.date,
        t.bug,
        r.bug,
        r.bug.percent_text(),
    );
    // How the figure is measured and checked is the appendix's business, not the page's.
    let how = "([how this is measured](../appendix/how-checked.md#measured-go-behaviour))";
    match (&r.race, &t.race) {
        (Some(race), Some(_)) => text.push_str(&format!(
            " Built with `-race`, it reported the data race in **{race} runs** ({} %). {how}\n",
            race.percent_text(),
        )),
        _ => text.push_str(&format!(" {how}\n")),
    }
    text
}

/// The record a paragraph holds (the wording around it is checked by rendering again).
pub fn parse(text: &str) -> Result<Record> {
    let rest = text
        .strip_prefix("Measured with ")
        .context("it does not start with \"Measured with \"")?;
    let (go, rest) = rest
        .split_once(" on ")
        .context("no \" on \" after the Go version")?;
    let (head, rest) = rest
        .split_once(": ")
        .context("no \": \" after the machine and date")?;
    let (machine, date) = head
        .rsplit_once(", ")
        .context("no \", \" between the machine and the date")?;
    let mut tallies = Vec::new();
    for part in rest.split(" in **").skip(1) {
        let (tally, _) = part
            .split_once(" runs**")
            .context("an \"in **\" without \" runs**\" after it")?;
        tallies.push(parse_tally(tally).with_context(|| format!("{tally:?} is not \"K of N\""))?);
    }
    let (bug, race) = match tallies.as_slice() {
        [bug] => (*bug, None),
        [bug, race] => (*bug, Some(*race)),
        other => bail!(
            "it holds {} \"in **K of N runs**\", not one or two",
            other.len()
        ),
    };
    Ok(Record {
        go: go.to_string(),
        machine: machine.to_string(),
        date: date.to_string(),
        bug,
        race,
    })
}

/// What is wrong with a `results.md` (its text, named `file`) for these claims.
pub fn check(text: &str, t: &Trials, file: &str) -> Problems {
    let again = "re-record it: cargo xtask test --only go --bless";
    let r = match parse(text) {
        Ok(r) => r,
        Err(e) => return vec![format!("{file}: not a record ({e:#}); {again}")],
    };
    let mut problems = Vec::new();
    if r.bug.runs != t.runs {
        problems.push(format!(
            "{file}: records {} runs, but claims.toml declares runs = {}; {again}",
            r.bug, t.runs
        ));
    } else if !t.band.contains(r.bug.shown, r.bug.runs) {
        problems.push(format!(
            "{file}: records {} runs ({:.1} %), outside the declared {}",
            r.bug,
            r.bug.percent(),
            t.band.describe()
        ));
    }
    match (&r.race, &t.race) {
        (None, None) => {}
        (Some(race), Some(claim)) if race.runs != claim.runs => problems.push(format!(
            "{file}: records -race reports in {race} runs, but claims.toml declares \
             race_runs = {}; {again}",
            claim.runs
        )),
        (Some(race), Some(claim)) if !claim.band().contains(race.shown, race.runs) => problems
            .push(format!(
                "{file}: records -race reports in {race} runs ({:.1} %), below the declared {} %",
                race.percent(),
                claim.min_percent
            )),
        (Some(_), Some(_)) => {}
        (None, Some(_)) => problems.push(format!(
            "{file}: records no -race measurement, but claims.toml declares race_runs; {again}"
        )),
        (Some(_), None) => problems.push(format!(
            "{file}: records a -race measurement that claims.toml does not declare; {again}"
        )),
    }
    if r.gomaxprocs().is_none() {
        problems.push(format!(
            "{file}: does not record GOMAXPROCS (as Go reported it); {again}"
        ));
    }
    if !dates::is_date(&r.date) {
        problems.push(format!(
            "{file}: {:?} is not a date (YYYY-MM-DD); {again}",
            r.date
        ));
    }
    let expected = render(&r, t);
    if problems.is_empty() && text != expected {
        let (expected, found) = from_first_difference(&expected, text);
        problems.push(format!(
            "{file}: does not read as the harness writes it for claims.toml (its bug, band \
             or wording changed); {again}\n  expected: {}\n  found:    {}",
            expected.trim_end(),
            found.trim_end()
        ));
    }
    problems
}

/// Both texts from a few words before the first place they differ ("…" marks a cut).
fn from_first_difference(a: &str, b: &str) -> (String, String) {
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    // The texts agree up to `at`, so a char boundary of one before it is one of both.
    let start = a[..at].char_indices().rev().nth(30).map_or(0, |(i, _)| i);
    let cut = if start > 0 { "…" } else { "" };
    (
        format!("{cut}{}", &a[start..]),
        format!("{cut}{}", &b[start..]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::go::claims;

    fn trials(extra: &str) -> Trials {
        claims::parse(&format!(
            "[trials]\nruns = 200\nbug = \"the program printed 5 5 5 5 5\"\n{extra}"
        ))
        .unwrap()
        .trials
        .unwrap()
    }

    fn record(shown: u32, runs: u32, race: Option<Tally>) -> Record {
        Record {
            go: "go1.19.8 linux/amd64".into(),
            machine: "a 2-CPU x86_64 Linux machine (GOMAXPROCS 2)".into(),
            date: "2026-12-04".into(),
            bug: Tally { shown, runs },
            race,
        }
    }

    #[test]
    fn tallies() {
        assert_eq!(
            parse_tally("17 of 200\n"),
            Some(Tally {
                shown: 17,
                runs: 200
            })
        );
        assert_eq!(parse_tally("lost 17 of 200"), None);
        assert_eq!(parse_tally("17 of 200 runs"), None);
        assert_eq!(parse_tally("-1 of 200"), None);
        assert_eq!(parse_tally("17 of"), None);
        assert_eq!(parse_tally("of 200"), None);
        assert_eq!(parse_tally(""), None);
    }

    #[test]
    fn shares_never_read_as_none_or_all_when_they_are_not() {
        let text = |shown, runs| Tally { shown, runs }.percent_text();
        assert_eq!(text(4, 20_000), "0.02");
        assert_eq!(text(1, 100_000), "0.001");
        assert_eq!(text(19_999, 20_000), "99.995");
        assert_eq!(text(0, 100_000), "0.0");
        assert_eq!(text(200, 200), "100.0");
        assert_eq!(text(195, 200), "97.5");
        assert_eq!(text(1, 3), "33.3");
        assert_eq!(text(1535, 20_000), "7.7");
    }

    #[test]
    fn records_round_trip() {
        let t = trials("min_percent = 50.0");
        let r = record(195, 200, None);
        let text = render(&r, &t);
        assert_eq!(
            text,
            "Measured with go1.19.8 linux/amd64 on a 2-CPU x86_64 Linux machine (GOMAXPROCS 2), \
             2026-12-04: the program printed 5 5 5 5 5 in **195 of 200 runs** (97.5 %). \
             ([how this is measured](../appendix/how-checked.md#measured-go-behaviour))\n"
        );
        assert_eq!(parse(&text).unwrap(), r);
        assert_eq!(r.gomaxprocs(), Some(2));
        assert_eq!(check(&text, &t, "r.md"), Problems::new());

        let t = trials("max_percent = 1.0\nrace_runs = 20\nrace_min_percent = 50.0");
        let race = Some(Tally {
            shown: 19,
            runs: 20,
        });
        let r = record(0, 200, race);
        let text = render(&r, &t);
        assert!(
            text.contains("data race in **19 of 20 runs** (95.0 %)."),
            "{text}"
        );
        assert_eq!(parse(&text).unwrap(), r);
        assert_eq!(check(&text, &t, "r.md"), Problems::new());
    }

    #[test]
    fn differences_are_shown_where_they_start() {
        let (a, b) =
            from_first_difference("same words here, then one", "same words here, then two");
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("same words here, then one", "same words here, then two")
        );
        let long = "x".repeat(100);
        let (a, b) = from_first_difference(&format!("{long}é1"), &format!("{long}é2"));
        assert_eq!((a.chars().count(), b.chars().count()), (33, 33));
        assert!(a.starts_with('…') && a.ends_with("é1") && b.ends_with("é2"));
        let (a, b) = from_first_difference("abc", "abcdef");
        assert_eq!((a.as_str(), b.as_str()), ("abc", "abcdef"));
    }

    /// Each of these must fail, naming the file.
    #[test]
    fn wrong_records_fail() {
        let t = trials("min_percent = 50.0");
        let fails = |text: &str, t: &Trials, expected: &str| {
            let p = check(text, t, "go/x/results.md");
            assert_eq!(p.len(), 1, "{text}: {p:?}");
            assert!(p[0].starts_with("go/x/results.md: "), "{p:?}");
            assert!(p[0].contains(expected), "{text}: {p:?}");
        };
        let good = render(&record(195, 200, None), &t);
        // N is not the declared number of runs.
        fails(
            &render(&record(195, 300, None), &t),
            &t,
            "records 195 of 300 runs, but claims.toml declares runs = 200",
        );
        fails(&good.replace("195 of 200", "195 of 2000"), &t, "runs = 200");
        // Outside the band.
        fails(
            &render(&record(20, 200, None), &t),
            &t,
            "outside the declared at least 50 %",
        );
        // A figure edited by hand: the percentage no longer matches.
        fails(
            &good.replace("(97.5 %)", "(99.5 %)"),
            &t,
            "does not read as",
        );
        // The claims changed their bug since it was recorded.
        let renamed =
            claims::parse("[trials]\nruns = 200\nbug = \"it printed fives\"\nmin_percent = 50.0")
                .unwrap()
                .trials
                .unwrap();
        fails(&good, &renamed, "does not read as");
        // Methodology in the page's words is not what the harness writes.
        fails(
            &good.replace(
                "([how this is measured]",
                "`cargo xtask test` measures it again on every run. ([how this is measured]",
            ),
            &t,
            "does not read as",
        );
        // No GOMAXPROCS, no date, no record at all.
        fails(&good.replace(" (GOMAXPROCS 2)", ""), &t, "GOMAXPROCS");
        fails(&good.replace("2026-12-04", "today"), &t, "not a date");
        fails("The bug showed often.", &t, "not a record");
        fails(
            &good.replace("**195 of 200 runs**", "195 of 200 runs"),
            &t,
            "not a record",
        );
        // A -race measurement missing, extra, of the wrong size, or below its band.
        let rt = trials("min_percent = 50.0\nrace_runs = 20\nrace_min_percent = 50.0");
        fails(&good, &rt, "records no -race measurement");
        let tally = |shown, runs| Some(Tally { shown, runs });
        let with_race = render(&record(195, 200, tally(20, 20)), &rt);
        fails(&with_race, &t, "does not declare");
        fails(
            &render(&record(195, 200, tally(20, 30)), &rt),
            &rt,
            "race_runs = 20",
        );
        fails(
            &render(&record(195, 200, tally(2, 20)), &rt),
            &rt,
            "below the declared 50 %",
        );
    }
}
