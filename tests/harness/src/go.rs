//! The Go side of the book: every Go snippet the pages show is a `.go` file that this
//! step formats, vets, builds and (for programs the book calls buggy) runs many times.
//!
//! Stub: the Go helper fills this in (issue 14).

use anyhow::Result;
use std::path::Path;

/// Problems found, each naming the Go file at fault.
pub fn check(_root: &Path) -> Result<Vec<String>> {
    Ok(vec![])
}
