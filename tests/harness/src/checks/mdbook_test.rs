//! `mdbook test`, one chapter per run under a time limit (two runs at once), with rustdoc given the
//! dependencies built for tests/doctest (in a target directory of their own, so each crate
//! has exactly one candidate). Chapters whose expanded text and dependencies already
//! passed are skipped.

use super::{Problems, Run, limits};
use crate::cache::{self, Passed};
use crate::markdown;
use crate::process;
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
    // Each `mdbook test` preprocesses the whole book, then runs rustdoc on its chapter: one
    // core's work, so two chapters are tested at once.
    let mut tested = 0;
    let outcomes = crate::parallel::map(&chapters, |c| test_chapter(run, c));
    for (chapter, problem) in chapters.iter().zip(outcomes) {
        match problem? {
            Some(problem) => p.push(problem),
            None => {
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

/// `mdbook test` of one chapter: the problem, if it failed.
fn test_chapter(run: &Run, c: &Chapter) -> Result<Option<String>> {
    let ctx = run.ctx;
    let mut cmd = crate::mdbook::command(ctx)?;
    cmd.args(["test", "--chapter", &c.page, "-L"])
        .arg(ctx.target().join("doctest/debug/deps"));
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, limits::MDBOOK_TEST_CHAPTER)?;
    // mdBook shows rustdoc's output only on failure, so there is nothing to count here;
    // that no block is skipped with `ignore` is checked on the expanded book.
    if out.success() && !out.both().contains("[ERROR") {
        return Ok(None);
    }
    let listings: Vec<&str> = c
        .expanded
        .split("id=\"listing-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    Ok(Some(format!(
        "{}: mdbook test {} (the page shows listings {}):\n{}",
        ctx.page(&c.page),
        out.describe_ending(),
        listings.join(", "),
        crate::cargo::tail(&out.both(), 25)
    )))
}
