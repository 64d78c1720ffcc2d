//! `cargo xtask test`: every claim the book makes about a listing, checked.
//!
//! Each step prints what it runs; every failure names the file at fault and the claim
//! that no longer holds. Steps that don't depend on a failed one still run, so one run
//! shows every problem.

use crate::book::{self, PassedChecks};
use crate::listing::{self, Kind, Listing, StdoutMode};
use crate::process::{self, capture, cargo, write_if_changed};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the listings' own tests may take, all together, before the check calls them hung.
const TEST_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// How long a listing binary may run before the check calls it hung.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

type Problems = Vec<String>;

pub fn run_all(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut failed: Vec<(String, Problems)> = Vec::new();
    let mut not_run: Vec<(String, String)> = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<Problems>| -> bool {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        let problems = match f() {
            Ok(p) => p,
            Err(e) => match e.downcast_ref::<crate::NotRun>() {
                Some(crate::NotRun(why)) => {
                    eprintln!("<== {name}: NOT RUN: {why}");
                    not_run.push((name.to_string(), why.clone()));
                    return false;
                }
                None => vec![format!("{e:#}")],
            },
        };
        let ok = problems.is_empty();
        eprintln!(
            "<== {name}: {} in {:.1} s",
            if ok { "ok" } else { "FAILED" },
            t.elapsed().as_secs_f64()
        );
        for p in &problems {
            eprintln!("  ✗ {p}");
        }
        if !ok {
            failed.push((name.to_string(), problems));
        }
        ok
    };

    let mut listings = Vec::new();
    let declarations_ok = step("listing declarations and chapter references", &mut || {
        listings = listing::load_all(root)?;
        let mut p = check_workspace_exclude(root, &listings)?;
        p.extend(check_chapter_references(root, &listings)?);
        p.extend(check_doctest_dependencies(root, &listings)?);
        Ok(p)
    });
    if !declarations_ok {
        return summary(started, failed, &not_run);
    }
    step("cargo fmt --check", &mut || check_fmt(root, &listings));
    step("cargo clippy --all-targets -D warnings", &mut || {
        let ok = process::status(cargo().current_dir(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]))?;
        Ok(if ok {
            vec![]
        } else {
            vec!["clippy reported problems (above)".into()]
        })
    });
    step("listings run as declared", &mut || {
        check_outputs(root, &listings)
    });
    step(
        "cargo test (listing tests, exercise solutions, harness)",
        &mut || {
            let ok = process::status_within(
                cargo().current_dir(root).args([
                    "test",
                    "--workspace",
                    "--exclude",
                    "book-doctest",
                    "--quiet",
                ]),
                TEST_TIMEOUT,
            )?;
            if !ok {
                return Ok(vec!["cargo test failed (above)".into()]);
            }
            check_proofs_exist(root, &listings)
        },
    );
    step(
        "each listing builds copied out of the workspace; compile-fail error codes",
        &mut || check_copied_out(root, &listings),
    );
    step("loom models", &mut || check_loom(root, &listings));
    step(
        "the Go side: every Go snippet formatted, vetted, built; Go bugs measured",
        &mut || crate::go::check(root),
    );
    let book_ok = step(
        "mdbook build (no warnings, no raw directives, no broken links)",
        &mut || {
            let mut p = book::build(root)?;
            if p.is_empty() {
                p.extend(check_index_of_listings(root, &listings)?);
            }
            Ok(p)
        },
    );
    if book_ok {
        step(
            "the book in a browser (no raw directives or console errors; badges, admonitions, search)",
            &mut || crate::browser::check(root, &target_dir(root), &listings),
        );
        step(
            "skeptic: the book's Rust blocks under cargo test",
            &mut || check_skeptic(root),
        );
        step("mdbook test", &mut || check_mdbook_test(root));
    }
    summary(started, failed, &not_run)
}

fn summary(
    started: Instant,
    failed: Vec<(String, Problems)>,
    not_run: &[(String, String)],
) -> Result<()> {
    let secs = started.elapsed().as_secs_f64();
    for (name, why) in not_run {
        eprintln!("\n!!! NOT RUN: {name}: {why}");
        eprintln!("!!! nothing this step checks was checked on this machine");
    }
    if failed.is_empty() {
        eprintln!("\nall checks passed in {secs:.1} s");
        return Ok(());
    }
    eprintln!("\n{} step(s) failed after {secs:.1} s:", failed.len());
    for (name, problems) in &failed {
        eprintln!("- {name}");
        for p in problems {
            eprintln!("    {}", p.replace('\n', "\n    "));
        }
    }
    bail!("the book's checks failed")
}

