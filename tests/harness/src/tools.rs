//! The book's pinned tools, installed on first use into a versioned cache outside the
//! clone, so every fresh clone on the machine reuses them.
//!
//! mdbook is pinned to 0.4.51 because mdbook-admonish 1.20.0 fails with mdbook 0.5
//! ("Unable to parse the input", mdbook-admonish issue #233) and warns on 0.4.52.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

pub const TOOLS: &[(&str, &str)] = &[("mdbook", "0.4.51"), ("mdbook-admonish", "1.20.0")];

/// `$GOROUTINES_BOOK_TOOLS`, else `$XDG_CACHE_HOME/goroutines-in-rust/tools`, else
/// `~/.cache/goroutines-in-rust/tools`.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GOROUTINES_BOOK_TOOLS") {
        return Ok(PathBuf::from(dir));
    }
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(x) if !x.is_empty() => PathBuf::from(x),
        _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("goroutines-in-rust").join("tools"))
}

/// `cargo xtask install-tools`: everything the two commands would install on first use.
pub fn install_all() -> Result<()> {
    ensure()?;
    match find_or_install(
        &["chromium", "chromium-browser", "google-chrome"],
        "chromium",
        "the browser check",
    )? {
        Some(p) => eprintln!("Chromium: {}", p.display()),
        None => {
            eprintln!("Chromium: not found and not installable here (set CHROMIUM=/path/to/chrome)")
        }
    }
    match find_or_install(&["go"], "golang-go", "the Go step")? {
        Some(p) => eprintln!("Go: {}", p.display()),
        None => {
            eprintln!("Go: not found and not installable here (the Go step will report NOT RUN)")
        }
    }
    Ok(())
}

/// Installs whatever is missing and returns a PATH with the pinned tools first.
pub fn ensure() -> Result<OsString> {
    let cache = cache_dir()?;
    let mut dirs = Vec::new();
    for (name, version) in TOOLS {
        let root = cache.join(format!("{name}-{version}"));
        let bin = root.join("bin").join(name);
        if !bin.is_file() {
            eprintln!(
                "installing {name} {version} into {} (once per machine)",
                root.display()
            );
            let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args([
                    "install",
                    "--locked",
                    "--quiet",
                    "--version",
                    version,
                    name,
                    "--root",
                ])
                .arg(&root)
                .status()
                .with_context(|| format!("running cargo install {name}"))?;
            if !status.success() {
                bail!("cargo install {name} {version} failed ({status})");
            }
        }
        dirs.push(root.join("bin"));
    }
    let old = std::env::var_os("PATH").unwrap_or_default();
    dirs.extend(std::env::split_paths(&old));
    let path = std::env::join_paths(dirs)?;
    let out = Command::new("mdbook")
        .arg("--version")
        .env("PATH", &path)
        .output()?;
    let version = String::from_utf8_lossy(&out.stdout);
    if !version.contains(TOOLS[0].1) {
        bail!(
            "expected mdbook {} on the PATH, found {version}",
            TOOLS[0].1
        );
    }
    Ok(path)
}

/// The first of `names` on the PATH. When none is there and this is a Debian machine where
/// we are root (as in CI here), Debian's `package` is installed first, announced as being
/// for `purpose`. None when it is still missing: the caller reports the step as not run.
pub fn find_or_install(names: &[&str], package: &str, purpose: &str) -> Result<Option<PathBuf>> {
    let on_path = || {
        names.iter().find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    if let Some(p) = on_path() {
        return Ok(Some(p));
    }
    let root_user = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    if root_user && std::path::Path::new("/usr/bin/apt-get").exists() {
        eprintln!(
            "  {purpose} needs {}: installing Debian's {package} package",
            names[0]
        );
        let mut install = Command::new("apt-get");
        install.env("DEBIAN_FRONTEND", "noninteractive").args([
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            package,
        ]);
        if !crate::process::status(&mut install)? {
            crate::process::status(Command::new("apt-get").args(["update", "-q"]))?;
            crate::process::status(&mut install)?;
        }
    }
    Ok(on_path())
}
