//! `mdbook test` with rustdoc given the dependencies built for tests/doctest (in a target
//! directory of their own, so each crate has exactly one candidate), under a time limit.
//! Chapters whose expanded text and dependencies already passed are skipped: one changed
//! chapter is tested alone (`--chapter`); when more changed, the whole book is tested in one
//! run, since every run preprocesses the whole book first (a second of work each), and
//! mdBook's log says which chapter each failure, or a hang, belongs to.

use super::{Problems, Run, limits};
use crate::cache::{self, Passed};
use crate::markdown;
use crate::process::{self, Ending};
use anyhow::Result;

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut passed = Passed::load(ctx, "mdbook-test", !run.options.no_cache);
    let dependencies = crate::doctest_deps::dependencies(ctx);
    let mut p = Vec::new();
    let mut chapters = Vec::new();
    for page in crate::mdbook::summary_pages(ctx)? {
        let expanded = fs_err::read_to_string(ctx.markdown().join(&page)).unwrap_or_default();
        let (blocks, _) = markdown::count_rust_blocks(&expanded);
        if blocks == 0 {
            continue;
        }
        let mut inputs = dependencies.clone();
        inputs.str(&page).str(&expanded);
        let key = cache::key(&format!("page {page}"), &inputs);
        if passed.hit(&key) {
            continue;
        }
        // A page showing a listing that hung earlier in this run is not run again.
        let hung: Vec<String> = run
            .hung_listings()
            .iter()
            .filter(|l| expanded.contains(&format!("id=\"listing-{}\"", l.label())))
            .map(|l| {
                format!(
                    "{} ({})",
                    l.manifest.display(),
                    run.hung(&l.package).unwrap_or_default()
                )
            })
            .collect();
        if !hung.is_empty() {
            p.push(format!(
                "{}: not run by mdbook test: it shows a listing that hung earlier: {}",
                ctx.page(&page),
                hung.join("; ")
            ));
            continue;
        }
        chapters.push(Chapter {
            page,
            expanded,
            blocks,
            key,
        });
    }
    // With a chapter left out (it shows a listing that hung), the others are tested one by
    // one, two at a time, so the left-out one stays out.
    let outcomes = if chapters.len() > 1 && p.is_empty() {
        let (outcomes, problems) = test_book(run, &chapters)?;
        p.extend(problems);
        outcomes
    } else {
        crate::parallel::map(&chapters, |c| test_chapter(run, c))
            .into_iter()
            .collect::<Result<Vec<_>>>()?
    };
    let mut tested = 0;
    for (chapter, outcome) in chapters.iter().zip(outcomes) {
        match outcome {
            Outcome::Untested => {}
            Outcome::Failed(problem) => p.push(problem),
            Outcome::Passed => {
                tested += chapter.blocks;
                passed.pass(chapter.key.clone())?;
            }
        }
    }
    passed.save(run.options.is_full())?;
    say!(
        "  mdbook test: {tested} blocks tested; chapters unchanged since they last passed were skipped"
    );
    Ok(p)
}

/// A chapter to test: its page, its expanded Markdown, how many Rust blocks it has, and
/// its cache key.
struct Chapter {
    page: String,
    expanded: String,
    blocks: usize,
    key: String,
}

/// What became of a chapter under `mdbook test`.
enum Outcome {
    Passed,
    Failed(String),
    /// The run stopped before it (and says why, once for all such chapters).
    Untested,
}

/// `mdbook test` of one chapter.
fn test_chapter(run: &Run, c: &Chapter) -> Result<Outcome> {
    let mut cmd = mdbook_test(run)?;
    cmd.args(["--chapter", &c.page]);
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, limits::MDBOOK_TEST_CHAPTER)?;
    // mdBook shows rustdoc's output only on failure, so there is nothing to count here;
    // that no block is skipped with `ignore` is checked on the expanded book.
    if out.success() && !out.both().contains("[ERROR") {
        return Ok(Outcome::Passed);
    }
    Ok(Outcome::Failed(failed(
        run,
        c,
        &out.describe_ending(),
        &out.both(),
    )))
}

