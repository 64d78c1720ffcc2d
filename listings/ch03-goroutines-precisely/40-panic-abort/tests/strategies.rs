//! Runs this listing's program built both ways and checks what each panic strategy does.
#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The signal `abort()` raises: 6 on every Unix that Rust supports.
const SIGABRT: i32 = 6;

fn run(exe: impl Into<PathBuf>) -> (Output, String) {
    let output = Command::new(exe.into())
        .output()
        .expect("could not run the program");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    (output, stdout)
}

#[test]
fn unwind_the_default_keeps_the_process_alive() {
    let (output, stdout) = run(env!("CARGO_BIN_EXE_ch03-40-panic-abort"));
    assert!(output.status.success());
    assert!(stdout.contains("main carries on"));
}

#[test]
fn abort_kills_the_process_with_sigabrt() {
    // Build the same source with `-C panic=abort`: what `panic = "abort"` in a
    // `[profile]` section of Cargo.toml passes to rustc.
    // The crate's directory as `cargo test` reports it when it runs us, so that a copy of
    // the crate compiles its own source.
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
    let source = PathBuf::from(dir).join("src/main.rs");
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ch03-36-panic-abort-abort");
    let status = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--edition", "2024", "-C", "panic=abort", "-o"])
        .arg(&exe)
        .arg(source)
        .status()
        .expect("could not run rustc");
    assert!(status.success(), "rustc failed");

    let (output, stdout) = run(&exe);
    assert_eq!(output.status.signal(), Some(SIGABRT), "{:?}", output.status);
    assert!(stdout.contains("main: waiting for the worker"));
    assert!(!stdout.contains("carries on"), "main must not get that far");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the worker failed"));
}
