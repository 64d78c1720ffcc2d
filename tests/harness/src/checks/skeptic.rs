//! skeptic compiles and runs every Rust block of the expanded book (mdBook's Markdown
//! output, what readers see) against the real dependency graph of `tests/doctest`. A
//! block stuck for a minute stops the run at once, named by its page and listing.

use super::{Problems, Run, limits};
use crate::cache::{self, Hasher, Passed};
use crate::context::Ctx;
use crate::markdown;
use crate::mdbook::walk;
use crate::process::{self, Ending};
use anyhow::Result;
use std::path::{Path, PathBuf};

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    // skeptic ignores `compile_fail` (it would compile such a block as a normal test), so
    // it reads a copy with those blocks turned into text; rustc's JSON diagnostics prove them.
    let fed = ctx.target().join("doctest/markdown");
    let mut inputs = crate::doctest_deps::dependencies(ctx);
    // A listing that hung earlier in this run is not run again here.
    let hung = run.hung_listings();
    let labels: Vec<String> = hung.iter().map(|l| l.label()).collect();
    let mut p: Problems = hung
        .iter()
        .map(|l| {
            format!(
                "{}: not run by skeptic: {}",
                l.manifest.display(),
                run.hung(&l.package).unwrap_or_default()
            )
        })
        .collect();
    let expected = feed(ctx, &fed, &labels, &mut inputs)?;
    let key = cache::key("skeptic", &inputs);
    let mut passed = Passed::load(ctx, "skeptic", !run.options.no_cache);
    if passed.hit(&key) {
        say!("  skeptic: the book's code and dependencies are unchanged since it last passed");
        return passed.save(run.options.is_full()).map(|_| p);
    }
    if let Some(done) = crate::background::board().wait(crate::doctest_deps::PREFETCH) {
        say!(
            "  {}: {}",
            crate::doctest_deps::PREFETCH,
            done.describe(|p| ctx.rel(p))
        );
    }
    crate::doctest_deps::reset_target_on_new_dependencies(ctx)?;
    let mut cmd = process::cargo();
    cmd.current_dir(&ctx.root)
        .env("BOOK_MARKDOWN_DIR", &fed)
        .env("RUST_BACKTRACE", "0")
        .args(["test", "--package", "book-doctest", "--target-dir"])
        .arg(ctx.target().join("doctest"));
    say!(
        "  $ BOOK_MARKDOWN_DIR={} {}",
        ctx.rel(&fed),
        process::describe(&cmd)
    );
    let out = process::run_watching(&mut cmd, limits::SKEPTIC, Some(process::libtest_stuck))?;
    if let Some(failure) = failure(ctx, &fed, &out) {
        p.push(failure);
        return Ok(p);
    }
    let ran = passed_count(&out.stdout);
    if ran != expected {
        p.push(format!(
            "skeptic ran {ran} tests, but the book has {expected} Rust blocks that are not compile_fail"
        ));
        return Ok(p);
    }
    say!("  skeptic: {ran} blocks passed");
    if p.is_empty() {
        passed.pass(key)?;
    }
    passed.save(run.options.is_full())?;
    Ok(p)
}

/// Writes the pages skeptic reads under `fed` (compile-fail blocks and the listings of
/// `labels` turned into text), hashing them into `inputs`; returns how many Rust blocks
/// skeptic must run.
fn feed(ctx: &Ctx, fed: &Path, labels: &[String], inputs: &mut Hasher) -> Result<usize> {
    let markdown_dir = ctx.markdown();
    let mut expected = 0;
    for page in walk(&markdown_dir, "md")? {
        let text = fs_err::read_to_string(&page)?;
        let filtered = markdown::without_listings(&markdown::without_compile_fail(&text), labels);
        expected += markdown::count_rust_blocks(&filtered).0;
        let rel = page.strip_prefix(&markdown_dir)?;
        inputs.str(&rel.display().to_string()).str(&filtered);
        crate::files::write_if_changed(&fed.join(rel), filtered.as_bytes())?;
    }
    Ok(expected)
}

/// What went wrong with skeptic's run, naming the blocks by page and listing; None if it
/// passed.
fn failure(ctx: &Ctx, fed: &Path, out: &process::Run) -> Option<String> {
    match out.ending {
        Ending::Exited(s) if s.success() => None,
        Ending::Exited(_) => {
            // libtest ends with the failed tests' names, one a line, under "failures:".
            let failed: Vec<String> = out
                .stdout
                .rsplit_once("\nfailures:\n")
                .map(|(_, names)| {
                    names
                        .lines()
                        .map(str::trim)
                        .take_while(|l| !l.is_empty())
                        .map(|name| name_block(ctx, fed, name))
                        .collect()
                })
                .unwrap_or_default();
            Some(format!(
                "skeptic: {} block(s) failed: {}\n{}",
                failed.len(),
                failed.join("; "),
                out.stdout
                    .split_once("\nfailures:\n")
                    .map_or(out.stdout.as_str(), |(_, f)| f)
                    .lines()
                    .take(40)
                    .collect::<Vec<_>>()
                    .join("\n")
            ))
        }
        Ending::TimedOut(_) | Ending::Stopped => {
            let stuck: Vec<String> = out
                .stdout
                .lines()
                .filter(|l| process::libtest_stuck(l))
                .filter_map(|l| l.strip_prefix("test ")?.split(' ').next())
                .map(|name| name_block(ctx, fed, name))
                .collect();
            Some(format!(
                "skeptic {}; blocks still running: {}",
                out.describe_ending(),
                if stuck.is_empty() {
                    "unknown".to_string()
                } else {
                    stuck.join("; ")
                }
            ))
        }
    }
}

/// skeptic names a test after its page and line (`book_ch01_x_05_y_sect_…_line_42`): the
/// page and the listing shown there.
fn name_block(ctx: &Ctx, fed: &Path, test: &str) -> String {
    let line: Option<usize> = test.rsplit("_line_").next().and_then(|n| n.parse().ok());
    let pages: Vec<PathBuf> = walk(fed, "md").unwrap_or_default();
    for page in pages {
        let rel = page
            .strip_prefix(fed)
            .unwrap_or(&page)
            .display()
            .to_string();
        let flat: String = rel
            .trim_end_matches(".md")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !test.starts_with(&format!("book_{flat}_")) {
            continue;
        }
        let text = fs_err::read_to_string(&page).unwrap_or_default();
        let upto: Vec<&str> = text.lines().take(line.unwrap_or(usize::MAX)).collect();
        let listing = upto
            .iter()
            .rev()
            .find_map(|l| l.split("id=\"listing-").nth(1)?.split('"').next())
            .map(|label| format!(", Listing {label}"))
            .unwrap_or_default();
        return format!(
            "{} line {}{listing} ({test})",
            ctx.page(&rel),
            line.unwrap_or(0)
        );
    }
    test.to_string()
}

fn passed_count(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn passed_counts_add_up() {
        let out = "test result: ok. 3 passed; 0 failed\nx\ntest result: ok. 2 passed; 0 failed\n";
        assert_eq!(passed_count(out), 5);
    }
}
