//! Time limits, stated once. A listing's program must finish in seconds; a test binary in
//! well under a minute; the rest are whole steps.

use std::time::Duration;

/// One listing's program.
pub const PROGRAM: Duration = Duration::from_secs(10);
/// One benchmark's quick run.
pub const QUICK_BENCH: Duration = Duration::from_secs(120);
/// One test binary of a listing (all its tests). Past libtest's own 60 s warning,
/// which stops a hung test at once and names it.
pub const TEST_BINARY: Duration = Duration::from_secs(90);
/// One loom model.
pub const LOOM_MODEL: Duration = Duration::from_secs(120);
/// One chapter under `mdbook test`.
pub const MDBOOK_TEST_CHAPTER: Duration = Duration::from_secs(5 * 60);
/// The whole book under `mdbook test` (about 30 s of rustdoc on a 2-core machine).
pub const MDBOOK_TEST_BOOK: Duration = Duration::from_secs(10 * 60);
/// The whole skeptic run (a block stuck for 60 s stops it sooner).
pub const SKEPTIC: Duration = Duration::from_secs(30 * 60);
