//! What the book needs besides Rust, and getting it: mdBook and mdbook-admonish are
//! compiled into this harness (pinned in Cargo.toml, locked in Cargo.lock), so nothing is
//! installed for them; Chromium (the browser step) and Go (the Go step) are found on the
//! PATH or, on a Debian machine where we are root, installed with apt-get, announced first
//! (unless `GOROUTINES_BOOK_NO_INSTALL` forbids it: then they are only looked for).
//! A run starts those installs in the background at its beginning ([`prefetch`]); the step
//! that needs the tool waits for it.
//!
//! mdbook is pinned to 0.4.51 because mdbook-admonish 1.20.0 fails with mdbook 0.5
//! ("Unable to parse the input", mdbook-admonish issue #233) and warns on 0.4.52.

use anyhow::Result;
use std::path::PathBuf;
use std::process::Command;

/// The book tools and their versions, as Cargo.toml pins them (a test checks the two
/// agree). Part of every cache key.
pub const TOOLS: &[(&str, &str)] = &[("mdbook", "0.4.51"), ("mdbook-admonish", "1.20.0")];

/// Set (to anything but empty or `0`), the harness installs nothing with apt-get: a step
/// whose tool is missing is NOT RUN (and fails the run under CI).
pub const NO_INSTALL: &str = "GOROUTINES_BOOK_NO_INSTALL";

/// `apt-get install` of one package (named after these), non-interactive and minimal.
const APT_INSTALL: [&str; 4] = ["install", "-y", "-q", "--no-install-recommends"];

/// How long one apt-get command (an update, or installing Chromium or Go) may take.
const APT_LIMIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// A program a step needs that may be missing: its names on the PATH, Debian's package
/// for it, and the step that uses it.
pub struct External {
    pub names: &'static [&'static str],
    pub package: &'static str,
    pub purpose: &'static str,
}

pub const CHROMIUM: External = External {
    names: &["chromium", "chromium-browser", "google-chrome"],
    package: "chromium",
    purpose: "the browser step",
};

pub const GO: External = External {
    names: &["go"],
    package: "golang-go",
    purpose: "the Go step",
};

/// `cargo xtask install-tools`: everything `cargo xtask test` would install on first use.
pub fn install_all() -> Result<()> {
    say!(
        "mdbook {} and mdbook-admonish {}: compiled into this harness, nothing to install",
        TOOLS[0].1,
        TOOLS[1].1
    );
    announce();
    for (tool, missing) in [
        (
            &CHROMIUM,
            "set CHROMIUM=/path/to/chrome; the browser step will report NOT RUN",
        ),
        (&GO, "install Go 1.19; the Go step will report NOT RUN"),
    ] {
        match find_or_install(tool.names, tool.package, tool.purpose)? {
            Some(p) => say!("{}: {}", tool.names[0], p.display()),
            None => say!(
                "{}: not found and not installable here ({missing})",
                tool.names[0]
            ),
        }
    }
    Ok(())
}

/// What a step reports when `tool` is still missing after [`find_or_install`]: what is
/// missing and why it was not installed.
pub fn missing(tool: &External) -> String {
    let why = install_refused().unwrap_or("apt-get did not install it");
    format!(
        "no `{}` on the PATH, and Debian's {} package was not installed ({why})",
        tool.names[0], tool.package
    )
}

