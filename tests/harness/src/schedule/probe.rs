//! Reading a model's run: the steps `tests/loom-probe` printed for the failing execution
//! (reduced to rows by `reduce`), the count loom prints for a passing model, and the
//! model's panic in one line.

use anyhow::{Context, Result, bail};

/// The start of each line `loom-probe` prints (its `PREFIX`).
pub(super) const PREFIX: &str = "loom-probe\t";

/// One operation as the probe recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// loom's thread id: 0 is the model's own thread.
    pub thread: usize,
    /// `src/main.rs`, as the compiler named the file.
    pub file: String,
    pub line: usize,
    /// 1-based, in characters: where the method's name starts.
    pub column: usize,
    /// The shared object, numbered in creation order within the execution.
    pub object: usize,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Load(String),
    Store(String),
    Rmw(String, String),
    LockWait,
    Locked(String),
    /// Released: whether the holder read and wrote through the guard, and the value left.
    Unlock {
        read: bool,
        wrote: bool,
        left: String,
    },
    Wait(String),
}

/// The failing execution the probe printed: its number, how many failing executions
/// before it were passed over, and its steps. None if the probe printed none (the model
/// passed, or failed before the probe saw it).
pub fn failing(text: &str) -> Result<Option<(u64, u64, Vec<Step>)>> {
    let mut found = None;
    let mut steps = Vec::new();
    for line in text.lines() {
        // libtest may have printed `test NAME ... ` on the same line first.
        let Some((_, rest)) = line.split_once(PREFIX) else {
            continue;
        };
        let fields: Vec<&str> = rest.split('\t').collect();
        match fields.as_slice() {
            ["failing execution", n, m] => found = Some((n.parse()?, m.parse()?)),
            ["step", ..] => steps.push(
                parse_step(&fields[1..])
                    .with_context(|| format!("reading the probe's line `{line}`"))?,
            ),
            _ => {}
        }
    }
    Ok(found.map(|(n, m)| (n, m, steps)))
}

fn parse_step(f: &[&str]) -> Result<Step> {
    let [thread, at, object, op, values @ ..] = f else {
        bail!("too few fields");
    };
    let mut at = at.rsplitn(3, ':');
    let (column, line, file) = (at.next(), at.next(), at.next());
    let (Some(column), Some(line), Some(file)) = (column, line, file) else {
        bail!("`FILE:LINE:COLUMN` expected");
    };
    let value = |i: usize| -> Result<String> {
        values
            .get(i)
            .map(|v| v.to_string())
            .with_context(|| format!("`{op}` needs {} value(s)", i + 1))
    };
    let op = match *op {
        "load" => Op::Load(value(0)?),
        "store" => Op::Store(value(0)?),
        "rmw" => Op::Rmw(value(0)?, value(1)?),
        "lock-wait" => Op::LockWait,
        "locked" => Op::Locked(value(0)?),
        "wait" => Op::Wait(value(0)?),
        "unlock" => {
            let access = value(0)?;
            Op::Unlock {
                read: access.contains("read"),
                wrote: access.contains("write"),
                left: value(1)?,
            }
        }
        other => bail!("unknown operation `{other}`"),
    };
    Ok(Step {
        thread: thread.parse()?,
        file: file.to_string(),
        line: line.parse()?,
        column: column.parse()?,
        object: object.parse()?,
        op,
    })
}

/// loom's own count for a model that passed: `Completed in N iterations`, which it logs
/// with `LOOM_LOG=loom::model=info`.
pub fn explored(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let l = strip_ansi(l);
        let n = l.split("Completed in ").nth(1)?;
        n.strip_suffix(" iterations")?.trim().parse().ok()
    })
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The model's panic, in one line: `assertion `left == right` failed (left: 1, right: 2)`.
pub fn ending(panic_lines: &str) -> String {
    let lines: Vec<&str> = panic_lines
        .lines()
        .skip_while(|l| !l.contains("panicked at "))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.split_first() {
        None => "the model panics".into(),
        Some((first, [])) => first.to_string(),
        Some((first, rest)) => format!("{first} ({})", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loom_s_count_and_the_panic_read_as_one_line() {
        let log = "\u{1b}[32m INFO\u{1b}[0m \u{1b}[2mloom::model\u{1b}[0m\u{1b}[2m:\u{1b}[0m Completed in 27 iterations\n";
        assert_eq!(explored(log), Some(27));
        assert_eq!(explored("test m ... ok\n"), None);
        let panic = "thread 'm' panicked at src/main.rs:50:24:\nassertion `left == right` failed\n  left: 1\n right: 2\n";
        assert_eq!(
            ending(panic),
            "assertion `left == right` failed (left: 1, right: 2)"
        );
    }

    #[test]
    fn a_malformed_probe_line_is_an_error() {
        let text = format!(
            "{PREFIX}failing execution\t1\t0\n{PREFIX}step\t1\tsrc/main.rs:2\t0\tload\t0\n"
        );
        assert!(failing(&text).is_err());
        let text =
            format!("{PREFIX}failing execution\t1\t0\n{PREFIX}step\t1\tsrc/main.rs:2:3\t0\tjump\n");
        assert!(failing(&text).is_err());
        assert_eq!(failing("test ok\n").unwrap(), None);
    }
}
