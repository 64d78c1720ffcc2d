//! The Go side of the book: every Go snippet the pages show is a `.go` file under `go/`
//! (`pages`) that this step formats, vets and builds (`tool`; each program on its own,
//! which also proves it links), runs where the book shows it running, and, for programs
//! the book calls buggy, runs many times to measure how often the bug shows (`runs`),
//! each program (`programs`) as its `claims.toml` declares (`claims`).
//!
//! A measured program's `results.md` is what the page includes (`results`): the
//! frequency, with the Go version, the machine as Go sees it (`machine`) and the date
//! (`dates`). `cargo xtask test --bless` rewrites it from a fresh measurement; every run
//! checks it whole against `claims.toml`. A program measured with `-race` has the race
//! detector's report recorded beside it too, `race.txt` (`race_report`), which every
//! measuring run compares with what the race detector printed. A program is built, run and measured again only
//! when what that depends on changed (`key`), and always with `--no-cache` or `--bless`;
//! formatting, vetting and the records are checked on every run.

mod claims;
mod dates;
mod key;
mod machine;
mod pages;
mod programs;
mod race_report;
mod results;
mod runs;
mod tool;

use super::{Problems, Run};
use crate::cache::Passed;
use anyhow::{Context, Result};
use claims::Trials;
use programs::Program;
use results::{Record, Tally};
use std::path::PathBuf;
use tool::{Build, Go};

/// The step: problems found, each naming the page, Go file or record at fault; NOT RUN
/// (from here only) when there is no Go and nothing else is wrong.
pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let mut problems = pages::check(ctx)?;
    let go_dir = ctx.root.join("go");
    let programs = match programs::load(&go_dir) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("{e:#}"));
            return Ok(problems);
        }
    };
    let wanted = &crate::tools::GO;
    let Some(go) = crate::tools::find_or_install(wanted.names, wanted.package, wanted.purpose)?
    else {
        if problems.is_empty() {
            let missing = crate::tools::missing(wanted);
            return Err(crate::NotRun(format!("{missing}: install Go 1.19")).into());
        }
        problems.push("the Go programs were not checked: no `go` on the PATH".into());
        return Ok(problems);
    };
    let go = Go::new(go, &go_dir)?;
    // The trials measure races: nothing of the run's own may be building beside them.
    crate::background::board().wait_all();
    problems.extend(Session::start(run, go)?.check(&programs)?);
    Ok(problems)
}

/// What the programs are checked with: Go, the machine, where binaries go, the cache.
struct Session<'a> {
    run: &'a Run<'a>,
    go: Go,
    setting: key::Setting,
    bin: PathBuf,
    passed: Passed,
}

/// A fresh measurement of one program's trials.
struct Measured {
    bug: Tally,
    race: Option<Tally>,
    /// The race detector's normalised report from each `-race` run that printed one.
    race_reports: Vec<String>,
}

