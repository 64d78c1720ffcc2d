//! The Go side of the book: every Go snippet the pages show is a `.go` file under `go/`
//! that this step formats, vets, builds, runs where the book shows it running, and, for
//! programs the book calls buggy, runs many times to measure how often the bug shows.
//!
//! Each program lives in a directory of its own under `go/` (one Go module, `go/go.mod`,
//! `go 1.19`), beside a `claims.toml` that declares what the book claims about it:
//!
//! ```toml
//! vet = ["loop variable i captured by func literal"] # expected findings; none by default
//!
//! [run]                       # run once: stdout must equal output.txt
//! stdout = "sorted"           # or "exact" (the default)
//! exit = 2                    # the exit status (default 0)
//! stderr_contains = "panic: something went wrong"
//!
//! [trials]                    # the bug, measured: run many times, a band checked
//! runs = 200
//! bug = "printed 5 5 5 5 5"   # what "the bug showed" means, for the page
//! min_percent = 95.0          # the band (max_percent defaults to 100)
//! bug_if_stdout = "5\n5\n5\n5\n5\n"   # one process per run: this stdout is the bug;
//! # or complete = "complete.txt": one process per run, any stdout whose sorted lines
//! # differ from that file is the bug; or neither: the program runs every trial itself
//! # when given `-trials N` and prints "K of N" (the bug showed in K of them).
//! race_runs = 20              # also built with -race and run this many times (once each,
//! race_min_percent = 50.0     # no -trials): this share must report a data race
//! ```
//!
//! A measured program's `results.md` is what the page includes: the frequency, with the
//! Go version, the machine and the date. `GOROUTINES_GO_RECORD=1 cargo xtask test` rewrites
//! it from the run; every run checks that the recorded figure is inside the band too.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long one Go command (vet, build, a run, a batch of trials) may take.
const TIMEOUT: Duration = Duration::from_secs(180);

/// The environment variable that makes the step rewrite each `results.md`.
const RECORD: &str = "GOROUTINES_GO_RECORD";

/// Set by `cargo xtask test --bless`: record the measured results, as the variable does.
pub static BLESS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

