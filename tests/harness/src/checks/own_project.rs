//! A reader's own project, made from the page alone: for a sample of listings, a fresh
//! `cargo new`, the `cargo add` lines shown under the listing (with `--offline`, so cargo
//! picks what its local cache holds), the shown file as the copy button gives it, then a
//! build and a run compared with the page's output exactly as the outputs step compares it.
//!
//! The sample: the first listing of each kind that runs (runs, panics, exits-early,
//! leaks) and the first that uses tokio; with `--listing`, the selected ones that run.
//! The projects live outside the repository, in the system's temporary folder: `cargo new`
//! inside the book's workspace would add itself to the workspace's members (it edits the
//! root Cargo.toml), which no reader's project has. They share one target directory,
//! `target/own-project`, so tokio compiles once.

use super::{Problems, Run};
use crate::cache::{self, Hasher, Passed};
use crate::context::Ctx;
use crate::declaration::{Kind, Listing};
use crate::fold;
use crate::mdbook::walk;
use crate::process::{self, Ending};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the page shows for one listing: its code block and the dependency lines under it.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    /// The file, read back from the code block as the copy button gives it.
    code: String,
    /// `cargo add …` lines, without the `$ ` prompt.
    commands: Vec<String>,
    /// TOML to paste into Cargo.toml (the loom sections), if any.
    toml: String,
}

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let sample = sample(run);
    let pages: Vec<(PathBuf, String)> = walk(&ctx.markdown(), "md")?
        .into_iter()
        .map(|p| fs_err::read_to_string(&p).map(|t| (p, t)))
        .collect::<Result<_, _>>()?;
    let projects = std::env::temp_dir().join("goroutines-in-rust-own-project");
    let target = ctx.target().join("own-project");
    let book_lock = locked_versions(&fs_err::read_to_string(ctx.root.join("Cargo.lock"))?)?;
    let mut passed = Passed::load(ctx, "own-project", !run.options.no_cache);
    let mut problems = Vec::new();
    for l in sample {
        if let Some(first) = run.hung(&l.package) {
            problems.push(format!(
                "{}: not built as an own project: it hung earlier in this run ({first})",
                l.manifest.display()
            ));
            continue;
        }
        let anchor = format!("id=\"listing-{}\"", l.label());
        let Some((page, text)) = pages.iter().find(|(_, t)| t.contains(&anchor)) else {
            problems.push(format!(
                "{}: no page of the book shows it",
                l.manifest.display()
            ));
            continue;
        };
        let page = ctx.rel(page);
        let shown = match shown(text, &l.label()) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{page}: Listing {}: {e:#}", l.label()));
                continue;
            }
        };
        let file = fs_err::read_to_string(&l.show)?;
        if shown.code != file {
            problems.push(format!(
                "{page}: the code block of Listing {} is not {} (what a reader copies differs from the listing):\n{}",
                l.label(),
                ctx.rel(&l.show),
                crate::diff::lines(&file, &shown.code)
            ));
            continue;
        }
        let mut inputs = Hasher::default();
        inputs
            .str(&shown.code)
            .str(&shown.commands.join("\n"))
            .str(&shown.toml)
            .file(&ctx.root, &l.output_file())
            .file(&ctx.root, &ctx.root.join("Cargo.lock"));
        let key = cache::key(&format!("own project {}", l.id), &inputs);
        if passed.hit(&key) {
            continue;
        }
        let found = build_and_run(ctx, l, &shown, &projects, &target, &book_lock)?;
        if found.is_empty() {
            passed.pass(key)?;
        }
        problems.extend(found);
    }
    passed.save(run.options.is_full())?;
    Ok(problems)
}

/// The listings to build as a reader would.
fn sample<'a>(run: &Run<'a>) -> Vec<&'a Listing> {
    let runs_alone = |l: &&Listing| {
        l.kind().checks_stdout()
            && l.show.ends_with("src/main.rs")
            && l.dependencies.iter().all(|d| !d.starts_with("ch"))
    };
    if !run.options.listing.is_empty() {
        return run.selected.iter().copied().filter(runs_alone).collect();
    }
    let mut picked: Vec<&Listing> = Vec::new();
    for kind in [Kind::Runs, Kind::Panics, Kind::ExitsEarly, Kind::Leaks] {
        picked.extend(run.all.iter().filter(runs_alone).find(|l| l.kind() == kind));
    }
    let tokio = run
        .all
        .iter()
        .filter(runs_alone)
        .find(|l| l.dependencies.iter().any(|d| d == "tokio"));
    picked.extend(tokio);
    let mut seen = BTreeSet::new();
    picked.retain(|l| seen.insert(l.id.clone()));
    picked
}

