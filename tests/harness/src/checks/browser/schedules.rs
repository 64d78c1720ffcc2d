//! The loom schedules on a page, checked as a reader sees them: in the light theme, the
//! dark one and with the print styles (theme/listings.js's `scheduleReads` marks how many
//! are laid out with a column per thread and text and mark standing out).

use super::devtools::Browser;
use super::{WIDE, render_as};
use crate::checks::Problems;
use anyhow::Result;
use std::path::Path;

/// Each loom schedule on the page reads in the light theme, the dark one and in print
/// (theme/listings.js's `scheduleReads`): laid out, a column per thread, text and mark
/// standing out from the background.
pub(super) fn read(
    b: &mut Browser,
    page: &Path,
    rel: &str,
    source: &str,
    light: &str,
) -> Result<Problems> {
    let want = source.matches("<figure class=\"schedule\">").count();
    if want == 0 {
        return Ok(vec![]);
    }
    let expected = format!("{want}/{want}");
    let mut p = Vec::new();
    for (how, more) in [
        ("light theme", ""),
        ("dark theme (coal)", "&theme=coal"),
        ("print styles", "&media=print"),
    ] {
        let dom = if more.is_empty() {
            light.to_string()
        } else {
            render_as(b, page, WIDE, more)?
        };
        match crate::html::attribute_values(&dom, "data-schedules").into_iter().next() {
            Some(got) if got == expected => {}
            got => p.push(format!(
                "{rel}: loom schedules in the {how}: {} of {want} laid out with readable text and a visible mark",
                got.unwrap_or_else(|| "no mark: theme/listings.js did not run".into())
            )),
        }
    }
    Ok(p)
}