type Problems = Vec<String>;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Claims {
    #[serde(default)]
    vet: Vec<String>,
    run: Option<RunClaim>,
    trials: Option<Trials>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RunClaim {
    #[serde(default)]
    stdout: StdoutMode,
    #[serde(default)]
    exit: i32,
    stderr_contains: Option<String>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum StdoutMode {
    #[default]
    Exact,
    Sorted,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Trials {
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
}

fn hundred() -> f64 {
    100.0
}

impl Trials {
    fn validate(&self) -> Result<()> {
        if self.runs == 0 {
            bail!("[trials] runs must be at least 1");
        }
        if !(0.0..=100.0).contains(&self.min_percent)
            || !(0.0..=100.0).contains(&self.max_percent)
            || self.min_percent > self.max_percent
        {
            bail!(
                "[trials] band {} %..{} % is not a range within 0..100",
                self.min_percent,
                self.max_percent
            );
        }
        if self.min_percent == 0.0 && self.max_percent == 100.0 {
            bail!("[trials] declares no band: set min_percent or max_percent");
        }
        if self.bug_if_stdout.is_some() && self.complete.is_some() {
            bail!("[trials] takes bug_if_stdout or complete, not both");
        }
        match (self.race_runs, self.race_min_percent) {
            (None, None) => {}
            (Some(n), Some(pct)) if n > 0 && pct > 0.0 && pct <= 100.0 => {}
            _ => bail!(
                "[trials] race_runs (at least 1) and race_min_percent (above 0, at most 100) go together"
            ),
        }
        Ok(())
    }

    fn in_band(&self, shown: u32, runs: u32) -> bool {
        let pct = percent(shown, runs);
        pct >= self.min_percent && pct <= self.max_percent
    }

    fn band(&self) -> String {
        match (self.min_percent > 0.0, self.max_percent < 100.0) {
            (true, true) => format!("between {} % and {} %", self.min_percent, self.max_percent),
            (true, false) => format!("at least {} %", self.min_percent),
            _ => format!("at most {} %", self.max_percent),
        }
    }
}

fn percent(shown: u32, runs: u32) -> f64 {
    if runs == 0 {
        0.0
    } else {
        100.0 * f64::from(shown) / f64::from(runs)
    }
}

/// One Go program: its directory and what the book claims about it.
struct Program {
    dir: PathBuf,
    /// Relative to `go/`, with `/`: the package path `go build` takes after `./`.
    name: String,
    claims: Claims,
}

impl Program {
    /// The file a problem names: the program's first `.go` file.
    fn file(&self, root: &Path) -> String {
        let mut files = go_files(&self.dir);
        files.sort();
        rel(root, files.first().unwrap_or(&self.dir))
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn go_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .collect()
}

/// Problems found, each naming the Go file (or page) at fault.
pub fn check(root: &Path) -> Result<Problems> {
    let mut problems = check_pages(root)?;
    let go_dir = root.join("go");
    let programs = match load_programs(&go_dir) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("{e:#}"));
            return Ok(problems);
        }
    };
    let Some(go) = crate::tools::find_or_install(&["go"], "golang-go", "the Go step")? else {
        if problems.is_empty() {
            return Err(crate::NotRun(
                "no `go` on the PATH (install Go 1.19, e.g. Debian's golang-go)".into(),
            )
            .into());
        }
        problems.push("the Go programs were not checked: no `go` on the PATH".into());
        return Ok(problems);
    };
    let tool = GoTool::new(go, &go_dir)?;
    eprintln!("  {} ({} programs)", tool.version, programs.len());
    problems.extend(tool.check_format(root)?);
    problems.extend(tool.check_vet(root, &programs)?);
    problems.extend(tool.check_build()?);
    let bin = target_dir(root).join("go");
    for p in &programs {
        problems.extend(tool.check_program(root, &bin, p)?);
    }
    Ok(problems)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Every directory under `go/` holding `.go` files, except nested modules (a directory
/// with a `go.mod` of its own, such as the benchmark's), must carry a `claims.toml`.
fn load_programs(go_dir: &Path) -> Result<Vec<Program>> {
    let mut programs = Vec::new();
    let mut stack = vec![go_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir != go_dir && dir.join("go.mod").exists() {
            continue;
        }
        let mut subdirs: Vec<PathBuf> = fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subdirs.sort();
        stack.extend(subdirs.into_iter().rev());
        if go_files(&dir).is_empty() {
            continue;
        }
        let claims_path = dir.join("claims.toml");
        let name = dir
            .strip_prefix(go_dir)
            .unwrap_or(&dir)
            .to_string_lossy()
            .replace('\\', "/");
        if !claims_path.is_file() {
            bail!(
                "go/{name} has Go files but no claims.toml saying what the book claims about them"
            );
        }
        let claims = parse_claims(&fs::read_to_string(&claims_path)?)
            .with_context(|| format!("go/{name}/claims.toml"))?;
        programs.push(Program { dir, name, claims });
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

fn parse_claims(text: &str) -> Result<Claims> {
    let claims: Claims = toml::from_str(text)?;
    if let Some(t) = &claims.trials {
        t.validate()?;
    }
    Ok(claims)
}

/// Every ```go block in `src/` is made of `{{#include}}` lines naming a file under `go/`
/// (and an anchor the file has): no Go is typed into a page.
fn check_pages(root: &Path) -> Result<Problems> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir)?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                pages.push(p);
            }
        }
    }
    pages.sort();
    for page in pages {
        let text = fs::read_to_string(&page)?;
        problems.extend(
            check_page(&text, page.parent().unwrap_or(root), &root.join("go"))
                .into_iter()
                .map(|p| format!("{}:{p}", rel(root, &page))),
        );
    }
    Ok(problems)
}

