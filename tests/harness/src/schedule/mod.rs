//! The interleaving a loom model fails in, as the book draws it under the listing, and
//! for a model that passes, how many executions loom explored.
//!
//! A model's record is `schedule.txt` beside its `Cargo.toml`, written by the schedules
//! step from a real loom run (`probe` reads that run) and compared whole on every run; the
//! preprocessor draws it (`html`). loom explores executions in a fixed order (a
//! depth-first walk of its choices), so for one model and one loom version the first
//! failing execution, and the number a passing model explores, are always the same: the
//! record names the loom version it was made with, from `Cargo.lock`, and a different
//! version fails the comparison until the record is re-made with `--bless`.

pub mod html;
pub mod probe;
pub mod reduce;

use anyhow::{Context, Result, bail};
use std::path::Path;

/// The loom version `Cargo.lock` pins: the exploration order, and so the record, depend on it.
pub fn loom_version(root: &Path) -> Result<String> {
    let lock = fs_err::read_to_string(root.join("Cargo.lock"))?;
    lock.split("[[package]]")
        .find(|p| p.contains("\nname = \"loom\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
        .context("Cargo.lock has no loom package")
}

/// Makes the copy at `manifest` build its loom model against `tests/loom-probe` instead of
/// loom: its one `loom = "…"` dependency line becomes a renamed path dependency, so the
/// source still says `loom::`.
pub fn use_probe(root: &Path, manifest: &Path) -> Result<()> {
    let text = fs_err::read_to_string(manifest)?;
    let mut section = "";
    let mut lines = Vec::new();
    for l in text.lines() {
        if l.starts_with('[') {
            section = l.trim();
        } else if section.ends_with("dependencies]") && l.starts_with("loom = \"") {
            lines.push(l);
        }
    }
    let [line] = lines.as_slice() else {
        bail!(
            "{}: expected one `loom = \"…\"` dependency line, found {}",
            manifest.display(),
            lines.len()
        );
    };
    let probe = root.join("tests/loom-probe");
    let with = format!(
        "loom = {{ package = \"loom-probe\", path = \"{}\" }}",
        probe.display()
    );
    crate::files::write_if_changed(manifest, text.replacen(line, &with, 1).as_bytes())
}

/// The file beside a listing's `Cargo.toml`.
pub const FILE: &str = "schedule.txt";

/// What loom did with a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A model that must fail: the execution it fails in.
    Failing(Failing),
    /// A model that must pass: every execution loom explored passed.
    Explored {
        model: String,
        loom: String,
        executions: u64,
    },
}

/// The first failing execution in loom's order in which every read sees the latest write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub model: String,
    pub loom: String,
    /// Its number in loom's order (1 is the first execution loom ran).
    pub execution: u64,
    /// Failing executions before it in which some read saw an older value: loom treats
    /// `SeqCst` loads and stores as `AcqRel`, which allows that.
    pub passed_over: u64,
    /// The threads, in the order of loom's thread ids: `main`, `thread 1`, …
    pub lanes: Vec<String>,
    /// For each lane, the functions its steps are in: `increment`, `log`.
    pub functions: Vec<String>,
    pub rows: Vec<Row>,
    /// How the execution ends: the model's assertion, or loom's deadlock report.
    pub ending: String,
    /// The schedule in one sentence.
    pub summary: String,
}

/// One step of one thread, in the order loom ran them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Index into `lanes`.
    pub lane: usize,
    /// The code that did it: `counter.load(…)`.
    pub code: String,
    /// What it did: `reads 0`, `writes 1`, `waits: held by main`.
    pub what: String,
    /// Why this is the step that loses the update or closes the cycle.
    pub mark: Option<String>,
}

impl Record {
    /// The text of `schedule.txt`.
    pub fn to_text(&self) -> String {
        match self {
            Record::Explored {
                model,
                loom,
                executions,
            } => format!("model {model}\nloom {loom}\nexplored {executions}\n"),
            Record::Failing(f) => f.to_text(),
        }
    }

    /// Reads `schedule.txt`.
    pub fn parse(text: &str) -> Result<Record> {
        let mut fields = Fields::new(text);
        let model = fields.one("model")?;
        let loom = fields.one("loom")?;
        if let Some(n) = fields.optional("explored") {
            let executions = n.parse().context("`explored` must be a number")?;
            fields.end()?;
            return Ok(Record::Explored {
                model,
                loom,
                executions,
            });
        }
        let (execution, passed_over) = parse_execution(&fields.one("execution")?)?;
        let lanes: Vec<String> = fields
            .one("lanes")?
            .split(" | ")
            .map(String::from)
            .collect();
        let functions: Vec<String> = fields.one("in")?.split(" | ").map(String::from).collect();
        anyhow::ensure!(
            functions.len() == lanes.len(),
            "`in` names {} lanes' functions, `lanes` has {}",
            functions.len(),
            lanes.len()
        );
        let mut rows = Vec::new();
        while let Some(step) = fields.optional("step") {
            rows.push(parse_row(&step, &lanes)?);
        }
        let ending = fields.one("ends")?;
        let summary = fields.one("summary")?;
        fields.end()?;
        Ok(Record::Failing(Failing {
            model,
            loom,
            execution,
            passed_over,
            lanes,
            functions,
            rows,
            ending,
            summary,
        }))
    }
}

