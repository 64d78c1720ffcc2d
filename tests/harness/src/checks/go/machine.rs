//! The machine the trials run on, as Go itself sees it: a tiny Go program prints
//! `runtime.NumCPU()`, `runtime.GOMAXPROCS(0)`, `GOOS` and `GOARCH` (run with the same
//! environment as the trials, so a `GOMAXPROCS` setting shows), and the CPU model comes
//! from the operating system. What a record says and what the trial cache keys on.

use super::tool::{Build, Go, finished};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// The probe, written into the target directory and built there (a module of its own).
const PROBE: &str = r#"// Written by the book's harness: the machine as the Go runtime sees it.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("cpus=%d gomaxprocs=%d goos=%s goarch=%s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
}
"#;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// `runtime.NumCPU()`.
    pub cpus: u32,
    /// `runtime.GOMAXPROCS(0)`: the value the trials ran with.
    pub gomaxprocs: u32,
    pub goos: String,
    pub goarch: String,
    /// The CPU model, from the operating system ("AMD EPYC"); not shown on pages.
    pub model: String,
}

impl Machine {
    /// "a 2-CPU x86_64 Linux machine (GOMAXPROCS 2)": what a record says.
    pub fn describe(&self) -> String {
        let arch = match self.goarch.as_str() {
            "amd64" => "x86_64",
            "arm64" => "aarch64",
            "386" => "x86",
            other => other,
        };
        let os = match self.goos.as_str() {
            "linux" => "Linux",
            "darwin" => "macOS",
            "windows" => "Windows",
            "freebsd" => "FreeBSD",
            other => other,
        };
        format!(
            "a {}-CPU {arch} {os} machine (GOMAXPROCS {})",
            self.cpus, self.gomaxprocs
        )
    }
}

/// Builds and runs the probe in `scratch` (a directory of the target dir).
pub fn probe(go: &Go, scratch: &Path) -> Result<Machine> {
    fs_err::create_dir_all(scratch)?;
    crate::files::write_if_changed(&scratch.join("go.mod"), b"module probe\n\ngo 1.19\n")?;
    crate::files::write_if_changed(&scratch.join("main.go"), PROBE.as_bytes())?;
    let exe = scratch.join("probe");
    go.build(scratch, ".", &exe, Build::Program)
        .context("building the GOMAXPROCS probe")?;
    let out = finished(&mut Command::new(&exe), super::tool::QUICK)?;
    if !out.success() {
        bail!(
            "the GOMAXPROCS probe {}: {}",
            out.describe_ending(),
            out.both()
        );
    }
    let mut machine = parse_probe(&out.stdout)?;
    machine.model = cpu_model(&fs_err::read_to_string("/proc/cpuinfo").unwrap_or_default());
    Ok(machine)
}

/// "cpus=2 gomaxprocs=2 goos=linux goarch=amd64".
fn parse_probe(stdout: &str) -> Result<Machine> {
    let field = |name: &str| -> Result<&str> {
        stdout
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
            .with_context(|| format!("the probe printed no {name}= in {stdout:?}"))
    };
    let number = |name: &str| -> Result<u32> {
        let value = field(name)?;
        value
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .with_context(|| format!("the probe printed {name}={value}, not a count"))
    };
    Ok(Machine {
        cpus: number("cpus")?,
        gomaxprocs: number("gomaxprocs")?,
        goos: field("goos")?.to_string(),
        goarch: field("goarch")?.to_string(),
        model: String::new(),
    })
}

/// The CPU model from `/proc/cpuinfo` (x86's "model name", else ARM's "Hardware" or
/// "CPU part"); "unknown" where there is none.
fn cpu_model(cpuinfo: &str) -> String {
    ["model name", "Hardware", "CPU part"]
        .iter()
        .find_map(|key| {
            cpuinfo.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == *key).then(|| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_is_read_and_described() {
        let m = parse_probe("cpus=4 gomaxprocs=2 goos=linux goarch=amd64\n").unwrap();
        assert_eq!((m.cpus, m.gomaxprocs), (4, 2));
        assert_eq!(m.describe(), "a 4-CPU x86_64 Linux machine (GOMAXPROCS 2)");
        assert!(parse_probe("cpus=4 goos=linux goarch=amd64").is_err());
        assert!(parse_probe("cpus=4 gomaxprocs=0 goos=linux goarch=amd64").is_err());
        assert!(parse_probe("cpus=x gomaxprocs=2 goos=linux goarch=amd64").is_err());
        assert!(parse_probe("").is_err());
    }

    #[test]
    fn cpu_models() {
        let x86 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t: x\n";
        assert_eq!(cpu_model(x86), "AMD EPYC");
        assert_eq!(cpu_model("processor : 0\nCPU part : 0xd0c\n"), "0xd0c");
        assert_eq!(cpu_model(""), "unknown");
    }
}