/// Reads Listing `label` back from a page of mdBook's expanded Markdown.
fn shown(page: &str, label: &str) -> Result<Shown> {
    let open = format!("id=\"listing-{label}\"");
    let start = page.find(&open).context("the listing is not on the page")?;
    let tag_end = start + page[start..].find('>').context("unclosed listing tag")?;
    let tag = &page[start..tag_end];
    let added = |attr: &str| -> Result<usize> {
        let needle = format!("{attr}=\"");
        let at = tag
            .find(&needle)
            .with_context(|| format!("the listing has no {attr}"))?
            + needle.len();
        let value: String = tag[at..].chars().take_while(char::is_ascii_digit).collect();
        Ok(value.parse()?)
    };
    let (before, after) = (added("data-added-before")?, added("data-added-after")?);
    let rest = &page[tag_end..];
    let (body, rest) = fenced(rest, "rust").context("no Rust code block in the listing")?;
    let unhidden = fold::unhide(&body);
    let lines: Vec<&str> = unhidden.lines().collect();
    if lines.len() < before + after {
        bail!("the code block is shorter than the lines the book adds to it");
    }
    let mut code: String = lines[before..lines.len() - after]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    if code.is_empty() {
        code.push('\n');
    }
    let deps_at = rest
        .find("<div class=\"listing-deps\">")
        .context("no dependencies under the listing")?;
    let deps = &rest[deps_at..];
    let deps = &deps[..deps.find("</div>").context("unclosed dependencies")?];
    let commands = match fenced(deps, "console") {
        Some((block, _)) => block
            .lines()
            .map(|l| l.strip_prefix("$ ").unwrap_or(l).to_string())
            .collect(),
        None => vec![],
    };
    let toml = fenced(deps, "toml").map(|(b, _)| b).unwrap_or_default();
    Ok(Shown {
        code,
        commands,
        toml,
    })
}