impl Failing {
    fn to_text(&self) -> String {
        let mut s = format!(
            "model {}\nloom {}\nexecution {} ({} earlier failing executions passed over: a read in them saw an older value)\nlanes {}\nin {}\n",
            self.model,
            self.loom,
            self.execution,
            self.passed_over,
            self.lanes.join(" | "),
            self.functions.join(" | ")
        );
        for r in &self.rows {
            s.push_str(&format!(
                "step {} | {} | {}",
                self.lanes[r.lane], r.code, r.what
            ));
            if let Some(mark) = &r.mark {
                s.push_str(&format!(" | {mark}"));
            }
            s.push('\n');
        }
        s.push_str(&format!("ends {}\nsummary {}\n", self.ending, self.summary));
        s
    }
}

fn parse_execution(text: &str) -> Result<(u64, u64)> {
    let (n, rest) = text
        .split_once(" (")
        .context("`execution N (M earlier …)`")?;
    let m = rest.split_whitespace().next().unwrap_or_default();
    Ok((
        n.parse().context("the execution's number")?,
        m.parse().context("how many were passed over")?,
    ))
}

fn parse_row(text: &str, lanes: &[String]) -> Result<Row> {
    let parts: Vec<&str> = text.split(" | ").collect();
    let (lane, code, what, mark) = match parts.as_slice() {
        [lane, code, what] => (lane, code, what, None),
        [lane, code, what, mark] => (lane, code, what, Some(mark.to_string())),
        _ => bail!("`step LANE | CODE | WHAT [| MARK]`, not `{text}`"),
    };
    let lane = lanes
        .iter()
        .position(|l| l == lane)
        .with_context(|| format!("`{lane}` is not one of the lanes {lanes:?}"))?;
    Ok(Row {
        lane,
        code: code.to_string(),
        what: what.to_string(),
        mark,
    })
}

/// `key value` lines, read in order.
struct Fields<'a> {
    lines: std::iter::Peekable<std::str::Lines<'a>>,
}

impl<'a> Fields<'a> {
    fn new(text: &'a str) -> Self {
        Fields {
            lines: text.lines().peekable(),
        }
    }

    fn optional(&mut self, key: &str) -> Option<String> {
        let value = self.lines.peek()?.strip_prefix(key)?.strip_prefix(' ')?;
        let value = value.to_string();
        self.lines.next();
        Some(value)
    }

    fn one(&mut self, key: &str) -> Result<String> {
        let next = self.lines.peek().copied().unwrap_or("the end of the file");
        self.optional(key)
            .with_context(|| format!("expected a `{key} …` line, found `{next}`"))
    }

    fn end(&mut self) -> Result<()> {
        match self.lines.next() {
            None => Ok(()),
            Some(extra) => bail!("unexpected line `{extra}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn lost_update() -> Record {
        Record::Failing(Failing {
            model: "loom_model::two_increments".into(),
            loom: "0.7.3".into(),
            execution: 28,
            passed_over: 18,
            lanes: vec!["main".into(), "thread 1".into(), "thread 2".into()],
            functions: vec!["count".into(), "increment".into(), "increment".into()],
            rows: vec![
                Row {
                    lane: 1,
                    code: "counter.load(…)".into(),
                    what: "reads 0".into(),
                    mark: None,
                },
                Row {
                    lane: 2,
                    code: "counter.store(…)".into(),
                    what: "writes 1".into(),
                    mark: Some("overwrites thread 1's 1".into()),
                },
            ],
            ending: "assertion `left == right` failed (left: 1, right: 2)".into(),
            summary: "One increment is lost.".into(),
        })
    }

    #[test]
    fn records_read_back_as_written() {
        for r in [
            lost_update(),
            Record::Explored {
                model: "m".into(),
                loom: "0.7.3".into(),
                executions: 27,
            },
        ] {
            assert_eq!(Record::parse(&r.to_text()).unwrap(), r);
        }
    }

    #[test]
    fn a_malformed_record_is_an_error_that_says_where() {
        let text = lost_update().to_text();
        let bad_lane = text.replace("step thread 2", "step thread 9");
        let e = Record::parse(&bad_lane).unwrap_err();
        assert!(format!("{e:#}").contains("`thread 9` is not one of the lanes"));
        let missing = text.replace("summary One increment is lost.\n", "");
        let e = Record::parse(&missing).unwrap_err();
        assert!(format!("{e:#}").contains("expected a `summary …` line"));
        let extra = format!("{text}left over\n");
        assert!(Record::parse(&extra).is_err());
    }
}
