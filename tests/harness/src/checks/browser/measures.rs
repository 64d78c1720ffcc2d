//! What the pages measured, kept across runs, for the summary: each listing's visible
//! lines, blocks needing horizontal scrolling, elements sticking out on a phone.

use super::{Checked, MAX_VISIBLE_LINES};
use anyhow::Result;
use fs_err as fs;
use std::path::{Path, PathBuf};

/// What the pages measured, kept across runs (a page that passed is not rendered again),
/// so each run can report the longest listing of the whole book.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Measures {
    /// By the page's cache key: the figures of the page as it is now, never of an earlier
    /// version of it.
    pages: std::collections::BTreeMap<String, PageMeasure>,
}

/// One page's figures: each listing's anchor and visible lines, blocks needing horizontal
/// scrolling at 1280 px, elements sticking out at 390 px.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(super) struct PageMeasure {
    page: String,
    listings: Vec<(String, usize)>,
    clipped: usize,
    overflowing: usize,
}

impl Measures {
    pub(super) fn file(work: &Path) -> PathBuf {
        work.join("measures.json")
    }

    pub(super) fn load(work: &Path) -> Measures {
        fs::read_to_string(Self::file(work))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub(super) fn record(&mut self, key: String, page: String, c: &Checked) {
        self.pages.insert(
            key,
            PageMeasure {
                page,
                listings: c.listing_lines.clone(),
                clipped: c.clipped,
                overflowing: c.overflowing,
            },
        );
    }

    pub(super) fn retain_keys(&mut self, keys: &[String]) {
        self.pages.retain(|k, _| keys.contains(k));
    }

    pub(super) fn save(&self, work: &Path) -> Result<()> {
        fs::write(Self::file(work), serde_json::to_string_pretty(self)?)?;
        Ok(())
    }

    pub(super) fn summary(&self) -> String {
        let longest = self
            .pages
            .values()
            .flat_map(|m| m.listings.iter().map(move |(id, n)| (*n, id, &m.page)))
            .max();
        let clipped: usize = self.pages.values().map(|m| m.clipped).sum();
        let overflowing: usize = self.pages.values().map(|m| m.overflowing).sum();
        let listings: usize = self.pages.values().map(|m| m.listings.len()).sum();
        let longest = match longest {
            Some((n, id, page)) => format!(
                "the longest shows {n} lines ({} on {page})",
                id.replace("listing-", "Listing ")
            ),
            None => "none measured".into(),
        };
        format!(
            "layout: {listings} listings measured, {longest}; limit {MAX_VISIBLE_LINES}; {clipped} table(s) or code block(s) needing horizontal scrolling at 1280 px; {overflowing} element(s) sticking out at 390 px"
        )
    }
}