impl<'a> Session<'a> {
    fn start(run: &'a Run<'a>, go: Go) -> Result<Session<'a>> {
        let scratch = run.ctx.target().join("go");
        let machine = machine::probe(&go, &scratch.join("probe"))?;
        say!(
            "  {} on {} ({})",
            go.version,
            machine.describe(),
            machine.model
        );
        let setting = key::Setting::read(&go, machine)?;
        let options = run.options;
        let passed = Passed::load(run.ctx, "go", !options.no_cache && !options.bless);
        Ok(Session {
            run,
            go,
            setting,
            bin: scratch.join("bin"),
            passed,
        })
    }

    fn check(mut self, programs: &[Program]) -> Result<Problems> {
        let mut problems = self.go.check_format()?;
        problems.extend(self.go.check_vet(programs)?);
        let deps = key::module_deps(&self.go)?;
        let module = module_path(&self.go.dir)?;
        let mut cached = 0;
        for p in programs {
            let c = &p.claims;
            let package = format!("{module}/{}", p.name);
            let inside = deps.get(&package).map(Vec::as_slice).unwrap_or_default();
            let files = key::program_files(&self.go.dir, p, inside)?;
            let key = key::key(&p.name, &files, &self.setting);
            if self.passed.hit(&key) {
                cached += 1;
            } else {
                let (found, measured) = self.run_program(p);
                let mut key = key;
                if let (Some(m), Some(t)) = (measured, &c.trials)
                    && self.run.options.bless
                {
                    self.record(p, t, &m)?;
                    // race.txt is one of the files the key covers: key what was recorded.
                    let files = key::program_files(&self.go.dir, p, inside)?;
                    key = key::key(&p.name, &files, &self.setting);
                }
                if found.is_empty() {
                    self.passed.pass(key)?;
                }
                problems.extend(found);
            }
            if let Some(t) = &c.trials {
                problems.extend(check_record(p, t));
            }
            problems.extend(check_race_record(p));
        }
        say!(
            "  {cached} of {} programs unchanged since they were last built, run and measured \
             without a problem (program, claims, Go, machine): not again",
            programs.len()
        );
        self.passed.save(self.run.options.is_full())?;
        Ok(problems)
    }

    /// Builds one program and runs it as its claims declare: the problems, each naming
    /// its file, and the trials' measurement if it was made.
    fn run_program(&self, p: &Program) -> (Problems, Option<Measured>) {
        let file = p.file();
        let exe = self.bin.join(p.name.replace('/', "-"));
        let package = format!("./{}", p.name);
        let how = if p.tests_only() {
            Build::Tests
        } else {
            Build::Program
        };
        if let Err(e) = self.go.build(&self.go.dir, &package, &exe, how) {
            return (vec![format!("{file}: {e:#}")], None);
        }
        let mut problems = Vec::new();
        if let Some(claim) = &p.claims.run {
            match runs::run_once(p, claim, &exe) {
                Ok(found) => problems.extend(found.into_iter().map(|m| format!("{file}: {m}"))),
                Err(e) => problems.push(format!("{file}: {e:#}")),
            }
        }
        let Some(t) = &p.claims.trials else {
            return (problems, None);
        };
        match self.measure(p, t, &exe) {
            Ok(m) => {
                problems.extend(band_problems(&file, t, &m));
                let record = fs_err::read_to_string(p.dir.join("race.txt"));
                if let (Ok(record), false) = (record, self.run.options.bless) {
                    let name = p.beside("race.txt");
                    problems.extend(race_report::compare(&record, &m.race_reports, &name));
                }
                (problems, Some(m))
            }
            Err(e) => {
                problems.push(format!("{file}: {e:#}"));
                (problems, None)
            }
        }
    }

    fn measure(&self, p: &Program, t: &Trials, exe: &std::path::Path) -> Result<Measured> {
        let bug = runs::measure(p, t, exe)?;
        say!(
            "  {}: {} in {bug} runs ({:.1} %)",
            p.name,
            t.bug,
            bug.percent()
        );
        let Some(race) = &t.race else {
            return Ok(Measured {
                bug,
                race: None,
                race_reports: vec![],
            });
        };
        let race_exe = exe.with_file_name(format!("{}-race", p.name.replace('/', "-")));
        self.go.build(
            &self.go.dir,
            &format!("./{}", p.name),
            &race_exe,
            Build::Race,
        )?;
        let (race, stderrs) = runs::measure_race(&race_exe, race.runs)?;
        say!("  {}: -race reported the data race in {race} runs", p.name);
        // Source paths as Go printed them: the program's directory, then the module's.
        let mut dirs = Vec::new();
        for dir in [&p.dir, &self.go.dir] {
            dirs.push(dir.display().to_string());
            if let Ok(real) = dir.canonicalize() {
                dirs.push(real.display().to_string());
            }
        }
        let race_reports = stderrs
            .iter()
            .filter_map(|s| race_report::normalise(s, &dirs))
            .collect();
        Ok(Measured {
            bug,
            race: Some(race),
            race_reports,
        })
    }

    /// `--bless`: writes the measurement as the page's record.
    fn record(&self, p: &Program, t: &Trials, m: &Measured) -> Result<()> {
        let record = Record {
            go: self.go.version.clone(),
            machine: self.setting.machine.describe(),
            date: dates::today(),
            bug: m.bug,
            race: m.race,
        };
        let path = p.dir.join("results.md");
        fs_err::write(&path, results::render(&record, t))
            .with_context(|| format!("writing {}", p.beside("results.md")))?;
        say!("  recorded {}", p.beside("results.md"));
        if let Some(report) = race_report::most_common(&m.race_reports) {
            fs_err::write(p.dir.join("race.txt"), report)?;
            say!("  recorded {}", p.beside("race.txt"));
        }
        Ok(())
    }
}

/// The module's path, from the `module` line of `go.mod` (`goroutines-in-rust`).
fn module_path(go_dir: &std::path::Path) -> Result<String> {
    let go_mod = fs_err::read_to_string(go_dir.join("go.mod"))?;
    go_mod
        .lines()
        .find_map(|l| l.trim().strip_prefix("module "))
        .map(|m| m.trim().trim_matches('"').to_string())
        .context("go/go.mod has no `module` line")
}

/// A fresh measurement outside the declared bands.
fn band_problems(file: &str, t: &Trials, m: &Measured) -> Problems {
    let mut problems = Vec::new();
    if !t.band.contains(m.bug.shown, m.bug.runs) {
        problems.push(format!(
            "{file}: {} in {} runs ({:.1} %), but the book claims {}: the bug the page \
             describes no longer shows as it says",
            t.bug,
            m.bug,
            m.bug.percent(),
            t.band.describe()
        ));
    }
    if let (Some(race), Some(claim)) = (&m.race, &t.race)
        && !claim.band().contains(race.shown, race.runs)
    {
        problems.push(format!(
            "{file}: built with -race, it reported the data race in {race} runs ({:.1} %), \
             but the book claims at least {} %",
            race.percent(),
            claim.min_percent
        ));
    }
    problems
}

/// The race detector's recorded report (checked on its own on every run, cached or not):
/// there must be one exactly when the claims measure `-race`.
fn check_race_record(p: &Program) -> Problems {
    let file = p.beside("race.txt");
    let declared = p.claims.trials.as_ref().is_some_and(|t| t.race.is_some());
    match (fs_err::read_to_string(p.dir.join("race.txt")), declared) {
        (Ok(text), true) => race_report::check_record(&text, &file),
        (Err(_), false) => vec![],
        (Ok(_), false) => vec![format!(
            "{file}: a race detector report, but claims.toml declares no race_runs"
        )],
        (Err(_), true) => vec![format!(
            "{file}: missing: the page shows the race detector's report from it (record it \
             with cargo xtask test --only go --bless)"
        )],
    }
}

/// The page's record, checked whole against the claims (on every run, cached or not).
fn check_record(p: &Program, t: &Trials) -> Problems {
    let file = p.beside("results.md");
    match fs_err::read_to_string(p.dir.join("results.md")) {
        Ok(text) => results::check(&text, t, &file),
        Err(_) => vec![format!(
            "{file}: missing: the page shows the measured frequency from it \
             (record it with cargo xtask test --only go --bless)"
        )],
    }
}
