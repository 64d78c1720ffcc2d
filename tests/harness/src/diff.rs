//! Showing what changed between the output a page shows and the output a run printed: a
//! line diff (similar's Myers diff), so one inserted line marks one line, not the rest.

use similar::{ChangeTag, TextDiff};

/// The lines of `shown` and `printed`, each marked `-` (only in the book), `+` (only in
/// the run) or ` ` (both), with three lines of context around each change.
pub fn lines(shown: &str, printed: &str) -> String {
    let diff = TextDiff::from_lines(shown, printed);
    let mut out = String::new();
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push_str("  ...\n");
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let text = change.value();
                out.push_str(&format!("  {sign} {}\n", text.trim_end_matches('\n')));
                if change.missing_newline() {
                    out.push_str("    (no newline at the end)\n");
                }
            }
        }
    }
    out.push_str("  (- shown in the book, + printed by the listing)");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_inserted_line_is_one_change() {
        let d = lines("a\nb\nc\n", "a\nnew\nb\nc\n");
        assert_eq!(
            d,
            "    a\n  + new\n    b\n    c\n  (- shown in the book, + printed by the listing)"
        );
    }

    #[test]
    fn a_missing_final_newline_is_shown() {
        let d = lines("a\n", "a");
        assert!(d.contains("no newline at the end"), "{d}");
    }
}
