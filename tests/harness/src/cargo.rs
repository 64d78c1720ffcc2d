//! Building with cargo and reading what it reports (through `cargo_metadata`'s message
//! types): the executables each listing produced, rustc's errors, and a test binary's
//! list of tests.

use crate::process::{self, Ending, Run};
use anyhow::Result;
use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::{Message, TargetKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long one cargo build may take before the step calls it hung.
pub const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

/// A cargo command with `--message-format=json` added, run under [`BUILD_LIMIT`].
pub fn json(cmd: &mut Command) -> Result<Build> {
    cmd.arg("--message-format=json");
    json_as_given(cmd)
}

/// A cargo command that already asks for `--message-format=json` (before a `--`), run
/// under [`BUILD_LIMIT`].
pub fn json_as_given(cmd: &mut Command) -> Result<Build> {
    say!("  $ {}", process::describe(cmd));
    let run = process::run(cmd, BUILD_LIMIT)?;
    Ok(Build::read(run))
}

#[derive(Debug)]
pub struct Executable {
    /// The crate's manifest folder: which listing built it.
    pub dir: PathBuf,
    /// The cargo option that builds just this target: `--lib`, `--bin x`, `--test y`.
    pub select: Vec<String>,
    /// A test harness (`cargo test`), not the program itself.
    pub test: bool,
    pub bin: bool,
    pub path: PathBuf,
}

#[derive(Debug)]
pub struct CompilerError {
    pub code: Option<String>,
    pub message: String,
    pub rendered: String,
}

pub struct Build {
    pub run: Run,
    pub executables: Vec<Executable>,
    pub errors: Vec<CompilerError>,
}

impl Build {
    fn read(run: Run) -> Build {
        let mut executables = Vec::new();
        let mut errors = Vec::new();
        for message in Message::parse_stream(run.stdout.as_bytes()).flatten() {
            match message {
                Message::CompilerArtifact(a) => {
                    if let Some(exe) = a.executable {
                        executables.push(Executable {
                            dir: a
                                .manifest_path
                                .parent()
                                .map(|p| p.as_std_path().to_path_buf())
                                .unwrap_or_default(),
                            select: select(&a.target),
                            test: a.profile.test,
                            bin: a.target.kind.contains(&TargetKind::Bin),
                            path: exe.into_std_path_buf(),
                        });
                    }
                }
                Message::CompilerMessage(m) if m.message.level == DiagnosticLevel::Error => {
                    if m.message.message.starts_with("aborting due to") {
                        continue;
                    }
                    errors.push(CompilerError {
                        code: m.message.code.map(|c| c.code),
                        message: m.message.message,
                        rendered: m.message.rendered.unwrap_or_default(),
                    });
                }
                _ => {}
            }
        }
        Build {
            run,
            executables,
            errors,
        }
    }

    pub fn success(&self) -> bool {
        self.run.success()
    }

    /// rustc's rendered errors, then cargo's own complaints: what a reader would see.
    pub fn report(&self) -> String {
        let rendered: String = self.errors.iter().map(|e| e.rendered.as_str()).collect();
        let hung = match self.run.ending {
            Ending::Exited(_) => String::new(),
            _ => format!("cargo {}\n", self.run.describe_ending()),
        };
        format!("{hung}{rendered}{}", tail(&self.run.stderr, 30))
    }

    /// The program a listing's folder built (its bin target).
    pub fn program(&self, dir: &Path) -> Option<&Path> {
        self.executables
            .iter()
            .find(|e| e.dir == dir && e.bin && !e.test)
            .map(|e| e.path.as_path())
    }

    /// The test harnesses a listing's folder built (unit tests, integration tests).
    pub fn tests_of<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a Executable> {
        self.executables
            .iter()
            .filter(move |e| e.dir == dir && e.test)
    }
}

fn select(target: &cargo_metadata::Target) -> Vec<String> {
    let kind = |k: TargetKind| target.kind.contains(&k);
    if kind(TargetKind::Lib) || kind(TargetKind::RLib) {
        vec!["--lib".into()]
    } else if kind(TargetKind::Bin) {
        vec!["--bin".into(), target.name.clone()]
    } else if kind(TargetKind::Test) {
        vec!["--test".into(), target.name.clone()]
    } else if kind(TargetKind::Example) {
        vec!["--example".into(), target.name.clone()]
    } else {
        vec![]
    }
}

/// The tests a libtest harness holds, by full name (`tests::drains_on_close`).
pub fn list_tests(exe: &Path) -> Result<BTreeSet<String>> {
    let run = process::run(
        Command::new(exe).args(["--list", "--format", "terse"]),
        Duration::from_secs(60),
    )?;
    anyhow::ensure!(
        run.success(),
        "{} --list {}",
        exe.display(),
        run.describe_ending()
    );
    Ok(run
        .stdout
        .lines()
        .filter_map(|t| t.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// The last `n` lines of a text.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[lines.len().saturating_sub(n)..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
