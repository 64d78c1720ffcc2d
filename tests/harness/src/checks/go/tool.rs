//! The `go` and `gofmt` commands, each run under a time limit that kills its process
//! group: formatting, vetting (every finding declared, every declared finding found) and
//! building one program.

use super::Problems;
use super::programs::Program;
use crate::process::{self, Ending};
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long a quick question to the tool (`go version`, `go env`, `gofmt -l`) may take.
pub const QUICK: Duration = Duration::from_secs(60);
/// How long `go vet`, `go build` (a cold `-race` build compiles the runtime) may take.
pub const BUILD: Duration = Duration::from_secs(600);

pub struct Go {
    go: PathBuf,
    gofmt: PathBuf,
    /// `go/`: the module the programs live in.
    pub dir: PathBuf,
    /// `go version`'s answer: "go1.19.8 linux/amd64".
    pub version: String,
}

impl Go {
    pub fn new(go: PathBuf, dir: &Path) -> Result<Go> {
        let mut tool = Go {
            gofmt: PathBuf::new(),
            go,
            dir: dir.to_path_buf(),
            version: String::new(),
        };
        let version = tool.output(&["version"], QUICK)?;
        tool.version = version
            .stdout
            .trim()
            .trim_start_matches("go version ")
            .to_string();
        let goroot = tool.output(&["env", "GOROOT"], QUICK)?;
        tool.gofmt = Path::new(goroot.stdout.trim()).join("bin").join("gofmt");
        Ok(tool)
    }

    /// `go` in the module's directory, never reaching for the network (no dependencies).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.go);
        cmd.current_dir(&self.dir).env("GOPROXY", "off");
        cmd
    }

    /// `go ARGS` run to completion: an error if it had to be killed.
    fn output(&self, args: &[&str], limit: Duration) -> Result<process::Run> {
        finished(self.command().args(args), limit)
    }

    /// `go env NAME…`: the values, one a line, as this Go build and environment see them.
    pub fn env(&self, names: &[&str]) -> Result<String> {
        let mut args = vec!["env"];
        args.extend_from_slice(names);
        let out = self.output(&args, QUICK)?;
        if !out.success() {
            bail!("go env {}: {}", names.join(" "), out.stderr.trim());
        }
        Ok(out.stdout)
    }

    pub fn check_format(&self) -> Result<Problems> {
        let mut cmd = Command::new(&self.gofmt);
        cmd.current_dir(&self.dir).args(["-l", "."]);
        let out = finished(&mut cmd, QUICK)?;
        let mut problems: Problems = out
            .stdout
            .lines()
            .map(|f| format!("go/{f}: not as gofmt formats it (run gofmt -w)"))
            .collect();
        if !out.success() {
            problems.push(format!("gofmt -l failed: {}", out.stderr.trim()));
        }
        Ok(problems)
    }

    pub fn check_vet(&self, programs: &[Program]) -> Result<Problems> {
        say!("  $ go vet ./...");
        let out = self.output(&["vet", "./..."], BUILD)?;
        let findings = vet_findings(&out.stderr);
        let mut problems = Vec::new();
        for p in programs {
            let found = findings.get(&p.name).map(Vec::as_slice).unwrap_or(&[]);
            problems.extend(
                compare_vet(&p.claims.vet, found)
                    .into_iter()
                    .map(|m| format!("{}: {m}", p.file())),
            );
        }
        for (dir, lines) in &findings {
            if !programs.iter().any(|p| &p.name == dir) {
                problems.extend(lines.iter().map(|l| format!("go vet: {l}")));
            }
        }
        if !out.success() && findings.is_empty() {
            problems.push(format!("go vet failed: {}", out.stderr.trim()));
        }
        Ok(problems)
    }

    /// Builds one package (`./ch01/x`, or `.` in `dir`) into `exe`, as `how` says.
    pub fn build(&self, dir: &Path, package: &str, exe: &Path, how: Build) -> Result<()> {
        let mut cmd = self.command();
        cmd.current_dir(dir)
            .args(how.args())
            .arg("-o")
            .arg(exe)
            .arg(package);
        let out = finished(&mut cmd, BUILD)?;
        if !out.success() {
            bail!(
                "go {} failed:\n{}",
                how.args().join(" "),
                out.stderr.trim_end()
            );
        }
        Ok(())
    }
}

/// What to build of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// The program.
    Program,
    /// The program with the race detector.
    Race,
    /// The test binary of a package that has only `_test.go` files (a benchmark).
    Tests,
}

impl Build {
    fn args(self) -> &'static [&'static str] {
        match self {
            Build::Program => &["build"],
            Build::Race => &["build", "-race"],
            Build::Tests => &["test", "-c"],
        }
    }
}

/// Runs a command under `limit`; an error, naming the command, if it had to be killed.
pub fn finished(cmd: &mut Command, limit: Duration) -> Result<process::Run> {
    let out = process::run(cmd, limit)?;
    if let Ending::Exited(_) = out.ending {
        Ok(out)
    } else {
        bail!("{} {}", process::describe(cmd), out.describe_ending())
    }
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
    let (missing, extra) = crate::expected::unmatched(declared, found);
    let missing = missing.into_iter().map(|d| {
        format!("go vet no longer reports {d:?}, which claims.toml declares (and the page shows)")
    });
    let extra = extra
        .into_iter()
        .map(|f| format!("go vet reports a finding not declared in claims.toml: {f}"));
    missing.chain(extra).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vet_output_is_attributed_to_programs() {
        let stderr = "# goroutines-in-rust/ch01/loop-capture\n\
                      ch01/loop-capture/main.go:17:16: loop variable i captured by func literal\n\
                      # goroutines-in-rust/ch04/pitfalls\n\
                      ./ch04/pitfalls/main.go:37:16: loop variable i captured by func literal\n\
                      go: something odd\n";
        let f = vet_findings(stderr);
        assert_eq!(f.len(), 3);
        assert_eq!(f["ch01/loop-capture"].len(), 1);
        assert_eq!(f["ch04/pitfalls"].len(), 1);
        assert_eq!(f[""], vec!["go: something odd".to_string()]);
        let declared = vec!["loop variable i captured by func literal".to_string()];
        assert!(compare_vet(&declared, &f["ch01/loop-capture"]).is_empty());
        let p = compare_vet(&[], &f["ch04/pitfalls"]);
        assert!(p[0].contains("not declared"), "{p:?}");
        let p = compare_vet(&declared, &[]);
        assert!(p[0].contains("no longer reports"), "{p:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_command_past_its_limit_is_an_error_naming_it() {
        let e = finished(
            Command::new("sh").args(["-c", "sleep 600"]),
            Duration::from_millis(200),
        )
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(e.starts_with("sh -c sleep 600 was still running"), "{e}");
        let ok = finished(Command::new("sh").args(["-c", "exit 3"]), QUICK).unwrap();
        assert_eq!(ok.code(), Some(3));
    }
}