/// Problems in one page, each starting with its line number.
fn check_page(text: &str, page_dir: &Path, go_dir: &Path) -> Problems {
    let mut problems = Vec::new();
    let mut in_go: Option<usize> = None;
    let mut fence = "";
    // The block already reported as typed in, so it is reported once.
    let mut typed: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        match in_go {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let lang = info.split([',', ' ']).next().unwrap_or("");
                    if lang == "go" {
                        in_go = Some(n);
                        fence = "```";
                    }
                }
            }
            Some(start) => {
                if trimmed.starts_with(fence) {
                    in_go = None;
                    continue;
                }
                if trimmed.is_empty() {
                    continue;
                }
                match include_target(trimmed) {
                    None => {
                        if typed != Some(start) {
                            typed = Some(start);
                            problems.push(format!(
                                "{start}: this Go block has code typed into the page (line {n}); \
                                 put it in a program under go/ and {{{{#include}}}} it"
                            ));
                        }
                    }
                    Some((path, anchor)) => {
                        let file = page_dir.join(path);
                        let Ok(file) = file.canonicalize() else {
                            problems.push(format!("{n}: {path} does not exist"));
                            continue;
                        };
                        if !go_dir.canonicalize().is_ok_and(|g| file.starts_with(g)) {
                            problems.push(format!("{n}: {path} is not under go/"));
                        }
                        if let Some(anchor) = anchor {
                            let body = fs::read_to_string(&file).unwrap_or_default();
                            if !has_anchor(&body, anchor) {
                                problems.push(format!(
                                    "{n}: {path} has no `// ANCHOR: {anchor}` with its ANCHOR_END"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(start) = in_go {
        problems.push(format!("{start}: the Go block is never closed"));
    }
    problems
}

/// `{{#include path}}` or `{{#include path:anchor}}`: the path and the anchor.
fn include_target(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix("{{#include ")?.strip_suffix("}}")?.trim();
    Some(match inner.split_once(':') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (inner, None),
    })
}

fn has_anchor(body: &str, anchor: &str) -> bool {
    let named = |line: &str, key: &str| {
        line.split_once(key)
            .is_some_and(|(_, rest)| rest.trim() == anchor)
    };
    body.lines().any(|l| named(l, "ANCHOR:")) && body.lines().any(|l| named(l, "ANCHOR_END:"))
}

struct GoTool {
    go: PathBuf,
    gofmt: PathBuf,
    go_dir: PathBuf,
    /// `go version`'s answer: "go1.19.8 linux/amd64".
    version: String,
}

impl GoTool {
    fn new(go: PathBuf, go_dir: &Path) -> Result<GoTool> {
        let mut tool = GoTool {
            gofmt: PathBuf::new(),
            go,
            go_dir: go_dir.to_path_buf(),
            version: String::new(),
        };
        let version = tool.output(&["version"])?;
        tool.version = version
            .stdout
            .trim()
            .trim_start_matches("go version ")
            .to_string();
        let goroot = tool.output(&["env", "GOROOT"])?;
        tool.gofmt = Path::new(goroot.stdout.trim()).join("bin").join("gofmt");
        Ok(tool)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.go);
        // The module has no dependencies: never reach for the network.
        cmd.current_dir(&self.go_dir).env("GOPROXY", "off");
        cmd
    }

    fn output(&self, args: &[&str]) -> Result<crate::process::Output> {
        let mut cmd = self.command();
        cmd.args(args);
        run(&mut cmd)
    }

    fn check_format(&self, root: &Path) -> Result<Problems> {
        let mut cmd = Command::new(&self.gofmt);
        cmd.current_dir(&self.go_dir).arg("-l").arg(".");
        let out = run(&mut cmd)?;
        let mut p: Problems = out
            .stdout
            .lines()
            .map(|f| {
                format!(
                    "{}: not as gofmt formats it (run gofmt -w)",
                    rel(root, &self.go_dir.join(f))
                )
            })
            .collect();
        if !out.status.success() {
            p.push(format!("gofmt -l failed: {}", out.stderr.trim()));
        }
        Ok(p)
    }

    fn check_vet(&self, root: &Path, programs: &[Program]) -> Result<Problems> {
        eprintln!("  $ go vet ./...");
        let out = self.output(&["vet", "./..."])?;
        let findings = vet_findings(&out.stderr);
        let mut problems = Vec::new();
        for p in programs {
            let found = findings.get(&p.name).map(Vec::as_slice).unwrap_or(&[]);
            problems.extend(
                compare_vet(&p.claims.vet, found)
                    .into_iter()
                    .map(|m| format!("{}: {m}", p.file(root))),
            );
        }
        for (dir, lines) in &findings {
            if !programs.iter().any(|p| &p.name == dir) {
                for l in lines {
                    problems.push(format!("go vet: {l}"));
                }
            }
        }
        if !out.status.success() && findings.is_empty() {
            problems.push(format!("go vet failed: {}", out.stderr.trim()));
        }
        Ok(problems)
    }

    fn check_build(&self) -> Result<Problems> {
        eprintln!("  $ go build ./...");
        let out = self.output(&["build", "./..."])?;
        Ok(if out.status.success() {
            vec![]
        } else {
            vec![format!("go build ./... failed:\n{}", out.stderr.trim_end())]
        })
    }

    fn build(&self, p: &Program, exe: &Path, race: bool) -> Result<Option<String>> {
        let mut cmd = self.command();
        cmd.arg("build");
        if race {
            cmd.arg("-race");
        }
        cmd.arg("-o").arg(exe).arg(format!("./{}", p.name));
        let out = run(&mut cmd)?;
        Ok((!out.status.success()).then(|| out.stderr.trim_end().to_string()))
    }

    fn check_program(&self, root: &Path, bin: &Path, p: &Program) -> Result<Problems> {
        let c = &p.claims;
        if c.run.is_none() && c.trials.is_none() {
            return Ok(vec![]);
        }
        let file = p.file(root);
        let exe = bin.join(p.name.replace('/', "-"));
        if let Some(err) = self.build(p, &exe, false)? {
            return Ok(vec![format!("{file}: go build failed:\n{err}")]);
        }
        let mut problems = Vec::new();
        if let Some(claim) = &c.run {
            problems.extend(
                check_run(p, claim, &exe)?
                    .into_iter()
                    .map(|m| format!("{file}: {m}")),
            );
        }
        if let Some(t) = &c.trials {
            problems.extend(self.check_trials(root, p, t, &exe)?);
        }
        Ok(problems)
    }

    fn check_trials(&self, root: &Path, p: &Program, t: &Trials, exe: &Path) -> Result<Problems> {
        let file = p.file(root);
        let shown = match measure(p, t, exe)? {
            Ok(k) => k,
            Err(msg) => return Ok(vec![format!("{file}: {msg}")]),
        };
        eprintln!(
            "  {}: {} in {shown} of {} runs ({:.1} %)",
            p.name,
            t.bug,
            t.runs,
            percent(shown, t.runs)
        );
        let race = match (t.race_runs, t.race_min_percent) {
            (Some(n), Some(min)) => match self.measure_race(p, n)? {
                Ok(k) => {
                    eprintln!(
                        "  {}: -race reported the data race in {k} of {n} runs",
                        p.name
                    );
                    Some((k, n, min))
                }
                Err(msg) => return Ok(vec![format!("{file}: {msg}")]),
            },
            _ => None,
        };
        let mut problems = Vec::new();
        if let Some((k, n, min)) = race
            && percent(k, n) < min
        {
            problems.push(format!(
                "{file}: built with -race, it reported the data race in {k} of {n} runs \
                 ({:.1} %), but the book claims at least {min} %",
                percent(k, n)
            ));
        }
        if !t.in_band(shown, t.runs) {
            problems.push(format!(
                "{file}: {} in {shown} of {} runs ({:.1} %), but the book claims {}: \
                 the bug the page describes no longer shows as it says",
                t.bug,
                t.runs,
                percent(shown, t.runs),
                t.band()
            ));
        }
        let results = p.dir.join("results.md");
        if std::env::var_os(RECORD).is_some_and(|v| v == "1")
            || BLESS.load(std::sync::atomic::Ordering::Relaxed)
        {
            let text = results_text(&Measured {
                bug: &t.bug,
                shown,
                runs: t.runs,
                band: &t.band(),
                race: race.map(|(k, n, min)| (k, n, format!("at least {min} %"))),
                go: &self.version,
                machine: &machine(),
                date: &today(),
            });
            fs::write(&results, text).with_context(|| format!("writing {}", results.display()))?;
            eprintln!("  recorded {}", rel(root, &results));
        }
        match fs::read_to_string(&results) {
            Err(_) => problems.push(format!(
                "{}: missing: the page shows the measured frequency from it \
                 (record it with {RECORD}=1 cargo xtask test)",
                rel(root, &results)
            )),
            Ok(text) => {
                let tallies = parse_results(&text);
                let expected = 1 + usize::from(race.is_some());
                if tallies.len() != expected {
                    problems.push(format!(
                        "{}: expected {expected} \"in **K of N runs**\" in it, found {} \
                         (record it with {RECORD}=1)",
                        rel(root, &results),
                        tallies.len()
                    ));
                } else {
                    let (k, n) = tallies[0];
                    if !t.in_band(k, n) {
                        problems.push(format!(
                            "{}: records {k} of {n} runs ({:.1} %), outside the declared {}",
                            rel(root, &results),
                            percent(k, n),
                            t.band()
                        ));
                    }
                    if let (Some(&(k, n)), Some(min)) = (tallies.get(1), t.race_min_percent)
                        && percent(k, n) < min
                    {
                        problems.push(format!(
                            "{}: records -race reports in {k} of {n} runs, below the declared {min} %",
                            rel(root, &results)
                        ));
                    }
                }
            }
        }
        Ok(problems)
    }
}

impl GoTool {
    /// In how many of `runs` runs the -race build reported a data race.
    fn measure_race(&self, p: &Program, runs: u32) -> Result<std::result::Result<u32, String>> {
        let exe = target_dir_of(&self.go_dir)
            .join("go")
            .join(format!("{}-race", p.name.replace('/', "-")));
        if let Some(err) = self.build(p, &exe, true)? {
            return Ok(Err(format!("go build -race failed:\n{err}")));
        }
        let mut reported = 0;
        for _ in 0..runs {
            let out = run(&mut Command::new(&exe))?;
            match out.status.code() {
                // 66: the race detector's exit status after a report.
                Some(66) if out.stderr.contains("WARNING: DATA RACE") => reported += 1,
                Some(0) => {}
                _ => {
                    return Ok(Err(format!(
                        "the -race build {}:\n{}",
                        out.status,
                        out.both()
                    )));
                }
            }
        }
        Ok(Ok(reported))
    }
}

/// The target directory, from `go/`'s parent (the repository root).
fn target_dir_of(go_dir: &Path) -> PathBuf {
    target_dir(go_dir.parent().unwrap_or(go_dir))
}

/// Runs a command under the step's time limit; a command that had to be killed is an error.
fn run(cmd: &mut Command) -> Result<crate::process::Output> {
    let described = format!("{cmd:?}");
    crate::process::capture(cmd, TIMEOUT)?
        .with_context(|| format!("{described} was still running after {TIMEOUT:?}: killed"))
}

fn check_run(p: &Program, claim: &RunClaim, exe: &Path) -> Result<Problems> {
    let mut problems = Vec::new();
    let out = run(&mut Command::new(exe))?;
    if out.status.code() != Some(claim.exit) {
        problems.push(format!(
            "exited with {}, declared exit = {}; stderr:\n{}",
            out.status,
            claim.exit,
            out.stderr.trim_end()
        ));
    }
    if let Some(s) = &claim.stderr_contains
        && !out.stderr.contains(s.as_str())
    {
        problems.push(format!(
            "stderr does not contain {s:?}; it was:\n{}",
            out.stderr.trim_end()
        ));
    }
    let Ok(expected) = fs::read_to_string(p.dir.join("output.txt")) else {
        problems.push(format!(
            "declares [run] but go/{}/output.txt is missing",
            p.name
        ));
        return Ok(problems);
    };
    let same = match claim.stdout {
        StdoutMode::Exact => out.stdout == expected,
        StdoutMode::Sorted => sorted_lines(&out.stdout) == sorted_lines(&expected),
    };
    if !same {
        problems.push(format!(
            "stdout differs from output.txt ({:?}); it printed:\n{}",
            claim.stdout, out.stdout
        ));
    }
    Ok(problems)
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

/// How many runs showed the bug; Err(message) if the program misbehaved.
fn measure(p: &Program, t: &Trials, exe: &Path) -> Result<std::result::Result<u32, String>> {
    let complete = match &t.complete {
        Some(f) => Some(
            fs::read_to_string(p.dir.join(f))
                .with_context(|| format!("go/{}/{f} (declared complete)", p.name))?,
        ),
        None => None,
    };
    if t.bug_if_stdout.is_none() && complete.is_none() {
        let out = run(Command::new(exe).args(["-trials", &t.runs.to_string()]))?;
        if !out.status.success() {
            return Ok(Err(format!(
                "-trials {} {}; it printed:\n{}",
                t.runs,
                out.status,
                out.both()
            )));
        }
        return Ok(match parse_tally(&out.stdout) {
            Some((k, n)) if n == t.runs => Ok(k),
            _ => Err(format!(
                "-trials {} should print \"K of {}\", printed {:?}",
                t.runs, t.runs, out.stdout
            )),
        });
    }
    let mut shown = 0;
    for _ in 0..t.runs {
        let out = run(&mut Command::new(exe))?;
        if !out.status.success() {
            return Ok(Err(format!("a run {}:\n{}", out.status, out.both())));
        }
        let bug = match (&t.bug_if_stdout, &complete) {
            (Some(b), _) => &out.stdout == b,
            (None, Some(c)) => sorted_lines(&out.stdout) != sorted_lines(c),
            (None, None) => unreachable!("handled above"),
        };
        shown += u32::from(bug);
    }
    Ok(Ok(shown))
}

/// "K of N" (the whole output, one line).
fn parse_tally(stdout: &str) -> Option<(u32, u32)> {
    let (k, n) = stdout.trim().split_once(" of ")?;
    Some((k.parse().ok()?, n.parse().ok()?))
}

struct Measured<'a> {
    bug: &'a str,
    shown: u32,
    runs: u32,
    band: &'a str,
    /// -race reports: in how many runs, of how many, and the band.
    race: Option<(u32, u32, String)>,
    go: &'a str,
    machine: &'a str,
    date: &'a str,
}

fn results_text(m: &Measured) -> String {
    let mut text = format!(
        "Measured with {} on {}, {}: {} in **{} of {} runs** ({:.1} %).",
        m.go,
        m.machine,
        m.date,
        m.bug,
        m.shown,
        m.runs,
        percent(m.shown, m.runs),
    );
    if let Some((k, n, band)) = &m.race {
        text.push_str(&format!(
            " Built with `-race`, it reported the data race in **{k} of {n} runs** ({:.1} %).",
            percent(*k, *n)
        ));
        text.push_str(&format!(
            " `cargo xtask test` measures both again on every run: it requires the first in {} \
             of runs, the race report in {band}.\n",
            m.band
        ));
    } else {
        text.push_str(&format!(
            " `cargo xtask test` measures it again on every run and requires it in {} of runs.\n",
            m.band
        ));
    }
    text
}

/// Every "in **K of N runs**" in a results file, in order.
fn parse_results(text: &str) -> Vec<(u32, u32)> {
    text.split(" in **")
        .skip(1)
        .filter_map(|rest| parse_tally(rest.split(" runs**").next()?))
        .collect()
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "a {cpus}-CPU {} {} machine (GOMAXPROCS {cpus})",
        std::env::consts::ARCH,
        match std::env::consts::OS {
            "linux" => "Linux",
            "macos" => "macOS",
            "windows" => "Windows",
            other => other,
        }
    )
}

/// Today's date (UTC), "2026-11-29".
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `go vet`'s findings by program directory (relative to `go/`): lines such as
/// `ch01/loop-capture/main.go:17:16: loop variable i captured by func literal`.
fn vet_findings(stderr: &str) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stderr.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let path = line.split(':').next().unwrap_or("");
        let path = path.trim_start_matches("./");
        let dir = match path.rsplit_once('/') {
            Some((dir, file)) if file.ends_with(".go") => dir.to_string(),
            _ => String::new(),
        };
        found.entry(dir).or_default().push(line.to_string());
    }
    found
}

/// Each declared finding must be reported, and each reported one declared.
fn compare_vet(declared: &[String], found: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for d in declared {
        if !found.iter().any(|f| f.contains(d.as_str())) {
            problems.push(format!(
                "go vet no longer reports {d:?}, which claims.toml declares (and the page shows)"
            ));
        }
    }
    for f in found {
        if !declared.iter().any(|d| f.contains(d.as_str())) {
            problems.push(format!(
                "go vet reports a finding not declared in claims.toml: {f}"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trials(min: f64, max: f64) -> Trials {
        Trials {
            runs: 200,
            bug: "printed 5 5 5 5 5".into(),
            min_percent: min,
            max_percent: max,
            bug_if_stdout: None,
            complete: None,
            race_runs: None,
            race_min_percent: None,
        }
    }

    #[test]
    fn claims_parse_with_defaults() {
        let c = parse_claims(
            "vet = [\"captured\"]\n[run]\nstdout = \"sorted\"\n[trials]\nruns = 10\nbug = \"b\"\nmin_percent = 95.0\n",
        )
        .unwrap();
        assert_eq!(c.vet, vec!["captured".to_string()]);
        let run = c.run.unwrap();
        assert_eq!(run.stdout, StdoutMode::Sorted);
        assert_eq!(run.exit, 0);
        let t = c.trials.unwrap();
        assert_eq!(t.max_percent, 100.0);
        assert_eq!(parse_claims("").unwrap().run, None);
    }

    #[test]
    fn claims_reject_unknown_keys_and_bad_bands() {
        let e = parse_claims("vett = []").unwrap_err();
        assert!(format!("{e:#}").contains("unknown field `vett`"), "{e:#}");
        let e = parse_claims("[run]\nstdout = \"any\"").unwrap_err();
        assert!(format!("{e:#}").contains("unknown variant"), "{e:#}");
        let bad = |body: &str| parse_claims(&format!("[trials]\nruns = 10\nbug = \"b\"\n{body}"));
        assert!(bad("").is_err(), "a band is required");
        assert!(bad("min_percent = 90.0\nmax_percent = 10.0").is_err());
        assert!(bad("min_percent = 101.0").is_err());
        assert!(bad("min_percent = 1.0\nbug_if_stdout = \"x\"\ncomplete = \"c.txt\"").is_err());
        assert!(bad("min_percent = 1.0\nrace_runs = 20").is_err());
        assert!(bad("min_percent = 1.0\nrace_runs = 20\nrace_min_percent = 0.0").is_err());
        assert!(bad("min_percent = 1.0\nrace_runs = 20\nrace_min_percent = 50.0").is_ok());
        assert!(bad("min_percent = 1.0").is_ok());
    }

    #[test]
    fn load_programs_names_the_file_at_fault() {
        let dir = std::env::temp_dir().join(format!("go-rs-load-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("ch01/a")).unwrap();
        fs::write(dir.join("ch01/a/main.go"), "package main\n").unwrap();
        let e = load_programs(&dir).err().unwrap();
        assert!(format!("{e:#}").contains("go/ch01/a has Go files but no claims.toml"));
        fs::write(dir.join("ch01/a/claims.toml"), "runs = 1\n").unwrap();
        let e = load_programs(&dir).err().unwrap();
        assert!(format!("{e:#}").contains("go/ch01/a/claims.toml"), "{e:#}");
        fs::write(dir.join("ch01/a/claims.toml"), "").unwrap();
        // A nested module (the benchmark's) is not a program of this step.
        fs::create_dir_all(dir.join("bench")).unwrap();
        fs::write(dir.join("bench/go.mod"), "module b\n").unwrap();
        fs::write(dir.join("bench/main.go"), "package main\n").unwrap();
        let names: Vec<String> = load_programs(&dir)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, vec!["ch01/a".to_string()]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn band_check() {
        let at_least = trials(95.0, 100.0);
        assert!(at_least.in_band(199, 200));
        assert!(at_least.in_band(190, 200));
        assert!(!at_least.in_band(189, 200));
        assert!(
            !at_least.in_band(0, 200),
            "a bug that stopped showing fails"
        );
        assert_eq!(at_least.band(), "at least 95 %");
        let at_most = trials(0.0, 1.0);
        assert!(at_most.in_band(0, 200));
        assert!(!at_most.in_band(3, 200));
        assert_eq!(at_most.band(), "at most 1 %");
        assert_eq!(trials(0.01, 50.0).band(), "between 0.01 % and 50 %");
    }

    #[test]
    fn tallies_and_results_round_trip() {
        assert_eq!(parse_tally("17 of 200\n"), Some((17, 200)));
        assert_eq!(parse_tally("lost 17 of 200"), None);
        let text = results_text(&Measured {
            bug: "printed 5 5 5 5 5",
            shown: 199,
            runs: 200,
            band: "at least 95 %",
            race: None,
            go: "go1.19.8 linux/amd64",
            machine: "a 2-CPU x86_64 Linux machine (GOMAXPROCS 2)",
            date: "2026-11-29",
        });
        assert!(text.contains("in **199 of 200 runs** (99.5 %)"), "{text}");
        assert_eq!(parse_results(&text), vec![(199, 200)]);
        assert!(parse_results("nothing measured").is_empty());
        let text = results_text(&Measured {
            bug: "lost an update",
            shown: 0,
            runs: 100,
            band: "at most 1 %",
            race: Some((19, 20, "at least 50 %".into())),
            go: "go1.19.8 linux/amd64",
            machine: "a 2-CPU x86_64 Linux machine (GOMAXPROCS 2)",
            date: "2026-11-29",
        });
        assert!(
            text.contains(
                "requires the first in at most 1 % of runs, the race report in at least 50 %."
            ),
            "{text}"
        );
        assert_eq!(parse_results(&text), vec![(0, 100), (19, 20)]);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(20_786), "2026-11-29");
    }

    #[test]
    fn vet_output_is_attributed_to_programs() {
        let stderr = "# goroutines-in-rust/ch01/loop-capture\n\
                      ch01/loop-capture/main.go:17:16: loop variable i captured by func literal\n\
                      # goroutines-in-rust/ch04/pitfalls\n\
                      ch04/pitfalls/main.go:37:16: loop variable i captured by func literal\n";
        let f = vet_findings(stderr);
        assert_eq!(f.len(), 2);
        assert_eq!(f["ch01/loop-capture"].len(), 1);
        let declared = vec!["loop variable i captured by func literal".to_string()];
        assert!(compare_vet(&declared, &f["ch01/loop-capture"]).is_empty());
        let p = compare_vet(&[], &f["ch04/pitfalls"]);
        assert!(p[0].contains("not declared"), "{p:?}");
        let p = compare_vet(&declared, &[]);
        assert!(p[0].contains("no longer reports"), "{p:?}");
    }

    #[test]
    fn go_blocks_must_be_includes() {
        let dir = std::env::temp_dir().join(format!("go-rs-pages-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("go/ch01/x")).unwrap();
        fs::create_dir_all(dir.join("src/ch01")).unwrap();
        fs::write(
            dir.join("go/ch01/x/main.go"),
            "package main\n\n// ANCHOR: show\nfunc main() {}\n\n// ANCHOR_END: show\n",
        )
        .unwrap();
        let page = "Text.\n\n```go\n{{#include ../../go/ch01/x/main.go:show}}\n```\n\n\
                    ```go\nfunc main() {}\nfunc f() {}\n```\n\n```go\n{{#include ../../go/ch01/x/main.go:nope}}\n\
                    {{#include ../../go/ch01/y/main.go}}\n```\n\n```rust\nfn main() {}\n```\n";
        let p = check_page(page, &dir.join("src/ch01"), &dir.join("go"));
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(
            p[0].starts_with("7: this Go block has code typed into the page (line 8)"),
            "{p:?}"
        );
        assert!(p[1].contains("has no `// ANCHOR: nope`"), "{p:?}");
        assert!(p[2].contains("does not exist"), "{p:?}");
        assert!(check_page("```go\n", &dir, &dir)[0].contains("never closed"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
