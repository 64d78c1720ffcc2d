//! Compiler output as the book shows it, the same on every machine and across dependency
//! releases (as trybuild normalises its expected `.stderr` files): a note pointing into a
//! dependency or the standard library keeps the file but loses the line, column and the
//! quoted source, which change with every release:
//!
//! ```text
//!    --> /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.54.1/src/task/spawn.rs:176:21
//! becomes
//!    --> $CARGO/tokio-$VERSION/src/task/spawn.rs
//! ```
//!
//! and `/rustc/<commit>/library/std/…` becomes `$RUST/std/…`. The listing's own lines are
//! kept exactly: they are the point of the output.

/// Free text (a panic message, a test's failure) as the book shows it: paths into the
/// registry and the standard library as `$CARGO/…` and `$RUST/…`, and no thread ids
/// (`thread 'main' (12345) panicked` is `thread 'main' panicked`), which change every run.
pub fn run_output(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut line = without_thread_id(line);
        while let Some(pos) = line.find("/registry/src/index.crates.io-") {
            let start = line[..pos].rfind([' ', '(', '\'']).map_or(0, |i| i + 1);
            let after = &line[pos + "/registry/src/index.crates.io-".len()..];
            let Some(slash) = after.find('/') else { break };
            line = format!("{}$CARGO/{}", &line[..start], &after[slash + 1..]);
        }
        while let Some(pos) = line.find("/rustc/") {
            let after = &line[pos + "/rustc/".len()..];
            let hash_len = after.bytes().take_while(u8::is_ascii_hexdigit).count();
            if hash_len != 40 {
                break;
            }
            let rest = &after[40..];
            let rest = rest
                .strip_prefix("/library/")
                .unwrap_or(rest.trim_start_matches('/'));
            line = format!("{}$RUST/{rest}", &line[..pos]);
        }
        out.push_str(&line);
    }
    out
}

/// A break's record: run output (see [`run_output`]) without what changes from run to run
/// or machine to machine: loopback ports (`127.0.0.1:41234` is `127.0.0.1:$PORT`), and no
/// trailing blank lines.
pub fn record(text: &str) -> String {
    let text = run_output(text);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(&without_ports(line));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `127.0.0.1:41234` or `localhost:41234` → `…:$PORT`.
fn without_ports(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(pos) = ["127.0.0.1:", "localhost:", "[::1]:"]
        .iter()
        .filter_map(|host| rest.find(host).map(|p| p + host.len()))
        .min()
    {
        let digits = rest[pos..].bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..pos]);
        if digits > 0 {
            out.push_str("$PORT");
        }
        rest = &rest[pos + digits..];
    }
    out.push_str(rest);
    out
}

/// `thread 'x' (12345) panicked at` → `thread 'x' panicked at`.
fn without_thread_id(line: &str) -> String {
    if let Some(start) = line.find("' (")
        && let Some(len) = line[start + 3..].find(") ")
        && len > 0
        && line[start + 3..start + 3 + len]
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return format!("{}'{}", &line[..start], &line[start + 3 + len + 1..]);
    }
    line.to_string()
}

/// Normalises rustc's rendered diagnostics.
pub fn compiler_output(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skipping_source = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if let Some((indent, path)) = arrow(body) {
            if let Some(external) = external_path(path) {
                out.push_str(indent);
                out.push_str("--> ");
                out.push_str(&external);
                out.push('\n');
                skipping_source = true;
                continue;
            }
            skipping_source = false;
        } else if skipping_source {
            if is_source_line(body) {
                continue;
            }
            skipping_source = false;
        }
        out.push_str(line);
    }
    out
}

/// `   --> path:line:col`: the indentation and the location.
fn arrow(line: &str) -> Option<(&str, &str)> {
    let pos = line.find("--> ")?;
    let (indent, rest) = line.split_at(pos);
    indent
        .chars()
        .all(char::is_whitespace)
        .then_some((indent, &rest[4..]))
}