/// The root manifest must exclude exactly the compile-fail listings.
fn check_workspace_exclude(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let text = fs::read_to_string(root.join("Cargo.toml"))?;
    let doc: toml::Table = toml::from_str(&text)?;
    let excluded: BTreeSet<String> = doc
        .get("workspace")
        .and_then(|w| w.get("exclude"))
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let wanted = listing::compile_fail_paths(listings);
    let mut p = Vec::new();
    for missing in wanted.difference(&excluded) {
        p.push(format!(
            "Cargo.toml: [workspace] exclude must list \"{missing}\" ({missing}/Cargo.toml declares kind = \"compile-fail\", so it must stay out of `cargo build`)"
        ));
    }
    for extra in excluded.difference(&wanted) {
        p.push(format!(
            "Cargo.toml: [workspace] exclude lists \"{extra}\", which is not a compile-fail listing; remove it so the workspace builds and lints it"
        ));
    }
    Ok(p)
}

/// Chapter pages in SUMMARY.md order.
fn summary_pages(root: &Path) -> Result<Vec<String>> {
    let text = fs::read_to_string(root.join("src/SUMMARY.md"))?;
    let mut pages = Vec::new();
    for line in text.lines() {
        if let Some(start) = line.find("](") {
            let rest = &line[start + 2..];
            if let Some(end) = rest.find(')') {
                pages.push(rest[..end].to_string());
            }
        }
    }
    Ok(pages)
}

/// Every listing used exactly once, from a page of its own chapter, in numbering order;
/// every directive names a listing; no page outside SUMMARY.md.
fn check_chapter_references(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let mut p = Vec::new();
    let by_id: HashMap<&str, &Listing> = listings.iter().map(|l| (l.id.as_str(), l)).collect();
    let pages = summary_pages(root)?;
    let mut uses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut order: BTreeMap<&str, Vec<(u32, String)>> = BTreeMap::new();
    for page in &pages {
        let file = root.join("src").join(page);
        let Ok(text) = fs::read_to_string(&file) else {
            p.push(format!(
                "src/SUMMARY.md: lists {page}, which does not exist"
            ));
            continue;
        };
        for (line, id) in listing::directives(&text) {
            let at = format!("src/{page}:{line}");
            let Some(l) = by_id.get(id.as_str()) else {
                p.push(format!(
                    "{at}: {{{{#listing {id}}}}} names no listing (no listings/{id}/Cargo.toml)"
                ));
                continue;
            };
            let page_chapter = page.split('/').next().unwrap_or("");
            if page_chapter != l.chapter_dir {
                p.push(format!(
                    "{at}: listing {id} belongs to chapter {}, not {page_chapter}",
                    l.chapter_dir
                ));
            }
            uses.entry(&l.id).or_default().push(at.clone());
            order
                .entry(&l.chapter_dir)
                .or_default()
                .push((l.number, at));
        }
    }
    for md in book::walk(&root.join("src"), "md")? {
        let rel = md.strip_prefix(root.join("src"))?.display().to_string();
        if rel != "SUMMARY.md" && !pages.contains(&rel) {
            p.push(format!(
                "src/{rel}: not in src/SUMMARY.md, so no reader can reach it"
            ));
        }
    }
    for l in listings {
        match uses.get(l.id.as_str()).map(Vec::as_slice) {
            None | Some([]) => p.push(format!(
                "{}: listing is not used by any chapter (add {{{{#listing {}}}}} to a page of src/{}/, or delete it)",
                l.manifest.display(),
                l.id,
                l.chapter_dir
            )),
            Some([_]) => {}
            Some(many) => p.push(format!("{}: listing is included more than once: {}", l.manifest.display(), many.join(", "))),
        }
    }
    for (chapter, seen) in order {
        for (i, (number, at)) in seen.iter().enumerate() {
            let expected = i as u32 + 1;
            if *number != expected {
                p.push(format!(
                    "{at}: listing {number:02} of {chapter} is the {expected}th listing a reader meets; number listings in reading order (SUMMARY.md page order)"
                ));
                break;
            }
        }
    }
    Ok(p)
}

