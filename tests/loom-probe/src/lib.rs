//! loom, observed. The schedules step builds a copy of a listing's loom model with this
//! crate in loom's place (`loom = { package = "loom-probe", … }` in the copy's
//! Cargo.toml, so the model's source is untouched). It re-exports loom and wraps the
//! types whose operations a schedule shows (atomics, `Mutex`, `Condvar`): each wrapper
//! performs exactly the loom operation it wraps and records, in ordinary memory, which
//! loom thread did what, where in the source, and the value read or written.
//!
//! The records never touch loom's state, so loom explores the same executions in the same
//! order as with loom itself. `model` clears the record when each execution starts. When
//! an execution panics (the model's assertion, or loom's deadlock report), a panic hook
//! prints its record to stderr, unless some read in it saw an older value than the latest
//! write: loom treats `SeqCst` loads and stores as `AcqRel` and so explores such
//! executions, which a `SeqCst` program never has. Those are passed over silently (the
//! panic is caught inside the model, so loom goes on exploring) and counted. Each line
//! starts with [`PREFIX`]; `tests/harness/src/schedule/probe.rs` reads them.

pub use loom::{cell, hint, lazy_static, thread, thread_local};

mod record;
pub mod sync;

pub use record::PREFIX;

/// `loom::model`, with a record of each execution.
pub fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    record::install_panic_hook();
    loom::model(move || {
        record::begin_execution();
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&f));
        if let Err(panic) = ran
            && !record::passing_over()
        {
            std::panic::resume_unwind(panic);
        }
    });
}