/// The source excerpt under a location: `   |`, `17 |     code`, `...`.
fn is_source_line(line: &str) -> bool {
    let t = line.trim_start();
    let after_number = t
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    t == "..." || after_number.starts_with('|')
}

/// A location outside the listing, without its line and column; None for the listing's
/// own files.
fn external_path(location: &str) -> Option<String> {
    let file = strip_line_col(location);
    if let Some(pos) = file.find("/registry/src/") {
        // …/registry/src/index.crates.io-<hash>/tokio-1.54.1/src/task/spawn.rs
        let after = &file[pos + "/registry/src/".len()..];
        let (_index, krate_and_path) = after.split_once('/')?;
        let (krate, path) = krate_and_path.split_once('/')?;
        let name = match krate.rfind('-') {
            Some(dash) if krate[dash + 1..].starts_with(|c: char| c.is_ascii_digit()) => {
                &krate[..dash]
            }
            _ => krate,
        };
        return Some(format!("$CARGO/{name}-$VERSION/{path}"));
    }
    if let Some(rest) = file.strip_prefix("/rustc/") {
        // /rustc/<commit>/library/std/src/…
        let (_commit, path) = rest.split_once('/')?;
        return Some(format!(
            "$RUST/{}",
            path.strip_prefix("library/").unwrap_or(path)
        ));
    }
    None
}

fn strip_line_col(location: &str) -> &str {
    let mut s = location.trim();
    for _ in 0..2 {
        match s.rsplit_once(':') {
            Some((head, tail)) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) => {
                s = head
            }
            _ => break,
        }
    }
    s
}

#[cfg(test)]
mod tests {

    #[test]
    fn records_lose_ports_and_thread_ids() {
        assert_eq!(
            record(
                "thread 't' (4242) panicked at src/main.rs:1:1:\nbad: http://127.0.0.1:46329/fail?n=1\n\n\n"
            ),
            "thread 't' panicked at src/main.rs:1:1:\nbad: http://127.0.0.1:$PORT/fail?n=1\n"
        );
        assert_eq!(
            without_ports("localhost:80 and 127.0.0.1:"),
            "localhost:$PORT and 127.0.0.1:"
        );
    }

    use super::*;

    #[test]
    fn dependency_locations_lose_versions_lines_and_source() {
        let raw = "note: required by a bound in `tokio::spawn`\n   --> /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.54.1/src/task/spawn.rs:176:21\n    |\n174 |     pub fn spawn<F>(future: F) -> JoinHandle<F::Output>\n    |            ----- required by a bound in this function\n...\n176 |         F: Future + Send + 'static,\n    |                     ^^^^ required by this bound in `spawn`\n\nerror: aborting\n";
        assert_eq!(
            compiler_output(raw),
            "note: required by a bound in `tokio::spawn`\n   --> $CARGO/tokio-$VERSION/src/task/spawn.rs\n\nerror: aborting\n"
        );
    }

    #[test]
    fn standard_library_locations_become_rust() {
        let raw = "note: required by a bound\n  --> /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/scoped.rs:203:34\n   |\n   = note: x\n";
        assert_eq!(
            compiler_output(raw),
            "note: required by a bound\n  --> $RUST/std/src/thread/scoped.rs\n   = note: x\n"
        );
    }

    #[test]
    fn run_output_loses_thread_ids_and_machine_paths() {
        let raw = "thread 'm' (20230) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/loom-0.7.3/src/rt/execution.rs:215:13:\nthread 'main' panicked at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panicking.rs:233:5:\n";
        assert_eq!(
            run_output(raw),
            "thread 'm' panicked at $CARGO/loom-0.7.3/src/rt/execution.rs:215:13:\nthread 'main' panicked at $RUST/core/src/panicking.rs:233:5:\n"
        );
    }

    #[test]
    fn the_listings_own_lines_are_kept() {
        let raw = " --> src/main.rs:9:29\n  |\n9 |     let task = tokio::spawn(async {});\n  |                             ^^^^^\n";
        assert_eq!(compiler_output(raw), raw);
    }
}
