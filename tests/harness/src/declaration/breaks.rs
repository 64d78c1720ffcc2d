//! Breaks: an edit that makes a listing's claim false, its stable id, and the check
//! (`Fails`) it must turn red.

use serde::Deserialize;

/// An edit that makes the listing's claim false, and the check that must then fail.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// What the edit does, as a reader would say it: "forget to abort the other tasks".
    pub does: String,
    /// The break's name: its record is `breaks/<id>.txt`. Derived from `does` when absent
    /// (lowercase words joined by `-`), so reordering breaks never swaps their records.
    id: Option<String>,
    /// The file to edit, relative to the crate; the shown file if absent.
    pub file: Option<String>,
    /// Text that occurs exactly once in that file.
    pub find: String,
    pub replace: String,
    pub fails: Fails,
}

impl Break {
    /// The break's stable name (see `id`).
    pub fn id(&self) -> String {
        self.id.clone().unwrap_or_else(|| slug(&self.does))
    }
}

/// "Forget to `abort` the tasks!" → `forget-to-abort-the-tasks`, at most 60 characters,
/// cut at a word.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !s.is_empty() && s.len() + 1 + word.len() > 60 {
            break;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&word.to_ascii_lowercase());
    }
    s
}

pub(super) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The check a break must turn red.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fails {
    /// The run check of the listing's kind (exit status, panic message, stdout).
    Output,
    /// compile-fail: the declared errors; any other kind: the build.
    Compile,
    /// The loom model's declared verdict.
    Loom,
    /// The loom model's recorded schedule (or, for a passing model, its count).
    Schedule,
    /// One test of the crate, by its full name.
    Test(String),
}

impl std::fmt::Display for Fails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fails::Output => f.write_str("output"),
            Fails::Compile => f.write_str("compile"),
            Fails::Loom => f.write_str("loom"),
            Fails::Schedule => f.write_str("schedule"),
            Fails::Test(name) => write!(f, "test {name}"),
        }
    }
}

impl std::str::FromStr for Fails {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "output" => Ok(Fails::Output),
            "compile" => Ok(Fails::Compile),
            "loom" => Ok(Fails::Loom),
            "schedule" => Ok(Fails::Schedule),
            other => match other.strip_prefix("test ") {
                Some(name) if !name.trim().is_empty() => Ok(Fails::Test(name.trim().into())),
                _ => Err(format!(
                    "`fails = \"{other}\"`: expected \"output\", \"compile\", \"loom\" or \"test <name>\""
                )),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Fails {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_named_for_what_they_do() {
        assert_eq!(
            slug("Forget to `abort` the tasks!"),
            "forget-to-abort-the-tasks"
        );
        assert_eq!(slug("count one CPU too many"), "count-one-cpu-too-many");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
        assert!(is_slug("a-b-1"));
        assert!(!is_slug("A-b") && !is_slug("-a") && !is_slug(""));
    }
}
