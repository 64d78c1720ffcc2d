//! The Go programs under `go/`: each directory holding `.go` files, with its claims.

use super::claims::{Claims, parse};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// One Go program: its directory and what the book claims about it.
pub struct Program {
    pub dir: PathBuf,
    /// Relative to `go/`, with `/`: the package path `go build` takes after `./`.
    pub name: String,
    pub claims: Claims,
}

impl Program {
    /// The file a problem names: the program's first `.go` file, from the repository root.
    pub fn file(&self) -> String {
        let first = go_files(&self.dir).into_iter().next();
        format!(
            "go/{}/{}",
            self.name,
            first
                .and_then(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default()
        )
    }

    /// Whether its only Go files are tests (`_test.go`): a benchmark, built as a test
    /// binary and never run as a program.
    pub fn tests_only(&self) -> bool {
        go_files(&self.dir)
            .iter()
            .all(|f| f.to_string_lossy().ends_with("_test.go"))
    }

    /// A file beside the program, as a problem names it (`go/ch01/x/results.md`).
    pub fn beside(&self, file: &str) -> String {
        format!("go/{}/{file}", self.name)
    }
}

/// The `.go` files directly in `dir`, sorted.
pub fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs_err::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "go"))
        .collect();
    files.sort();
    files
}

/// Every directory under `go/` holding `.go` files, except nested modules (a directory
/// with a `go.mod` of its own, such as the benchmark's), must carry a `claims.toml`.
pub fn load(go_dir: &Path) -> Result<Vec<Program>> {
    let mut programs = Vec::new();
    let mut stack = vec![go_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir != go_dir && dir.join("go.mod").exists() {
            continue;
        }
        for entry in fs_err::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            }
        }
        if go_files(&dir).is_empty() {
            continue;
        }
        let name = dir
            .strip_prefix(go_dir)
            .unwrap_or(&dir)
            .to_string_lossy()
            .replace('\\', "/");
        let claims_path = dir.join("claims.toml");
        if !claims_path.is_file() {
            bail!(
                "go/{name} has Go files but no claims.toml saying what the book claims about them"
            );
        }
        let claims = parse(&fs_err::read_to_string(&claims_path)?)
            .with_context(|| format!("go/{name}/claims.toml"))?;
        let program = Program { dir, name, claims };
        if program.tests_only() && (program.claims.run.is_some() || program.claims.trials.is_some())
        {
            bail!(
                "go/{}/claims.toml declares [run] or [trials], but the package has only \
                 _test.go files: there is no program to run",
                program.name
            );
        }
        programs.push(program);
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_programs_names_the_file_at_fault() {
        let dir = std::env::temp_dir().join(format!("go-claims-load-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&dir);
        fs_err::create_dir_all(dir.join("ch01/a")).unwrap();
        fs_err::write(dir.join("ch01/a/main.go"), "package main\n").unwrap();
        let e = load(&dir).err().unwrap();
        assert!(format!("{e:#}").contains("go/ch01/a has Go files but no claims.toml"));
        fs_err::write(dir.join("ch01/a/claims.toml"), "runs = 1\n").unwrap();
        let e = load(&dir).err().unwrap();
        assert!(format!("{e:#}").contains("go/ch01/a/claims.toml"), "{e:#}");
        // A package of tests only (a benchmark) has no program to run.
        fs_err::create_dir_all(dir.join("ch01/b")).unwrap();
        fs_err::write(dir.join("ch01/b/b_test.go"), "package b\n").unwrap();
        fs_err::write(dir.join("ch01/b/claims.toml"), "[run]\n").unwrap();
        fs_err::write(dir.join("ch01/a/claims.toml"), "").unwrap();
        let e = load(&dir).err().unwrap();
        assert!(format!("{e:#}").contains("only _test.go files"), "{e:#}");
        fs_err::write(dir.join("ch01/b/claims.toml"), "").unwrap();
        // A nested module (the benchmark's) is not a program of this step.
        fs_err::create_dir_all(dir.join("bench")).unwrap();
        fs_err::write(dir.join("bench/go.mod"), "module b\n").unwrap();
        fs_err::write(dir.join("bench/main.go"), "package main\n").unwrap();
        let programs = load(&dir).unwrap();
        let names: Vec<&str> = programs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["ch01/a", "ch01/b"]);
        assert_eq!(programs[0].file(), "go/ch01/a/main.go");
        assert!(!programs[0].tests_only() && programs[1].tests_only());
        assert_eq!(programs[0].beside("results.md"), "go/ch01/a/results.md");
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