/// Says, before anything starts, which of Chromium and Go are missing and what will be
/// done about each when its step comes.
pub fn announce() {
    let missing: Vec<&External> = [&CHROMIUM, &GO]
        .into_iter()
        .filter(|t| on_path(t.names).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let refused = install_refused();
    for t in missing {
        if refused.is_none() {
            say!(
                "note: {} is not on the PATH; {} needs it: Debian's {} package will be \
                 installed with apt-get, in the background from the start of the run",
                t.names[0],
                t.purpose,
                t.package
            );
        } else {
            say!(
                "note: {} is not on the PATH and will not be installed ({}); {} needs it \
                 and will report NOT RUN",
                t.names[0],
                refused.unwrap_or_default(),
                t.purpose
            );
        }
    }
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Why a missing tool will not be installed here, if it will not: `GOROUTINES_BOOK_NO_INSTALL`
/// is set, or this is not root on a machine with apt-get. None: apt-get installs it.
pub fn install_refused() -> Option<&'static str> {
    if std::env::var(NO_INSTALL).is_ok_and(|v| !v.is_empty() && v != "0") {
        return Some("GOROUTINES_BOOK_NO_INSTALL is set");
    }
    if !root_with_apt_get() {
        return Some("not root on Debian");
    }
    None
}

/// Root on a machine with apt-get (as in CI here).
fn root_with_apt_get() -> bool {
    let root_user = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    root_user && std::path::Path::new("/usr/bin/apt-get").exists()
}

/// The background installs (see [`crate::background`]) of those of `tools` that are
/// missing, if installing is allowed here: one chain, as apt-get takes a lock.
pub fn prefetch(tools: &[&External], log_dir: &std::path::Path) -> Vec<crate::background::Job> {
    if install_refused().is_some() {
        return vec![];
    }
    tools
        .iter()
        .filter(|t| on_path(t.names).is_none())
        .map(|t| {
            let mut cmd = Command::new("sh");
            // As in the foreground: if the package lists are stale, update them and retry.
            let install = format!("apt-get {} \"$1\"", APT_INSTALL.join(" "));
            let script = format!("{install} || {{ apt-get update -q && {install}; }}");
            cmd.env("DEBIAN_FRONTEND", "noninteractive")
                .args(["-c", &script, "apt-get", t.package]);
            crate::background::Job {
                name: t.package,
                cmd,
                limit: APT_LIMIT * 2,
                log: log_dir.join(format!("{}.log", t.package)),
            }
        })
        .collect()
}

/// The first of `names` on the PATH. When none is there and this is a Debian machine where
/// we are root (as in CI here) and installing is not forbidden, Debian's `package` is
/// installed: by the background install the run started, if it did (waited for here), else
/// now, announced as being for `purpose`, with apt-get's progress shown (also after a
/// background install that failed). None when it is still missing: the caller reports the
/// step as not run.
pub fn find_or_install(names: &[&str], package: &str, purpose: &str) -> Result<Option<PathBuf>> {
    // Started only if the tool was missing at the start of the run: say how it went.
    if let Some(done) = crate::background::board().wait(package) {
        say!(
            "  {purpose} needs {}: Debian's {package} package {}",
            names[0],
            done.describe(|p| p.display().to_string())
        );
    }
    if let Some(p) = on_path(names) {
        return Ok(Some(p));
    }
    if install_refused().is_none() {
        say!(
            "  {purpose} needs {}: installing Debian's {package} package (apt-get)",
            names[0]
        );
        let mut install = Command::new("apt-get");
        install
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(APT_INSTALL)
            .arg(package);
        // apt-get under a limit that kills its process group, as every command here.
        let ok = |ending| matches!(ending, crate::process::Ending::Exited(s) if s.success());
        if !ok(crate::process::stream(&mut install, APT_LIMIT)?) {
            crate::process::stream(Command::new("apt-get").args(["update", "-q"]), APT_LIMIT)?;
            crate::process::stream(&mut install, APT_LIMIT)?;
        }
    }
    Ok(on_path(names))
}

#[cfg(test)]
mod tests {
    use super::TOOLS;

    /// The versions named in messages and cache keys are the ones compiled in.
    #[test]
    fn pinned_versions_are_the_compiled_ones() {
        assert_eq!(TOOLS[0], ("mdbook", mdbook::MDBOOK_VERSION));
        let manifest = include_str!("../Cargo.toml");
        for (name, version) in TOOLS {
            assert!(
                manifest.contains(&format!("{name} = {{ version = \"={version}\"")),
                "tests/harness/Cargo.toml does not pin {name} to ={version}"
            );
        }
    }
}
