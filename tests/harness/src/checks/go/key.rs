//! When a program's runs and trials must be measured again: the cache key covers
//! everything their result depends on. The program's directory (its source, claims.toml,
//! output.txt, complete file, and race.txt, so that an edited report is compared again;
//! not the results.md a run writes), the module's `go.mod`
//! (its `go` line sets the language's loop-variable rule), the packages of the module it
//! imports; Go (`go version`, and `go env`'s build settings); the environment the Go
//! runtime reads (GOMAXPROCS, GOGC, GODEBUG…); the machine (CPU model, CPU count and
//! GOMAXPROCS as Go reports them); and, through `cache::key`, this harness's own build.

use super::machine::Machine;
use super::programs::Program;
use super::tool::Go;
use crate::cache::{self, Hasher};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Build settings `go env` reports (flags and the environment can change them).
const GO_ENV: &[&str] = &[
    "GOOS",
    "GOARCH",
    "GOAMD64",
    "GO386",
    "GOARM",
    "CGO_ENABLED",
    "GOFLAGS",
    "GOEXPERIMENT",
    "GOROOT",
    "CC",
];

/// Variables the Go runtime (and the race detector) read while a program runs.
const RUNTIME_ENV: &[&str] = &[
    "GOMAXPROCS",
    "GOGC",
    "GOMEMLIMIT",
    "GODEBUG",
    "GORACE",
    "GOTRACEBACK",
];

/// What every program's key shares: Go, its settings, the environment and the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub go_version: String,
    /// `go env` of [`GO_ENV`], one value a line.
    pub go_env: String,
    /// Each of [`RUNTIME_ENV`] with its value ("" when unset).
    pub runtime_env: Vec<(String, String)>,
    pub machine: Machine,
}

impl Setting {
    pub fn read(go: &Go, machine: Machine) -> Result<Setting> {
        Ok(Setting {
            go_version: go.version.clone(),
            go_env: go.env(GO_ENV)?,
            runtime_env: RUNTIME_ENV
                .iter()
                .map(|name| {
                    let value = std::env::var(name).unwrap_or_default();
                    (name.to_string(), value)
                })
                .collect(),
            machine,
        })
    }
}

/// One program's key: its files (path relative to `go/`, contents) and the setting.
pub fn key(program: &str, files: &[(String, Vec<u8>)], setting: &Setting) -> String {
    let mut h = Hasher::default();
    for (path, contents) in files {
        h.str(path).bytes(contents);
    }
    h.str(&setting.go_version).str(&setting.go_env);
    for (name, value) in &setting.runtime_env {
        h.str(name).str(value);
    }
    let m = &setting.machine;
    h.str(&m.model)
        .str(&m.cpus.to_string())
        .str(&m.gomaxprocs.to_string())
        .str(&m.goos)
        .str(&m.goarch);
    cache::key(&format!("go {program}"), &h)
}

/// The module's packages each package depends on (import path → the directories of the
/// module's packages among its dependencies), from one `go list`.
pub fn module_deps(go: &Go) -> Result<BTreeMap<String, Vec<PathBuf>>> {
    let out = super::tool::finished(
        go.command().args([
            "list",
            "-f",
            "{{.ImportPath}}|{{.Dir}}|{{join .Deps \" \"}}",
            "./...",
        ]),
        super::tool::BUILD,
    )?;
    anyhow::ensure!(out.success(), "go list ./... failed: {}", out.stderr.trim());
    Ok(parse_deps(&out.stdout))
}

/// `go list` lines `path|dir|dep dep…` to each package's in-module dependency dirs (the
/// module's packages are exactly the ones listed).
fn parse_deps(listing: &str) -> BTreeMap<String, Vec<PathBuf>> {
    let rows: Vec<(&str, &str, &str)> = listing
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, '|');
            Some((parts.next()?, parts.next()?, parts.next().unwrap_or("")))
        })
        .collect();
    let dirs: BTreeMap<&str, &str> = rows.iter().map(|(p, d, _)| (*p, *d)).collect();
    rows.iter()
        .map(|(path, _, deps)| {
            let inside = deps
                .split_whitespace()
                .filter_map(|d| dirs.get(d).map(PathBuf::from))
                .collect();
            (path.to_string(), inside)
        })
        .collect()
}

