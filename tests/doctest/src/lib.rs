//! No code of its own: see `build.rs` and `tests/skeptic.rs`.
