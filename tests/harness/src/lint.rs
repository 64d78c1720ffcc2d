//! The harness's own clippy run, done as a build: `cargo rustc` with clippy's driver as the
//! workspace's compiler and `-D warnings`, once for the program and once for its tests.
//!
//! `cargo clippy` is `cargo check` with that same driver, and checking needs every
//! dependency checked too: for the harness (mdBook, warp, clap and the rest) that was 89
//! of the 206 CPU-s a cold `cargo clippy --workspace --all-targets` took on the README's
//! 2-core machine. Built instead of checked, the harness reuses the dependencies
//! `cargo xtask` has just built, and its test binary is the one the tests step runs, so
//! linting it costs one more compile of the harness itself (about 12 CPU-s). The driver
//! runs the same lints either way; only the dependencies are compiled differently.
//!
//! The driver is part of each unit's hash, so these builds sit beside `cargo xtask`'s own
//! and never make it rebuild. (The program's copy at `target/debug/book-harness` is
//! this build's until the next `cargo xtask` links its own back: the same code.)

use crate::cargo::Build;
use crate::context::Ctx;
use crate::process;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Which configuration of the harness's one target is built (`--all-targets` lints both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cfg {
    /// The program, as `cargo xtask` builds it.
    Program,
    /// Its unit tests (`cfg(test)`): the binary the tests step runs.
    Tests,
}

impl Cfg {
    pub fn describe(self) -> &'static str {
        match self {
            Cfg::Program => "the harness's program",
            Cfg::Tests => "the harness's tests",
        }
    }
}

/// The harness built as `cfg` with clippy's driver, warnings denied.
pub fn build(ctx: &Ctx, cfg: Cfg) -> Result<Build> {
    let driver = driver()?;
    say!("  RUSTC_WORKSPACE_WRAPPER={}", driver.display());
    crate::cargo::json_as_given(&mut command(&ctx.root, cfg, &driver))
}

fn command(root: &Path, cfg: Cfg, driver: &Path) -> Command {
    let mut cmd = process::cargo();
    cmd.current_dir(root)
        .env("RUSTC_WORKSPACE_WRAPPER", driver)
        .args(["rustc", "--package", "book-harness"]);
    if cfg == Cfg::Tests {
        cmd.args(["--profile", "test"]);
    }
    // No target named: should the harness gain a second target, cargo refuses extra
    // arguments for more than one, and this step fails instead of leaving one unlinted.
    cmd.args(["--message-format=json", "--", "-D", "warnings"]);
    cmd
}

/// clippy's driver: beside the cargo running this (a rustup toolchain's `bin`), or else
/// on the PATH; checked to run, so a missing clippy is named as such. Found once a run:
/// the clippy step and the tests step both build with it.
fn driver() -> Result<PathBuf> {
    static DRIVER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DRIVER
        .get_or_init(|| find_driver().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn find_driver() -> Result<PathBuf> {
    let beside = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|cargo| Some(cargo.parent()?.join("clippy-driver")))
        .filter(|p| p.is_file());
    let driver = beside.unwrap_or_else(|| PathBuf::from("clippy-driver"));
    let ran = process::run(
        Command::new(&driver).arg("--version"),
        std::time::Duration::from_secs(60),
    )
    .with_context(|| format!("running {}", driver.display()))?;
    anyhow::ensure!(
        ran.success(),
        "{} --version {}: is clippy installed (rustup component add clippy)?\n{}",
        driver.display(),
        ran.describe_ending(),
        ran.stderr
    );
    Ok(driver)
}

#[cfg(test)]
mod unit {
    use super::*;

    fn args(cfg: Cfg) -> Vec<String> {
        let cmd = command(Path::new("/repo"), cfg, Path::new("/bin/clippy-driver"));
        let wrapper = cmd
            .get_envs()
            .find(|(k, _)| *k == "RUSTC_WORKSPACE_WRAPPER")
            .and_then(|(_, v)| v);
        assert_eq!(wrapper, Some(std::ffi::OsStr::new("/bin/clippy-driver")));
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn both_configurations_deny_warnings_and_only_the_tests_use_the_test_profile() {
        let (program, tests) = (args(Cfg::Program), args(Cfg::Tests));
        for a in [&program, &tests] {
            assert!(
                a.ends_with(&["--".into(), "-D".into(), "warnings".into()]),
                "{a:?}"
            );
            assert_eq!(a[..3], ["rustc", "--package", "book-harness"]);
            // No target named: a second target makes cargo refuse, not go unlinted.
            assert!(
                !a.iter().any(|x| x.starts_with("--bin") || x == "--lib"),
                "{a:?}"
            );
        }
        assert!(!program.contains(&"--profile".to_string()));
        assert!(tests.windows(2).any(|w| w == ["--profile", "test"]));
    }
}