/// The book must have exactly one index of listings (`{{#index-of-listings}}`), and the
/// rendered index must link every listing.
fn check_index_of_listings(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let pages: Vec<String> = summary_pages(root)?
        .into_iter()
        .filter(|page| {
            fs::read_to_string(root.join("src").join(page))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "{{#index-of-listings}}"))
        })
        .collect();
    let [page] = pages.as_slice() else {
        return Ok(vec![format!(
            "src/SUMMARY.md: the book needs exactly one page with {{{{#index-of-listings}}}}, found {pages:?}"
        )]);
    };
    let html = root.join("book/html").join(page.replace(".md", ".html"));
    let text = fs::read_to_string(&html)?;
    Ok(listings
        .iter()
        .filter(|l| !text.contains(&format!("#listing-{}\"", l.label())))
        .map(|l| {
            format!(
                "{}: the index of listings does not link {}",
                crate::rel(&html),
                l.id
            )
        })
        .collect())
}

/// tests/doctest must provide every crate a listing uses, or the book's doctests can't
/// compile it.
fn check_doctest_dependencies(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let manifest = root.join("tests/doctest/Cargo.toml");
    let doc: toml::Table = toml::from_str(&fs::read_to_string(&manifest)?)?;
    let have: BTreeSet<String> = doc
        .get("dev-dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().map(|k| k.replace('-', "_")).collect())
        .unwrap_or_default();
    let mut p = Vec::new();
    for l in listings {
        for dep in &l.dependencies {
            if !have.contains(dep) {
                p.push(format!(
                    "tests/doctest/Cargo.toml: [dev-dependencies] lacks `{dep}`, which {} uses; the book's doctests need it",
                    l.manifest.display()
                ));
            }
        }
    }
    Ok(p)
}

fn check_fmt(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let mut p = Vec::new();
    if !process::status(cargo().current_dir(root).args(["fmt", "--all", "--check"]))? {
        p.push("cargo fmt --check: the files above need `cargo fmt`".into());
    }
    // compile-fail listings are outside the workspace, so `cargo fmt --all` skips them.
    for l in listings.iter().filter(|l| l.kind == Kind::CompileFail) {
        let files = book::walk(&l.dir.join("src"), "rs")?;
        let mut cmd = std::process::Command::new("rustfmt");
        cmd.args(["--check", "--edition", "2024"]).args(&files);
        if !process::status(&mut cmd)? {
            p.push(format!(
                "{}: needs rustfmt (rustfmt --edition 2024 {})",
                l.manifest.display(),
                l.rel_dir()
            ));
        }
    }
    Ok(p)
}

/// Builds the workspace's binaries and runs each listing whose kind makes a claim about
/// running it.
fn check_outputs(root: &Path, listings: &[Listing]) -> Result<Problems> {
    if !process::status(cargo().current_dir(root).args([
        "build",
        "--workspace",
        "--bins",
        "--quiet",
    ]))? {
        return Ok(vec!["cargo build --workspace failed (above)".into()]);
    }
    let bin_dir = target_dir(root).join("debug");
    let mut p = Vec::new();
    for l in listings {
        let exe = bin_dir.join(&l.package);
        match l.kind {
            k if k.checks_stdout() => p.extend(check_run(l, &exe)?),
            Kind::Bench => p.extend(check_bench(l, &exe)?),
            _ => {}
        }
    }
    Ok(p)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn check_run(l: &Listing, exe: &Path) -> Result<Problems> {
    let t = Instant::now();
    let Some(out) = capture(
        std::process::Command::new(exe).current_dir(&l.dir),
        RUN_TIMEOUT,
    )?
    else {
        return Ok(vec![format!(
            "{}: did not finish within {} s",
            crate::rel(&l.show),
            RUN_TIMEOUT.as_secs()
        )]);
    };
    let took = t.elapsed();
    let mut p = Vec::new();
    let who = crate::rel(&l.show);
    match l.kind {
        Kind::Panics => {
            if out.status.code() != Some(101) {
                p.push(format!(
                    "{who}: declared kind `panics`, but it exited with {} (a panic exits with 101)",
                    out.status
                ));
            }
            let msg = l.panic.as_deref().unwrap_or_default();
            if !out.stderr.contains("panicked at") || !out.stderr.contains(msg) {
                p.push(format!(
                    "{who}: should panic with \"{msg}\", but stderr was:\n{}",
                    out.stderr
                ));
            }
        }
        _ if !out.status.success() => {
            p.push(format!(
                "{who}: declared kind `{}`, so it must exit 0, but it exited with {}:\n{}",
                l.kind.name(),
                out.status,
                out.stderr
            ));
        }
        _ => {}
    }
    let expected = fs::read_to_string(l.output_file())?;
    let (want, got) = match l.stdout {
        StdoutMode::Exact => (expected.clone(), out.stdout.clone()),
        StdoutMode::Sorted => (sorted_lines(&expected), sorted_lines(&out.stdout)),
    };
    if want != got {
        p.push(format!(
            "{}: the book shows this output, but the listing printed something else{}:\n{}",
            crate::rel(&l.output_file()),
            if l.stdout == StdoutMode::Sorted {
                " (compared as sorted lines)"
            } else {
                ""
            },
            diff(&want, &got)
        ));
    }
    if took > Duration::from_secs(10) {
        eprintln!(
            "  note: {} took {:.1} s to run",
            l.package,
            took.as_secs_f64()
        );
    }
    Ok(p)
}

/// `cargo test` passed; make sure the tests each listing names as its proof are among the
/// tests that ran (a renamed or deleted proof must not pass silently).
fn check_proofs_exist(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let mut p = Vec::new();
    for l in listings.iter().filter(|l| !l.proof.is_empty()) {
        let mut cmd = cargo();
        cmd.current_dir(root)
            .args(["test", "--quiet", "-p", &l.package, "--", "--list"]);
        let Some(out) = capture(&mut cmd, Duration::from_secs(600))? else {
            p.push(format!("{}: listing its tests hung", l.manifest.display()));
            continue;
        };
        let listed: BTreeSet<&str> = out
            .stdout
            .lines()
            .filter_map(|t| t.strip_suffix(": test"))
            .collect();
        for name in &l.proof {
            if !listed.contains(name.as_str()) {
                p.push(format!(
                    "{}: proof `{name}` is not a test of {} (its tests: {listed:?})",
                    l.manifest.display(),
                    l.package
                ));
            }
        }
    }
    Ok(p)
}

fn sorted_lines(s: &str) -> String {
    let mut lines: Vec<&str> = s.lines().collect();
    lines.sort_unstable();
    lines.join("\n")
}

/// A short line diff: enough to see what changed.
fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    for i in 0..w.len().max(g.len()) {
        match (w.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => out.push_str(&format!("    {a}\n")),
            (a, b) => {
                if let Some(a) = a {
                    out.push_str(&format!("  - {a}\n"));
                }
                if let Some(b) = b {
                    out.push_str(&format!("  + {b}\n"));
                }
            }
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        out.push_str("  (the final newline differs)\n");
    }
    out.push_str("  (- shown in the book, + printed by the listing)");
    out
}

/// A quick run of a benchmark must measure the same rows as the committed results.
fn check_bench(l: &Listing, exe: &Path) -> Result<Problems> {
    let who = crate::rel(&l.show);
    let Some(out) = capture(
        std::process::Command::new(exe).env("BENCH_QUICK", "1"),
        RUN_TIMEOUT,
    )?
    else {
        return Ok(vec![format!(
            "{who}: BENCH_QUICK=1 run did not finish within {} s",
            RUN_TIMEOUT.as_secs()
        )]);
    };
    if !out.status.success() {
        return Ok(vec![format!(
            "{who}: BENCH_QUICK=1 run failed ({}):\n{}",
            out.status, out.stderr
        )]);
    }
    let results_file = l.results.as_ref().expect("bench has results");
    let committed = table_rows(&fs::read_to_string(results_file)?);
    let measured = table_rows(&out.stdout);
    if measured.is_empty() {
        return Ok(vec![format!(
            "{who}: the quick run printed no Markdown table"
        )]);
    }
    if committed != measured {
        return Ok(vec![format!(
            "{}: its table rows {committed:?} are not the rows the benchmark measures now {measured:?}; re-run `{}` and commit the results",
            crate::rel(results_file),
            l.run_command()
        )]);
    }
    Ok(vec![])
}

/// First cells of a Markdown table's body rows.
fn table_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .skip(1) // header
        .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .map(|l| {
            l.trim()
                .trim_start_matches('|')
                .split('|')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect()
}

/// Copies every listing out of the workspace (its manifest made a workspace of its own)
/// and checks it there: an ordinary listing must build with only what its Cargo.toml
/// says; a compile-fail listing must fail with exactly its declared errors.
fn check_copied_out(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let out_root = target_dir(root).join("copied-out");
    let shared_target = target_dir(root).join("copied-out-target");
    let lock = fs::read(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut p = Vec::new();
    for l in listings {
        // The chapter's layout is kept, so a `../NN-name` dependency on a sibling listing
        // resolves to that listing's own copy.
        let dest = out_root
            .join(&l.chapter_dir)
            .join(l.dir.file_name().unwrap_or_default());
        copy_listing(&l.dir, &dest)?;
        let mut manifest = fs::read(l.dir.join("Cargo.toml"))?;
        manifest.extend_from_slice(b"\n# Added by the copy-out check: this folder is a workspace of its own.\n[workspace]\n");
        write_if_changed(&dest.join("Cargo.toml"), &manifest)?;
        if !dest.join("Cargo.lock").exists() {
            // Start from the book's versions, so the copy builds what the book tested.
            write_if_changed(&dest.join("Cargo.lock"), &lock)?;
        }
        let mut cmd = cargo();
        cmd.current_dir(&dest)
            .args(["check", "--quiet", "--message-format=json", "--target-dir"])
            .arg(&shared_target);
        if l.kind != Kind::CompileFail {
            cmd.arg("--all-targets");
        }
        let Some(out) = capture(&mut cmd, Duration::from_secs(900))? else {
            p.push(format!("{}: cargo check hung", l.manifest.display()));
            continue;
        };
        let errors = compiler_errors(&out.stdout);
        if l.kind == Kind::CompileFail {
            p.extend(check_compile_errors(l, &out, &errors)?);
        } else if !out.status.success() {
            let rendered: Vec<&str> = errors.iter().map(|e| e.rendered.as_str()).collect();
            p.push(format!(
                "{}: does not build when copied out of the workspace (to {}):\n{}{}",
                l.manifest.display(),
                crate::rel(&dest),
                rendered.join(""),
                out.stderr
            ));
        }
    }
    Ok(p)
}

struct CompilerError {
    code: Option<String>,
    message: String,
    rendered: String,
}

fn compiler_errors(json_lines: &str) -> Vec<CompilerError> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-message" && v["message"]["level"] == "error")
        .map(|v| CompilerError {
            code: v["message"]["code"]["code"].as_str().map(str::to_string),
            message: v["message"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            rendered: v["message"]["rendered"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        })
        .filter(|e| !e.message.starts_with("aborting due to"))
        .collect()
}

fn check_compile_errors(
    l: &Listing,
    out: &process::Output,
    errors: &[CompilerError],
) -> Result<Problems> {
    let who = l.manifest.display();
    if out.status.success() {
        return Ok(vec![format!(
            "{who}: declared compile-fail with {:?}, but it compiles",
            l.errors
        )]);
    }
    if errors.is_empty() {
        return Ok(vec![format!(
            "{who}: cargo failed before rustc reported anything:\n{}",
            out.stderr
        )]);
    }
    let mut p = Vec::new();
    let got_codes: BTreeSet<&str> = errors.iter().filter_map(|e| e.code.as_deref()).collect();
    let want_codes: BTreeSet<&str> = l
        .errors
        .iter()
        .map(String::as_str)
        .filter(|e| listing::is_error_code(e))
        .collect();
    if got_codes != want_codes {
        p.push(format!(
            "{who}: declared errors {want_codes:?}, but rustc reported {got_codes:?}"
        ));
    }
    let want_messages: Vec<&str> = l
        .errors
        .iter()
        .map(String::as_str)
        .filter(|e| !listing::is_error_code(e))
        .collect();
    for e in errors.iter().filter(|e| e.code.is_none()) {
        if !want_messages.iter().any(|m| e.message.contains(m)) {
            p.push(format!(
                "{who}: rustc reported an undeclared error: {}",
                e.message
            ));
        }
    }
    for m in &want_messages {
        if !errors
            .iter()
            .any(|e| e.code.is_none() && e.message.contains(m))
        {
            p.push(format!(
                "{who}: declared the error \"{m}\", but rustc did not report it"
            ));
        }
    }
    let rendered = normalize_rustc_paths(
        &errors
            .iter()
            .map(|e| e.rendered.as_str())
            .collect::<String>(),
    );
    let shown = fs::read_to_string(l.output_file())?;
    if shown.trim_end() != rendered.trim_end() {
        p.push(format!(
            "{}: the book shows these compiler errors, but rustc now says something else:\n{}",
            crate::rel(&l.output_file()),
            diff(shown.trim_end(), rendered.trim_end())
        ));
    }
    Ok(p)
}

/// rustc's notes can point into the standard library as `/rustc/<commit hash>/library/…`,
/// and into dependencies as `<cargo home>/registry/src/index.crates.io-<hash>/…`. Both
/// differ between machines and toolchains, so the book shows `/rustc/<hash>/` and
/// `$CARGO_HOME/registry/src/index.crates.io-<hash>/` instead.
fn normalize_rustc_paths(text: &str) -> String {
    let text = normalize_registry_paths(text);
    let text = text.as_str();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("/rustc/") {
        let after = &rest[pos + "/rustc/".len()..];
        let hash_len = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        out.push_str(&rest[..pos]);
        if hash_len == 40 && after[40..].starts_with('/') {
            out.push_str("/rustc/<hash>");
            rest = &after[40..];
        } else {
            out.push_str("/rustc/");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn normalize_registry_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match (
            line.find("/registry/src/index.crates.io-"),
            line.find("--> "),
        ) {
            (Some(reg), Some(arrow)) if arrow < reg => {
                let after = &line[reg + "/registry/src/index.crates.io-".len()..];
                let hash_len = after.bytes().take_while(u8::is_ascii_hexdigit).count();
                out.push_str(&line[..arrow + 4]);
                out.push_str("$CARGO_HOME/registry/src/index.crates.io-<hash>");
                out.push_str(&after[hash_len..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn copy_listing(src: &Path, dest: &Path) -> Result<()> {
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let name = entry.file_name();
        let from = entry.path();
        let to = dest.join(&name);
        if name == "target" || name == "Cargo.lock" || name == "Cargo.toml" {
            continue;
        }
        if from.is_dir() {
            copy_listing(&from, &to)?;
        } else {
            write_if_changed(&to, &fs::read(&from)?)?;
        }
    }
    Ok(())
}

/// Runs each listing's loom model in a process of its own. `loses-updates` and
/// `deadlocks` listings must fail the way they claim; every other model must pass.
fn check_loom(root: &Path, listings: &[Listing]) -> Result<Problems> {
    let with_models: Vec<&Listing> = listings.iter().filter(|l| l.loom.is_some()).collect();
    if with_models.is_empty() {
        return Ok(vec![]);
    }
    let loom_target = target_dir(root).join("loom");
    let mut cmd = cargo();
    cmd.current_dir(root)
        .env("RUSTFLAGS", "--cfg loom")
        .args([
            "test",
            "--release",
            "--no-run",
            "--message-format=json",
            "--quiet",
            "--target-dir",
        ])
        .arg(&loom_target);
    for l in &with_models {
        cmd.args(["-p", &l.package]);
    }
    eprintln!("  $ RUSTFLAGS=\"--cfg loom\" {}", process::describe(&cmd));
    let Some(build) = capture(&mut cmd, Duration::from_secs(1800))? else {
        return Ok(vec!["building the loom models hung".into()]);
    };
    if !build.status.success() {
        let rendered: String = compiler_errors(&build.stdout)
            .iter()
            .map(|e| e.rendered.clone())
            .collect();
        return Ok(vec![format!(
            "building the loom models failed:\n{rendered}{}",
            build.stderr
        )]);
    }
    // Test executables by target name (a bin target is named after its package).
    let mut exes: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for v in build
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if v["reason"] == "compiler-artifact"
            && v["profile"]["test"] == true
            && let (Some(name), Some(exe)) =
                (v["target"]["name"].as_str(), v["executable"].as_str())
        {
            exes.entry(name.to_string())
                .or_default()
                .push(PathBuf::from(exe));
        }
    }
    let mut p = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for l in with_models {
        let model = l.loom.as_deref().expect("filtered");
        let who = l.manifest.display();
        let candidates = exes.get(&l.package).cloned().unwrap_or_default();
        let mut ran = None;
        for exe in candidates {
            let t = Instant::now();
            let Some(out) = capture(
                std::process::Command::new(&exe)
                    .args(["--exact", model, "--test-threads=1"])
                    // The failure message, not a backtrace, is what the report should end with.
                    .env("RUST_BACKTRACE", "0"),
                RUN_TIMEOUT,
            )?
            else {
                p.push(format!(
                    "{who}: loom model `{model}` did not finish within {} s",
                    RUN_TIMEOUT.as_secs()
                ));
                ran = Some(());
                break;
            };
            if out.stdout.contains("running 0 tests") {
                continue;
            }
            let took = t.elapsed();
            if took > slowest.0 {
                slowest = (took, format!("{}::{model}", l.package));
            }
            ran = Some(());
            let text = out.both();
            let deadlock = text.contains("deadlock");
            match l.kind {
                Kind::LosesUpdates if out.status.success() => p.push(format!(
                    "{who}: declared loses-updates, but loom explored every interleaving of `{model}` and none lost an update"
                )),
                Kind::LosesUpdates if deadlock || !text.contains("panicked") => p.push(format!(
                    "{who}: declared loses-updates, but `{model}` failed some other way:\n{}",
                    tail(&text)
                )),
                Kind::Deadlocks if out.status.success() => p.push(format!(
                    "{who}: declared deadlocks, but loom found no deadlock in `{model}`"
                )),
                Kind::Deadlocks if !deadlock => p.push(format!(
                    "{who}: declared deadlocks, but `{model}` failed without loom reporting a deadlock:\n{}",
                    tail(&text)
                )),
                Kind::LosesUpdates | Kind::Deadlocks => {}
                _ if !out.status.success() => p.push(format!(
                    "{who}: loom found an interleaving where `{model}` fails:\n{}",
                    tail(&text)
                )),
                _ => {}
            }
            break;
        }
        if ran.is_none() {
            p.push(format!("{who}: declares loom = \"{model}\", but no test of that exact name exists under --cfg loom"));
        }
    }
    if !slowest.1.is_empty() {
        eprintln!(
            "  slowest loom model: {} in {:.2} s",
            slowest.1,
            slowest.0.as_secs_f64()
        );
    }
    Ok(p)
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(25)..].join("\n")
}

/// skeptic compiles and runs each Rust block of the expanded book (mdBook's markdown
/// output) against the real dependency graph of tests/doctest.
fn check_skeptic(root: &Path) -> Result<Problems> {
    let markdown = root.join("book/markdown");
    let (total, compile_fail) = book::count_rust_blocks(&markdown)?;
    let expected = total - compile_fail;
    // Everything the skeptic run depends on: the expanded book, the locked dependency
    // versions and the doctest crate. If they are what last passed, it would pass again.
    let mut inputs = Vec::new();
    for f in book::walk(&markdown, "md")? {
        inputs.extend(fs::read(f)?);
    }
    for f in [
        "Cargo.lock",
        "tests/doctest/Cargo.toml",
        "tests/doctest/build.rs",
    ] {
        inputs.extend(fs::read(root.join(f))?);
    }
    let key = format!("skeptic {:016x}", fnv(&inputs));
    let mut cache = PassedChecks::load(target_dir(root).join("doctest/skeptic-passed"));
    if cache.contains(&key) {
        eprintln!("  skeptic: the book's code and dependencies are unchanged since it last passed");
        return Ok(vec![]);
    }
    reset_doctest_target_on_new_dependencies(root)?;
    let mut cmd = cargo();
    cmd.current_dir(root)
        .env("BOOK_MARKDOWN_DIR", &markdown)
        .args(["test", "--package", "book-doctest", "--target-dir"])
        .arg(target_dir(root).join("doctest"));
    eprintln!(
        "  $ BOOK_MARKDOWN_DIR={} {}",
        markdown.display(),
        process::describe(&cmd)
    );
    let Some(out) = capture(&mut cmd, Duration::from_secs(1800))? else {
        return Ok(vec!["skeptic tests hung".into()]);
    };
    if !out.status.success() {
        return Ok(vec![format!(
            "skeptic tests failed:\n{}",
            tail(&out.both())
        )]);
    }
    let passed = passed_count(&out.stdout);
    if passed != expected {
        return Ok(vec![format!(
            "skeptic ran {passed} tests, but the book has {expected} Rust blocks that are not compile_fail"
        )]);
    }
    eprintln!("  skeptic: {passed} blocks passed");
    cache.insert(key)?;
    Ok(vec![])
}

/// `mdbook test` hands rustdoc the whole deps directory of target/doctest; after the
/// doctest crate's dependencies change, cargo leaves the old builds there and rustdoc stops
/// with E0464 (two candidates for one crate). So that directory is started afresh whenever
/// the dependency set changes.
fn reset_doctest_target_on_new_dependencies(root: &Path) -> Result<()> {
    let dir = target_dir(root).join("doctest");
    let mut inputs = fs::read(root.join("tests/doctest/Cargo.toml"))?;
    inputs.extend(fs::read(root.join("Cargo.lock"))?);
    let key = format!("{:016x}", fnv(&inputs));
    let stamp = dir.join("dependencies-key");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) {
        if dir.join("debug").exists() {
            eprintln!(
                "  the doctest dependencies changed: rebuilding {} from scratch",
                crate::rel(&dir)
            );
            fs::remove_dir_all(dir.join("debug"))?;
        }
        write_if_changed(&stamp, key.as_bytes())?;
    }
    Ok(())
}

fn passed_count(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

/// `mdbook test`, with rustdoc given the dependencies built for tests/doctest (in a target
/// dir of their own, so each crate has exactly one candidate). Chapters whose expanded
/// text already passed are not re-tested.
fn check_mdbook_test(root: &Path) -> Result<Problems> {
    let deps = target_dir(root).join("doctest/debug/deps");
    let path = crate::tools::ensure()?;
    let markdown = root.join("book/markdown");
    let mut cache = PassedChecks::load(target_dir(root).join("doctest/mdbook-test-passed"));
    let mut p = Vec::new();
    let mut tested = 0;
    // The libraries rustdoc links against: their file names carry cargo's hashes, so a
    // changed dependency changes this.
    let mut rlibs: Vec<String> = fs::read_dir(&deps)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".rlib"))
                .collect()
        })
        .unwrap_or_default();
    rlibs.sort();
    let libraries = fnv(rlibs.join("\n").as_bytes());
    for page in summary_pages(root)? {
        let expanded = fs::read(markdown.join(&page)).unwrap_or_default();
        let (total, _) = book::count_rust_blocks_in(&String::from_utf8_lossy(&expanded));
        if total == 0 {
            continue;
        }
        let key = format!("{page} {:016x} {libraries:016x}", fnv(&expanded));
        if cache.contains(&key) {
            continue;
        }
        let mut cmd = book::mdbook(root, &path)?;
        cmd.args(["test", "--chapter", &page, "-L"]).arg(&deps);
        eprintln!("  $ {}", process::describe(&cmd));
        let Some(out) = capture(&mut cmd, Duration::from_secs(1800))? else {
            p.push(format!("src/{page}: mdbook test hung"));
            continue;
        };
        // mdBook shows rustdoc's output only on failure, so there is nothing to count here;
        // that no block is skipped with `ignore` is checked on the expanded book.
        if !out.status.success() || out.both().contains("[ERROR") {
            p.push(format!(
                "src/{page}: mdbook test failed:\n{}",
                tail(&out.both())
            ));
        } else {
            tested += total;
            cache.insert(key)?;
        }
    }
    eprintln!(
        "  mdbook test: {tested} blocks tested; chapters unchanged since they last passed were skipped"
    );
    Ok(p)
}

/// A small, stable hash (FNV-1a) for the chapter cache.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_skip_header_and_rule() {
        let t = "| measure | a |\n|---|---|\n| spawn | 1 |\n| memory | 2 |\n";
        assert_eq!(table_rows(t), vec!["spawn", "memory"]);
    }

    #[test]
    fn rustc_commit_hashes_are_hidden() {
        let hash = "59807616e1fa2540724bfbac14d7976d7e4a3860";
        let text = format!("--> /rustc/{hash}/library/std/src/thread/scoped.rs:203:34");
        assert_eq!(
            normalize_rustc_paths(&text),
            "--> /rustc/<hash>/library/std/src/thread/scoped.rs:203:34"
        );
        assert_eq!(normalize_rustc_paths("/rustc/short/"), "/rustc/short/");
        let dep = "   --> /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.54.1/src/task/spawn.rs:176:21\n";
        assert_eq!(
            normalize_rustc_paths(dep),
            "   --> $CARGO_HOME/registry/src/index.crates.io-<hash>/tokio-1.54.1/src/task/spawn.rs:176:21\n"
        );
    }

    #[test]
    fn passed_counts_add_up() {
        let out = "test result: ok. 3 passed; 0 failed\nx\ntest result: ok. 2 passed; 0 failed\n";
        assert_eq!(passed_count(out), 5);
    }

    #[test]
    fn errors_are_read_from_json() {
        let json = r#"{"reason":"compiler-message","message":{"level":"error","code":{"code":"E0499"},"message":"cannot borrow","rendered":"error[E0499]"}}
{"reason":"compiler-message","message":{"level":"error","code":null,"message":"aborting due to 1 previous error","rendered":"x"}}"#;
        let e = compiler_errors(json);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].code.as_deref(), Some("E0499"));
    }
}