/// The files a program's key covers: every file of its directory but `results.md`, the
/// module's `go.mod` and `go.sum`, and the `.go` files of the module's packages it imports.
pub fn program_files(
    go_dir: &Path,
    p: &Program,
    deps: &[PathBuf],
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut paths = vec![go_dir.join("go.mod"), go_dir.join("go.sum")];
    for entry in fs_err::read_dir(&p.dir)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n != "results.md") {
            paths.push(path);
        }
    }
    for dir in deps {
        paths.extend(super::programs::go_files(dir));
    }
    paths.sort();
    paths.dedup();
    let mut files = Vec::new();
    for path in paths {
        let name = path
            .strip_prefix(go_dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let contents = if path.is_file() {
            fs_err::read(&path)?
        } else if path.exists() {
            // A directory inside a program's: its files, in order.
            let mut h = Hasher::default();
            h.tree(go_dir, &path);
            h.finish().into_bytes()
        } else {
            b"<missing>".to_vec()
        };
        files.push((name, contents));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting() -> Setting {
        Setting {
            go_version: "go1.19.8 linux/amd64".into(),
            go_env: "linux\namd64\nv1\n".into(),
            runtime_env: RUNTIME_ENV
                .iter()
                .map(|n| (n.to_string(), String::new()))
                .collect(),
            machine: Machine {
                cpus: 2,
                gomaxprocs: 2,
                goos: "linux".into(),
                goarch: "amd64".into(),
                model: "AMD EPYC".into(),
            },
        }
    }

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![
            ("go.mod".into(), b"module m\n\ngo 1.19\n".to_vec()),
            (
                "ch01/x/claims.toml".into(),
                b"[trials]\nruns = 200\n".to_vec(),
            ),
            ("ch01/x/main.go".into(), b"package main\n".to_vec()),
        ]
    }

    /// A change to any one input changes the key; nothing else does.
    #[test]
    fn every_input_changes_the_key() {
        let base = key("ch01/x", &files(), &setting());
        assert_eq!(base, key("ch01/x", &files(), &setting()), "stable");
        let mut changed: Vec<(&str, String)> = Vec::new();
        changed.push(("program", key("ch01/y", &files(), &setting())));
        for i in 0..files().len() {
            let mut f = files();
            f[i].1.push(b' ');
            changed.push(("a file's contents", key("ch01/x", &f, &setting())));
            let mut f = files();
            f[i].0.push('2');
            changed.push(("a file's name", key("ch01/x", &f, &setting())));
        }
        let mut f = files();
        f.push(("ch01/x/complete.txt".into(), b"a\n".to_vec()));
        changed.push(("a new file", key("ch01/x", &f, &setting())));
        let mut f = files();
        f.pop();
        changed.push(("a file gone", key("ch01/x", &f, &setting())));
        let with = |edit: &dyn Fn(&mut Setting)| {
            let mut s = setting();
            edit(&mut s);
            key("ch01/x", &files(), &s)
        };
        changed.push((
            "go version",
            with(&|s| s.go_version = "go1.22.0 linux/amd64".into()),
        ));
        changed.push(("go env", with(&|s| s.go_env = "linux\namd64\nv3\n".into())));
        for (i, name) in RUNTIME_ENV.iter().enumerate() {
            changed.push((name, with(&|s| s.runtime_env[i].1 = "1".into())));
        }
        changed.push((
            "CPU model",
            with(&|s| s.machine.model = "Intel Xeon".into()),
        ));
        changed.push(("CPU count", with(&|s| s.machine.cpus = 4)));
        changed.push(("GOMAXPROCS", with(&|s| s.machine.gomaxprocs = 1)));
        changed.push(("GOOS", with(&|s| s.machine.goos = "darwin".into())));
        changed.push(("GOARCH", with(&|s| s.machine.goarch = "arm64".into())));
        for (what, k) in &changed {
            assert_ne!(&base, k, "changing {what} must change the key");
        }
        let distinct: std::collections::BTreeSet<&String> =
            changed.iter().map(|(_, k)| k).collect();
        assert_eq!(
            distinct.len(),
            changed.len(),
            "each change gives its own key"
        );
    }

    #[test]
    fn module_dependencies_are_found() {
        let listing = "m/ch01/x|/g/ch01/x|fmt m/lib runtime\n\
                       m/lib|/g/lib|fmt\n\
                       m/ch01/y|/g/ch01/y|\n";
        let deps = parse_deps(listing);
        assert_eq!(deps["m/ch01/x"], vec![PathBuf::from("/g/lib")]);
        assert!(deps["m/lib"].is_empty());
        assert!(deps["m/ch01/y"].is_empty());
    }

    #[test]
    fn program_files_leave_out_the_record() {
        let dir = std::env::temp_dir().join(format!("go-key-files-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&dir);
        fs_err::create_dir_all(dir.join("ch01/x")).unwrap();
        fs_err::create_dir_all(dir.join("lib")).unwrap();
        fs_err::write(dir.join("go.mod"), "module m\n").unwrap();
        fs_err::write(dir.join("ch01/x/main.go"), "package main\n").unwrap();
        fs_err::write(dir.join("ch01/x/claims.toml"), "").unwrap();
        fs_err::write(dir.join("ch01/x/results.md"), "Measured…").unwrap();
        fs_err::write(dir.join("lib/lib.go"), "package lib\n").unwrap();
        let p = Program {
            dir: dir.join("ch01/x"),
            name: "ch01/x".into(),
            claims: super::super::claims::parse("").unwrap(),
        };
        let names: Vec<String> = program_files(&dir, &p, &[dir.join("lib")])
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            vec![
                "ch01/x/claims.toml",
                "ch01/x/main.go",
                "go.mod",
                "go.sum",
                "lib/lib.go"
            ]
        );
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
