//! A break's record, `breaks/<id>.txt`: the failure as the reader's own command prints it
//! (normalised), compared whole on every run and written with `--bless`.

use crate::context::Ctx;
use crate::declaration::{Break, Listing};
use anyhow::Result;

/// Compares the failure with its record `breaks/<id>.txt`, whole (both normalised), or
/// writes it with `--bless`.
pub(super) fn record(
    ctx: &Ctx,
    l: &Listing,
    b: &Break,
    excerpt: &str,
    bless: bool,
) -> Result<Option<String>> {
    let excerpt = &crate::normalize::record(excerpt);
    let file = l.break_record(b);
    if silent(excerpt) {
        // A check that fails without saying why may have failed for another reason (a
        // copy cargo refused): it proves nothing, and is neither recorded nor passed.
        return Ok(Some(format!(
            "{}: break `{}` turned its check red, but the failure printed nothing to record: make the check fail for the reason the break names",
            ctx.rel(&file),
            b.id()
        )));
    }
    if bless {
        // A record that still matches (its `[..]` and `...` marks included) is kept as reviewed.
        if let Ok(recorded) = fs_err::read_to_string(&file)
            && compare_record(&recorded, excerpt).is_none()
        {
            return Ok(None);
        }
        crate::files::write_if_changed(&file, excerpt.as_bytes())?;
        say!("    recorded {}", ctx.rel(&file));
        return Ok(None);
    }
    let Ok(recorded) = fs_err::read_to_string(&file) else {
        // Reported by `missing_records`.
        return Ok(None);
    };
    Ok(compare_record(&recorded, excerpt).map(|diff| {
        format!(
            "{}: break `{}` now fails differently from what the book shows:\n{diff}\n  re-record with `cargo xtask test --only breaks --listing {} --bless` and review it",
            ctx.rel(&file),
            b.id(),
            l.package
        )
    }))
}

/// Whether a failure says nothing (blank once normalised).
fn silent(failure: &str) -> bool {
    failure.trim().is_empty()
}

/// The diff between a record and a new failure, if they differ at all.
fn compare_record(recorded: &str, failure: &str) -> Option<String> {
    let recorded = crate::normalize::record(recorded);
    (!crate::expected::matches_record(&recorded, failure))
        .then(|| crate::diff::lines(&recorded, failure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_that_prints_nothing_is_not_a_record() {
        assert!(silent("\n") && silent(""));
        assert!(!silent("error[E0432]: unresolved import\n"));
    }

    #[test]
    fn records_are_compared_whole() {
        let record = "test t ... FAILED
  left: 10
";
        assert_eq!(compare_record(record, record), None);
        // A changed figure on a later line is a different failure.
        assert!(
            compare_record(
                record,
                "test t ... FAILED
  left: 7
"
            )
            .is_some()
        );
        assert!(
            compare_record(
                record,
                "test t ... FAILED
"
            )
            .is_some()
        );
    }
}
