//! The race detector's report on a program built with `-race`, as the page shows it:
//! `race.txt` beside the program, written by `--bless` and compared whole with the report
//! of every `-race` run that measures.
//!
//! A report is normalised so that it reads the same on every run and machine: memory
//! addresses become `0x…`, goroutine numbers become letters in the order the report names
//! them (A: the goroutine whose access was caught; B: the one that accessed first), the
//! program counter offsets (`+0x74`) go, and the directories of source paths go
//! (`main.go:21` stays, with each function name). Measured on go1.19.8 over 330 runs of
//! `ch01/race-counter`, one more part varies: whether the goroutine of the previous
//! access is still `(running)` or already `(finished)` when the report is printed (6 of
//! 330 runs: running). Only that word is compared loosely (see [`same_report`]); the
//! record keeps the word its run printed.

use super::Problems;
use std::collections::BTreeMap;

/// The report in a `-race` run's stderr, normalised: from the first `==================`
/// to `Found N data race(s)`; None if there is none. `dirs` are stripped from the
/// beginning of source paths (the program's directory first, then the module's; Go's
/// own sources keep their path under `src/`).
pub fn normalise(stderr: &str, dirs: &[String]) -> Option<String> {
    let start = stderr.find("==================\nWARNING: DATA RACE")?;
    let body = &stderr[start..];
    let end = body
        .find("\nFound ")
        .map(|at| at + 1 + body[at + 1..].find('\n').unwrap_or(body.len() - at - 1))?;
    let mut ids = BTreeMap::new();
    let mut out = String::new();
    for line in body[..end].lines() {
        let indent = line.len() - line.trim_start().len();
        out.push_str(&line[..indent]);
        let mut previous = "";
        let mut words = Vec::new();
        for word in line[indent..].split(' ') {
            if let Some(word) = normalise_word(word, previous, dirs, &mut ids) {
                words.push(word);
            }
            previous = word;
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    Some(out)
}

/// One word of a report line: `None` to leave it out (a program counter offset).
fn normalise_word(
    word: &str,
    previous: &str,
    dirs: &[String],
    ids: &mut BTreeMap<String, char>,
) -> Option<String> {
    let digits = word.trim_end_matches(':');
    if word.starts_with("+0x") {
        return None;
    }
    if is_hex_address(word) {
        return Some("0x…".to_string());
    }
    if matches!(previous, "goroutine" | "Goroutine")
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        let next = char::from(b'A' + ids.len().min(25) as u8);
        let letter = *ids.entry(digits.to_string()).or_insert(next);
        return Some(format!("{letter}{}", &word[digits.len()..]));
    }
    if word.starts_with('/') && word.contains(".go:") {
        for dir in dirs {
            if let Some(rest) = word.strip_prefix(&format!("{dir}/")) {
                return Some(rest.to_string());
            }
        }
        if let Some(at) = word.find("/src/") {
            return Some(word[at + "/src/".len()..].to_string());
        }
    }
    Some(word.to_string())
}

fn is_hex_address(word: &str) -> bool {
    word.strip_prefix("0x")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether two normalised reports are the same, but for the one word that varies from
/// run to run: the state, `(running)` or `(finished)`, of the goroutine whose access came
/// first (the one a `Previous …` line names).
pub fn same_report(a: &str, b: &str) -> bool {
    loosen(a) == loosen(b)
}

fn loosen(report: &str) -> String {
    let first = report
        .lines()
        .filter(|l| l.starts_with("Previous "))
        .filter_map(|l| {
            l.rsplit_once(" by goroutine ")
                .map(|(_, g)| g.trim_end_matches(':'))
        })
        .collect::<Vec<_>>();
    report
        .lines()
        .map(|l| {
            for g in &first {
                for state in ["(running)", "(finished)"] {
                    if l == format!("Goroutine {g} {state} created at:") {
                        return format!("Goroutine {g} (running or finished) created at:");
                    }
                }
            }
            l.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The record against the reports of this run's `-race` runs (`record` the text of
/// `race.txt`, named `file`): one problem per report that differs (reports that are the
/// same as [`same_report`] sees them counted as one), with a diff.
pub fn compare(record: &str, reports: &[String], file: &str) -> Problems {
    let mut differing: Vec<&String> = Vec::new();
    for r in reports {
        if !same_report(record, r) && !differing.iter().any(|d| same_report(d, r)) {
            differing.push(r);
        }
    }
    differing
        .into_iter()
        .map(|r| {
            format!(
                "{file}: the race detector's report differs from the one recorded (in {} of \
                 {} -race runs); if the change is meant, re-record it: cargo xtask test \
                 --only go --bless\n{}",
                reports.iter().filter(|x| same_report(x, r)).count(),
                reports.len(),
                crate::diff::lines(record, r).replace(
                    "(- shown in the book, + printed by the listing)",
                    "(- recorded, + reported now)"
                )
            )
        })
        .collect()
}

/// The report most runs printed (the first of those printed most often), for `--bless`.
pub fn most_common(reports: &[String]) -> Option<&String> {
    let mut counts: Vec<(&String, usize)> = Vec::new();
    for r in reports {
        match counts.iter_mut().find(|(x, _)| *x == r) {
            Some((_, n)) => *n += 1,
            None => counts.push((r, 1)),
        }
    }
    let top = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == top).map(|(r, _)| r)
}

/// What is wrong with a recorded report on its own (checked on every run): it must be a
/// report, normalised.
pub fn check_record(record: &str, file: &str) -> Problems {
    match normalise(record, &[]) {
        Some(again) if again == record => vec![],
        Some(_) => vec![format!(
            "{file}: not normalised (an address, goroutine number, offset or directory \
             left in it); re-record it: cargo xtask test --only go --bless"
        )],
        None => vec![format!(
            "{file}: holds no race detector report (from \"==================\" to \
             \"Found N data race(s)\"); re-record it: cargo xtask test --only go --bless"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real stderr of the race-counter's -race build (go1.19.8), three runs: the common
    // report, the same with goroutines 7 and 8 swapped, and the rare one whose first
    // writer was still running.
    const FINISHED: &str = include_str!("../../../fixtures/race/finished.txt");
    const SWAPPED: &str = include_str!("../../../fixtures/race/ids-swapped.txt");
    const RUNNING: &str = include_str!("../../../fixtures/race/both-running.txt");

    fn norm(stderr: &str) -> String {
        normalise(stderr, &["/work/wt-go/go/ch01/race-counter".into()]).unwrap()
    }

    #[test]
    fn reports_are_normalised() {
        let r = norm(FINISHED);
        assert!(
            r.starts_with("==================\nWARNING: DATA RACE\n"),
            "{r}"
        );
        assert!(
            r.contains("Read at 0x… by goroutine A:\n  main.racyCount.func1()\n      main.go:21\n"),
            "{r}"
        );
        assert!(r.contains("Previous write at 0x… by goroutine B:\n"), "{r}");
        assert!(r.contains("Goroutine A (running) created at:\n"), "{r}");
        assert!(r.contains("Goroutine B (finished) created at:\n  main.racyCount()\n      main.go:19\n  main.main()\n      main.go:55\n"), "{r}");
        assert!(
            r.ends_with("==================\nFound 1 data race(s)\n"),
            "{r}"
        );
        assert!(
            !r.contains("/work") && !r.contains("+0x") && !r.contains("0x00"),
            "{r}"
        );
        // Which goroutine was caught changes nothing once they are lettered.
        assert_eq!(norm(SWAPPED), r);
        assert_eq!(check_record(&r, "race.txt"), Problems::new());
        // Output before and after the report is not part of it.
        assert_eq!(norm(&format!("0 of 1\n{FINISHED}exit status 66\n")), r);
        assert_eq!(normalise("no race here\n", &[]), None);
        // Go's own sources keep their path under src/.
        let std = FINISHED.replace(
            "/work/wt-go/go/ch01/race-counter/main.go:55",
            "/usr/lib/go-1.19/src/sync/waitgroup.go:55",
        );
        assert!(norm(&std).contains("      sync/waitgroup.go:55\n"));
    }

    #[test]
    fn only_the_first_writers_state_may_vary() {
        let (finished, running) = (norm(FINISHED), norm(RUNNING));
        assert_ne!(finished, running);
        assert!(same_report(&finished, &running));
        assert_eq!(
            compare(&finished, &[running.clone(), finished.clone()], "r"),
            Problems::new()
        );
        assert_eq!(
            most_common(&[running.clone(), finished.clone(), finished.clone()]),
            Some(&finished)
        );
        // The caught goroutine's state is not loosened.
        let caught = finished.replace("Goroutine A (running)", "Goroutine A (finished)");
        assert!(!same_report(&finished, &caught));
    }

    /// Each must fail, naming the record, with a diff.
    #[test]
    fn a_different_report_fails() {
        let record = norm(FINISHED);
        let fails = |got: &str, expected: &str| {
            let p = compare(&record, &[record.clone(), got.to_string()], "go/x/race.txt");
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(
                p[0].starts_with("go/x/race.txt: the race detector's report differs"),
                "{p:?}"
            );
            assert!(p[0].contains("(in 1 of 2 -race runs)"), "{p:?}");
            assert!(p[0].contains(expected), "{p:?}");
        };
        // The racy line moved (the source changed).
        fails(
            &record.replace("main.go:21", "main.go:22"),
            "+       main.go:22",
        );
        // Another kind of access caught.
        fails(
            &record
                .replace("Read at", "Write at")
                .replace("Previous write", "Previous read"),
            "+ Write at 0x… by goroutine A:",
        );
        // Another race found as well.
        fails(
            &record.replace("Found 1 data race(s)", "Found 2 data race(s)"),
            "Found 2",
        );
        // Two runs with the line moved count as one difference, whatever the first
        // writer's state.
        let moved = record.replace("main.go:21", "main.go:22");
        let moved_running = moved.replace("B (finished)", "B (running)");
        let p = compare(&record, &[moved, moved_running], "r");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("(in 2 of 2 -race runs)"), "{p:?}");
        // A record that is not normalised, or not a report.
        assert!(check_record(FINISHED, "r")[0].contains("not normalised"));
        assert!(check_record("", "r")[0].contains("holds no race detector report"));
    }
}
