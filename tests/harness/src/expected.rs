//! Expected output, compared line by line. Every line of `output.txt` must be printed exactly
//! where the file shows it, except inside the ranges a declaration names `unordered`: the
//! lines of such a range must all be printed, in any order, in that range's place. So a
//! thread's lines may interleave with its siblings', but "all workers done" must still come
//! last, and two calls made one after the other must still print in that order.
//!
//! Used for the listings' programs and for the Go programs alike.

use serde::Deserialize;
use std::fmt;

/// Lines `first..=last` of an expected output, counted from 1: `"3-5"` in a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineRange {
    pub first: usize,
    pub last: usize,
}

impl fmt::Display for LineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl std::str::FromStr for LineRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}`: expected a range of lines such as \"2-5\" (from 1)");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let first: usize = a.trim().parse().map_err(|_| bad())?;
        let last: usize = b.trim().parse().map_err(|_| bad())?;
        if first == 0 || last <= first {
            return Err(format!(
                "`{s}`: a range starts at line 1 or later and holds at least two lines"
            ));
        }
        Ok(LineRange { first, last })
    }
}

impl<'de> Deserialize<'de> for LineRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The ranges must lie inside a file of `lines` lines and must not overlap.
pub fn validate(ranges: &[LineRange], lines: usize) -> Result<(), String> {
    let mut sorted = ranges.to_vec();
    sorted.sort();
    for r in &sorted {
        if r.last > lines {
            return Err(format!(
                "range {r} goes past the last line of output.txt ({lines})"
            ));
        }
    }
    for pair in sorted.windows(2) {
        if pair[1].first <= pair[0].last {
            return Err(format!("ranges {} and {} overlap", pair[0], pair[1]));
        }
    }
    Ok(())
}

/// Whether `got` is `want` with only the `unordered` ranges permuted; if not, the two texts
/// to show as a diff: `want` with each unordered range in the order `got` printed it where
/// that is possible, so the diff points at the real difference, not at the permutation.
pub fn compare(want: &str, got: &str, unordered: &[LineRange]) -> Result<(), (String, String)> {
    let want_lines: Vec<&str> = want.lines().collect();
    let got_lines: Vec<&str> = got.lines().collect();
    let mut aligned: Vec<&str> = want_lines.clone();
    let mut same =
        want_lines.len() == got_lines.len() && want.ends_with('\n') == got.ends_with('\n');
    for r in unordered {
        let (a, b) = (r.first - 1, r.last.min(want_lines.len()));
        let mut expected: Vec<&str> = want_lines[a..b].to_vec();
        let mut printed: Vec<&str> = got_lines
            .get(a..b)
            .map(<[&str]>::to_vec)
            .unwrap_or_default();
        let printed_in_order = printed.clone();
        expected.sort_unstable();
        printed.sort_unstable();
        if expected == printed {
            aligned[a..b].copy_from_slice(&printed_in_order);
        }
    }
    same &= aligned == got_lines;
    if same {
        Ok(())
    } else {
        let mut w = aligned.join("\n");
        if !aligned.is_empty() && want.ends_with('\n') {
            w.push('\n');
        }
        Err((w, got.to_string()))
    }
}

/// How the book says which lines may move: "the order of lines 2–4 varies from run to
/// run" (not "any order": the program may still constrain it, as a semaphore does).
pub fn describe(unordered: &[LineRange]) -> Option<String> {
    let parts: Vec<String> = unordered
        .iter()
        .map(|r| format!("{}–{}", r.first, r.last))
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(format!("the order of lines {one} varies from run to run")),
        many => Some(format!(
            "the order of the lines within each of {} varies from run to run",
            many.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> LineRange {
        s.parse().unwrap()
    }

    #[test]
    fn exact_when_nothing_is_unordered() {
        assert!(compare("a\nb\n", "a\nb\n", &[]).is_ok());
        assert!(compare("a\nb\n", "b\na\n", &[]).is_err());
        assert!(compare("a\nb\n", "a\nb", &[]).is_err());
        assert!(compare("a\n", "a\na\n", &[]).is_err());
    }

    #[test]
    fn only_the_declared_lines_may_move() {
        let want = "start\nw1\nw2\nw3\ndone\n";
        assert!(compare(want, "start\nw3\nw1\nw2\ndone\n", &[r("2-4")]).is_ok());
        // The fixed last line must stay last.
        assert!(compare(want, "start\nw3\nw1\ndone\nw2\n", &[r("2-4")]).is_err());
        // The fixed first line must stay first.
        assert!(compare(want, "w1\nstart\nw2\nw3\ndone\n", &[r("2-4")]).is_err());
        // A line missing, or printed twice, is not a permutation.
        assert!(compare(want, "start\nw1\nw1\nw3\ndone\n", &[r("2-4")]).is_err());
    }

    #[test]
    fn two_sequential_calls_keep_their_order() {
        // Listing 2-1: two calls in a row, then two threads.
        let want = "did something\ndid something else\ndid something else\ndid something\n";
        let swapped = "did something else\ndid something\ndid something else\ndid something\n";
        assert!(compare(want, swapped, &[r("3-4")]).is_err());
        let threads = "did something\ndid something else\ndid something\ndid something else\n";
        assert!(compare(want, threads, &[r("3-4")]).is_ok());
    }

    #[test]
    fn a_failed_comparison_shows_the_real_difference() {
        let (w, g) = compare("s\na\nb\nend\n", "s\nb\na\nEND\n", &[r("2-3")]).unwrap_err();
        assert_eq!(w, "s\nb\na\nend\n");
        assert_eq!(g, "s\nb\na\nEND\n");
    }

    #[test]
    fn ranges_are_read_and_validated() {
        assert_eq!(r("2-5"), LineRange { first: 2, last: 5 });
        assert!("5".parse::<LineRange>().is_err());
        assert!("0-3".parse::<LineRange>().is_err());
        assert!("3-3".parse::<LineRange>().is_err());
        assert!("4-2".parse::<LineRange>().is_err());
        assert!(validate(&[r("1-3"), r("4-5")], 5).is_ok());
        assert!(validate(&[r("1-3"), r("3-5")], 5).is_err());
        assert!(validate(&[r("4-6")], 5).is_err());
    }

    #[test]
    fn the_book_names_the_unordered_lines() {
        assert_eq!(describe(&[]), None);
        assert_eq!(
            describe(&[r("2-4")]).unwrap(),
            "the order of lines 2–4 varies from run to run"
        );
    }
}

/// Declared pieces against what a tool reported, matched by substring both ways: the
/// declared pieces that no reported line contains, and the reported lines that contain no
/// declared piece. (`go vet` findings against `claims.toml`, surviving mutants against a
/// library's declared survivors.)
pub fn unmatched<'a>(declared: &'a [String], found: &'a [String]) -> (Vec<&'a str>, Vec<&'a str>) {
    let missing = declared
        .iter()
        .filter(|d| !found.iter().any(|f| f.contains(d.as_str())))
        .map(String::as_str)
        .collect();
    let extra = found
        .iter()
        .filter(|f| !declared.iter().any(|d| f.contains(d.as_str())))
        .map(String::as_str)
        .collect();
    (missing, extra)
}

/// Whether `text` matches a recorded `pattern` (a break's record): line for line, except
/// that `[..]` in a pattern line matches any text within that line, and a pattern line that
/// is exactly `...` matches any number of lines (none included). Records are compared whole;
/// these two marks, written by hand when a record is reviewed, cover what a failure prints
/// that changes from run to run (which worker was late, a count that a race decides), as
/// cargo's own test suite and trybuild's normalisations do.
pub fn matches_record(pattern: &str, text: &str) -> bool {
    let pattern: Vec<&str> = pattern.lines().collect();
    let text: Vec<&str> = text.lines().collect();
    lines_match(&pattern, &text)
}

fn lines_match(pattern: &[&str], text: &[&str]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((&"...", rest)) => (0..=text.len()).any(|skip| lines_match(rest, &text[skip..])),
        Some((first, rest)) => text
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && lines_match(rest, more)),
    }
}

fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod record_tests {
    use super::{matches_record, unmatched};

    #[test]
    fn declared_pieces_and_reported_lines_match_both_ways() {
        let declared = vec!["captured".to_string(), "gone".to_string()];
        let found = vec![
            "loop variable i captured by func literal".to_string(),
            "unused result".to_string(),
        ];
        assert_eq!(
            unmatched(&declared, &found),
            (vec!["gone"], vec!["unused result"])
        );
        assert_eq!(unmatched(&declared[..1], &found[..1]), (vec![], vec![]));
    }

    #[test]
    fn records_match_exactly_but_for_their_marks() {
        assert!(matches_record("a\nb\n", "a\nb\n"));
        assert!(!matches_record("a\nb\n", "a\nc\n"));
        assert!(!matches_record("a\n", "a\nb\n"));
        // `[..]` stands for text within one line.
        assert!(matches_record("  left: [..]\n", "  left: [0, 4, 16]\n"));
        assert!(matches_record("x [..] y [..] z\n", "x 1 y 2 z\n"));
        assert!(!matches_record("  left: [..]\n", " right: 3\n"));
        assert!(!matches_record("[..] done\n", "done late\n"));
        // `...` stands for any number of lines, none included.
        let p = "Its output no longer matches the book's:\n...\n  (- shown in the book, + printed by the listing)\n";
        assert!(matches_record(
            p,
            "Its output no longer matches the book's:\n  - task 4\n  + task 8\n  (- shown in the book, + printed by the listing)\n"
        ));
        assert!(matches_record(
            p,
            "Its output no longer matches the book's:\n  (- shown in the book, + printed by the listing)\n"
        ));
        assert!(!matches_record(
            p,
            "It panics (exit status 101):\n  (- shown in the book, + printed by the listing)\n"
        ));
        // A changed figure outside the marks is still caught.
        assert!(!matches_record(
            "+ jobs done: 10\n...\n",
            "+ jobs done: 7\n"
        ));
    }
}