/// `mdbook test` of the whole book: each of `chapters`' outcome, and the run's own problem
/// if it left any of them untested (the preprocessors failed, or it was stopped).
fn test_book(run: &Run, chapters: &[Chapter]) -> Result<(Vec<Outcome>, Problems)> {
    let mut cmd = mdbook_test(run)?;
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, limits::MDBOOK_TEST_BOOK)?;
    let log = out.both();
    let sections = sections(&log);
    // mdBook logs a chapter before testing it, so each chapter but the last one logged has
    // finished; the last one has too, unless the run was stopped.
    let finished = |i: usize| i + 1 < sections.len() || matches!(out.ending, Ending::Exited(_));
    let explained = out.success() || sections.iter().any(Section::failed);
    let outcomes: Vec<Outcome> = chapters
        .iter()
        .map(|c| match sections.iter().position(|s| s.page == c.page) {
            Some(i) if sections[i].failed() => {
                Outcome::Failed(failed(run, c, "failed", sections[i].text))
            }
            Some(i) if !finished(i) => {
                let what = format!("{} while testing this chapter", out.describe_ending());
                Outcome::Failed(failed(run, c, &what, sections[i].text))
            }
            Some(_) if explained => Outcome::Passed,
            _ => Outcome::Untested,
        })
        .collect();
    let mut p = Vec::new();
    let untested = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Untested))
        .count();
    if untested > 0 {
        p.push(format!(
            "mdbook test of the whole book {} with {untested} chapter(s) untested:\n{}",
            out.describe_ending(),
            crate::cargo::tail(&log, 25)
        ));
    }
    Ok((outcomes, p))
}

/// `mdbook test` with the doctest dependencies; the caller picks the chapters.
fn mdbook_test(run: &Run) -> Result<std::process::Command> {
    let mut cmd = crate::mdbook::command(run.ctx)?;
    cmd.args(["test", "-L"])
        .arg(run.ctx.target().join("doctest/debug/deps"));
    Ok(cmd)
}

/// A chapter's problem: `what` happened, with the listings it shows and the log's end.
fn failed(run: &Run, c: &Chapter, what: &str, log: &str) -> String {
    let listings: Vec<&str> = c
        .expanded
        .split("id=\"listing-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    format!(
        "{}: mdbook test {what} (the page shows listings {}):\n{}",
        run.ctx.page(&c.page),
        listings.join(", "),
        crate::cargo::tail(log, 25)
    )
}

/// One chapter's part of mdBook's log: from its "Testing chapter" line to the next one.
#[derive(Debug, PartialEq)]
struct Section<'a> {
    /// The chapter's path under src/, as `--chapter` takes it.
    page: &'a str,
    text: &'a str,
}

impl Section<'_> {
    fn failed(&self) -> bool {
        self.text.contains("rustdoc returned an error")
    }
}

/// Splits mdBook's log at each `Testing chapter 'NAME': "PATH"` line. mdBook's closing
/// "One or more tests failed" is not part of the last chapter.
fn sections(log: &str) -> Vec<Section<'_>> {
    let mut starts: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in log.split_inclusive('\n') {
        if line.contains("Testing chapter '")
            && let Some(page) = line
                .trim_end()
                .strip_suffix('"')
                .and_then(|l| l.rsplit_once(": \""))
                .map(|(_, p)| p)
        {
            starts.push((offset, page));
        }
        offset += line.len();
    }
    let end = log
        .find("One or more tests failed")
        .and_then(|at| log[..at].rfind('\n'))
        .unwrap_or(log.len());
    starts
        .iter()
        .enumerate()
        .map(|(i, &(from, page))| {
            let to = starts.get(i + 1).map_or(end.max(from), |&(next, _)| next);
            Section {
                page,
                text: &log[from..to],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
[INFO] (mdbook::book): Running the listings preprocessor.
[INFO] (mdbook::book): Testing chapter 'Basics': \"ch01/01-basics.md\"
[INFO] (mdbook::book): Testing chapter 'Waiting': \"ch01/02-waiting.md\"
[ERROR] (mdbook::book): rustdoc returned an error:

--- stdout
test 02-waiting.md - line 12 ... FAILED
[INFO] (mdbook::book): Testing chapter 'Patterns': \"ch01/03-patterns.md\"
[ERROR] (mdbook::utils): Error: One or more tests failed
";

    #[test]
    fn each_chapter_gets_its_part_of_the_log() {
        let s = sections(LOG);
        let pages: Vec<&str> = s.iter().map(|s| s.page).collect();
        assert_eq!(
            pages,
            [
                "ch01/01-basics.md",
                "ch01/02-waiting.md",
                "ch01/03-patterns.md"
            ]
        );
        let failed: Vec<bool> = s.iter().map(Section::failed).collect();
        assert_eq!(failed, [false, true, false]);
        assert!(s[1].text.contains("line 12 ... FAILED"));
        assert!(
            !s[2].text.contains("One or more tests failed"),
            "mdBook's closing error belongs to no chapter"
        );
    }

    #[test]
    fn a_log_without_chapters_has_no_sections() {
        assert_eq!(sections("[ERROR] preprocessor `listings` failed\n"), []);
    }
}