/// The body of the first fenced block whose info string starts with `lang`, and the text
/// after it.
fn fenced<'a>(text: &'a str, lang: &str) -> Option<(String, &'a str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        let ticks = t.chars().take_while(|c| *c == '`').count();
        if ticks >= 3 && t[ticks..].starts_with(lang) {
            let fence = &t[..ticks];
            let body_start = offset + line.len();
            let mut body = String::new();
            let mut at = body_start;
            for l in text[body_start..].split_inclusive('\n') {
                at += l.len();
                if l.trim_end() == fence {
                    return Some((body, &text[at..]));
                }
                body.push_str(l);
            }
            return None;
        }
        offset += line.len();
    }
    None
}

/// A word of a shown command: `'cfg(unix)'` is typed with its quotes, which the shell strips.
fn words(command: &str) -> Vec<String> {
    command
        .split_whitespace()
        .map(|w| w.trim_matches('\'').to_string())
        .collect()
}

fn build_and_run(
    ctx: &Ctx,
    l: &Listing,
    shown: &Shown,
    projects: &Path,
    target: &Path,
    book_lock: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Problems> {
    let name = &l.package;
    let dir = projects.join(name);
    if dir.exists() {
        fs_err::remove_dir_all(&dir)?;
    }
    fs_err::create_dir_all(projects)?;
    let who = format!("{} (own project {})", l.manifest.display(), dir.display());
    if let Some(problem) = new_project(l, shown, projects, &dir, &who)? {
        return Ok(vec![problem]);
    }
    if !shown.toml.is_empty() {
        let mut manifest = fs_err::read_to_string(dir.join("Cargo.toml"))?;
        manifest.push('\n');
        manifest.push_str(&shown.toml);
        fs_err::write(dir.join("Cargo.toml"), manifest)?;
    }
    fs_err::write(dir.join("src/main.rs"), &shown.code)?;
    let mut build = process::cargo();
    build
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--offline", "--quiet"]);
    let out = process::run(&mut build, crate::cargo::BUILD_LIMIT)?;
    if !matches!(out.ending, Ending::Exited(s) if s.success()) {
        return Ok(vec![format!(
            "{who}: `cargo build` {}:\n{}",
            out.describe_ending(),
            crate::cargo::tail(&out.stderr, 30)
        )]);
    }
    compare_versions(&dir, book_lock)?;
    let exe = target
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let (found, _) = crate::run_program::run_and_judge(ctx, l, &exe)?;
    Ok(found
        .into_iter()
        .map(|m| format!("own project {}: {}", dir.display(), m.report))
        .collect())
}

/// `cargo new` and the page's `cargo add` lines, run as a reader runs them; the problem, if
/// one is not a `cargo add` line or fails.
fn new_project(
    l: &Listing,
    shown: &Shown,
    projects: &Path,
    dir: &Path,
    who: &str,
) -> Result<Option<String>> {
    let name = &l.package;
    let mut steps: Vec<(String, std::process::Command)> = Vec::new();
    let mut new = process::cargo();
    new.current_dir(projects)
        .args(["new", "--vcs", "none", "--bin", name]);
    steps.push((format!("cargo new --vcs none {name}"), new));
    for c in &shown.commands {
        let w = words(c);
        if w.len() < 3 || w[0] != "cargo" || w[1] != "add" {
            return Ok(Some(format!(
                "{who}: the page shows `{c}`, not a `cargo add` line"
            )));
        }
        let mut add = process::cargo();
        add.current_dir(dir).args(&w[1..]).arg("--offline");
        steps.push((format!("{c} --offline"), add));
    }
    say!("  own project {name}: {}", dir.display());
    for (shown_as, mut cmd) in steps {
        let out = process::run(&mut cmd, crate::cargo::BUILD_LIMIT)?;
        if !out.success() {
            return Ok(Some(format!(
                "{who}: `{shown_as}` {}:\n{}",
                out.describe_ending(),
                out.stderr
            )));
        }
    }
    Ok(None)
}

/// Notes the versions cargo chose offline that differ from the book's Cargo.lock.
fn compare_versions(dir: &Path, book_lock: &BTreeMap<String, BTreeSet<String>>) -> Result<()> {
    // Versions cargo chose offline, against the book's Cargo.lock.
    let chosen = locked_versions(&fs_err::read_to_string(dir.join("Cargo.lock"))?)?;
    let direct = direct_dependencies(&fs_err::read_to_string(dir.join("Cargo.toml"))?)?;
    for dep in direct {
        let (Some(got), Some(book)) = (chosen.get(&dep), book_lock.get(&dep)) else {
            continue;
        };
        if got.is_disjoint(book) {
            say!(
                "    {dep}: cargo add chose {} offline; the book's Cargo.lock has {}",
                join(got),
                join(book)
            );
        }
    }
    Ok(())
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Package name → versions, from a Cargo.lock.
fn locked_versions(lock: &str) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let doc: toml::Table = toml::from_str(lock)?;
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in doc
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
    {
        if let (Some(n), Some(v)) = (
            p.get("name").and_then(|n| n.as_str()),
            p.get("version").and_then(|v| v.as_str()),
        ) {
            out.entry(n.to_string()).or_default().insert(v.to_string());
        }
    }
    Ok(out)
}

fn direct_dependencies(manifest: &str) -> Result<BTreeSet<String>> {
    let doc: toml::Table = toml::from_str(manifest)?;
    Ok(["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|s| doc.get(*s).and_then(|d| d.as_table()))
        .flat_map(|t| t.keys().cloned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Text.\n\n<div class=\"listing kind-runs\" id=\"listing-1-3\" data-added-before=\"1\" data-added-after=\"0\">\n\nCaption\n\n```rust\n# extern crate tokio;\n// Shows: x\nfn main() {}\n#\n# #[cfg(test)]\n# mod tests {}\n```\n\n<p class=\"listing-meta\">…</p>\n\n<div class=\"listing-deps\">\n\n<p>…</p>\n\n```console\n$ cargo add tokio --features full\n$ cargo add --dev --target 'cfg(unix)' nix@0.32\n```\n\n</div>\n\n```console\n$ cargo run\nhello\n```\n</div>\n";

    #[test]
    fn the_page_gives_back_the_file_and_the_commands() {
        let s = shown(PAGE, "1-3").unwrap();
        assert_eq!(
            s.code,
            "// Shows: x\nfn main() {}\n\n#[cfg(test)]\nmod tests {}\n"
        );
        assert_eq!(
            s.commands,
            [
                "cargo add tokio --features full",
                "cargo add --dev --target 'cfg(unix)' nix@0.32"
            ]
        );
        assert_eq!(s.toml, "");
        assert_eq!(
            words(&s.commands[1]),
            ["cargo", "add", "--dev", "--target", "cfg(unix)", "nix@0.32"]
        );
        assert!(shown(PAGE, "1-4").is_err());
        let no_deps = PAGE.replace("<div class=\"listing-deps\">", "<div class=\"other\">");
        assert!(shown(&no_deps, "1-3").is_err());
    }

    #[test]
    fn lock_files_are_read_by_name() {
        let lock = "version = 4\n[[package]]\nname = \"tokio\"\nversion = \"1.54.1\"\n[[package]]\nname = \"tokio\"\nversion = \"1.40.0\"\n";
        let v = locked_versions(lock).unwrap();
        assert_eq!(join(&v["tokio"]), "1.40.0, 1.54.1");
    }
}
