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
    // The source is compiled into this test, so that a change to it rebuilds the test.
    let source = include_str!("../src/main.rs");
    // A name of our own: other runs of this test may be building theirs at the same time.
    let name = format!("ch03-40-panic-abort-abort-{}", std::process::id());
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let source_file = exe.with_extension("rs");
    std::fs::write(&source_file, source).expect("could not write the source");
    let built = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--edition", "2024", "-C", "panic=abort", "-o"])
        .arg(&exe)
        .arg(&source_file)
        .output()
        .expect("could not run rustc");
    let rustc_said = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "rustc failed:\n{rustc_said}");

    let (output, stdout) = run(&exe);
    assert_eq!(output.status.signal(), Some(SIGABRT), "{:?}", output.status);
    assert!(stdout.contains("main: waiting for the worker"));
    assert!(!stdout.contains("carries on"), "main must not get that far");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the worker failed"));
    let _ = std::fs::remove_file(&exe);
    let _ = std::fs::remove_file(&source_file);
}
