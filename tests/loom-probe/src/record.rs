//! The record of the current execution, and how it is printed.

use std::fmt::Debug;
use std::panic::Location;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The start of every line this crate prints.
pub const PREFIX: &str = "loom-probe\t";

/// One operation, in the order loom ran it.
struct Step {
    thread: usize,
    at: &'static Location<'static>,
    object: usize,
    op: Op,
}

/// What a step did, with the values it read (`Load`, `Rmw`'s old value, `Locked`) or left
/// (`Store`, `Rmw`'s new value, `Unlock`), as `Debug` prints them.
pub(crate) enum Op {
    Load(String),
    Store(String),
    Rmw(String, String),
    LockWait,
    Locked(String),
    /// Released; whether the holder read or wrote through the guard.
    Unlock(&'static str, String),
    /// A condition variable wait released the lock.
    Wait(String),
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Load(v) => write!(f, "load\t{v}"),
            Op::Store(v) => write!(f, "store\t{v}"),
            Op::Rmw(old, new) => write!(f, "rmw\t{old}\t{new}"),
            Op::LockWait => write!(f, "lock-wait"),
            Op::Locked(v) => write!(f, "locked\t{v}"),
            Op::Unlock(access, v) => write!(f, "unlock\t{access}\t{v}"),
            Op::Wait(v) => write!(f, "wait\t{v}"),
        }
    }
}

impl Op {
    /// The value this step read, if it read one.
    fn read(&self) -> Option<&str> {
        match self {
            Op::Load(v) | Op::Rmw(v, _) | Op::Locked(v) => Some(v),
            Op::Store(_) | Op::LockWait | Op::Unlock(..) | Op::Wait(_) => None,
        }
    }

    /// The value this step left in the object, if it wrote or released one.
    fn left(&self) -> Option<&str> {
        match self {
            Op::Store(v) | Op::Rmw(_, v) | Op::Unlock(_, v) | Op::Wait(v) => Some(v),
            Op::Load(_) | Op::LockWait | Op::Locked(_) => None,
        }
    }
}

/// Ordinary (not loom) memory: loom runs every model thread on one OS thread, switching
/// only inside loom operations, so this lock is never contended and is never held across
/// a switch.
static STEPS: Mutex<Vec<Step>> = Mutex::new(Vec::new());
static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
static OBJECTS: AtomicUsize = AtomicUsize::new(0);
static PRINTED: AtomicBool = AtomicBool::new(false);
/// Failing executions passed over because a read in them saw an older value.
static STALE_FAILURES: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn begin_execution() {
    EXECUTIONS.fetch_add(1, Ordering::Relaxed);
    OBJECTS.store(0, Ordering::Relaxed);
    steps().clear();
}

fn steps() -> std::sync::MutexGuard<'static, Vec<Step>> {
    STEPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A new shared object of this execution: objects are numbered in creation order.
pub(crate) fn new_object() -> usize {
    OBJECTS.fetch_add(1, Ordering::Relaxed)
}

/// The loom thread running now: 0 is the model's own thread.
fn current_thread() -> usize {
    let id = format!("{:?}", loom::thread::current().id());
    id.trim_start_matches("ThreadId(")
        .trim_end_matches(')')
        .parse()
        .unwrap_or(usize::MAX)
}

/// Records that the current thread did `op` to `object` at `at`.
pub(crate) fn step(object: usize, at: &'static Location<'static>, op: Op) {
    let thread = current_thread();
    steps().push(Step {
        thread,
        at,
        object,
        op,
    });
}

/// Whether every read of this execution saw the latest value written before it, in the
/// order the steps ran: an interleaving of the threads' steps, as on a machine where
/// `SeqCst` means one order for all. loom treats `SeqCst` loads and stores as `AcqRel`, so
/// it also explores executions where a load returns an older value.
fn reads_latest(steps: &[Step]) -> bool {
    let mut latest: std::collections::HashMap<usize, &str> = Default::default();
    for s in steps {
        if let (Some(read), Some(last)) = (s.op.read(), latest.get(&s.object))
            && read != *last
        {
            return false;
        }
        if let Some(left) = s.op.left() {
            latest.insert(s.object, left);
        }
    }
    true
}

pub(crate) fn value(v: &(impl Debug + ?Sized)) -> String {
    format!("{v:?}")
}

/// A panic in an execution where some read saw an older value is passed over silently
/// (`model` then lets loom go on exploring); the first panic in an execution where every
/// read saw the latest write prints that execution's record, once, then the panic's own
/// message.
pub(crate) fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !reads_latest(&steps()) {
            STALE_FAILURES.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if !PRINTED.swap(true, Ordering::Relaxed) {
            print_failing();
        }
        default(info);
    }));
}

/// Whether the current execution's panic is to be passed over (see the hook).
pub(crate) fn passing_over() -> bool {
    !reads_latest(&steps())
}

fn print_failing() {
    let n = EXECUTIONS.load(Ordering::Relaxed);
    let stale = STALE_FAILURES.load(Ordering::Relaxed);
    let mut out = format!("{PREFIX}failing execution\t{n}\t{stale}\n");
    for s in steps().iter() {
        out.push_str(&format!(
            "{PREFIX}step\t{}\t{}:{}:{}\t{}\t{}\n",
            s.thread,
            s.at.file(),
            s.at.line(),
            s.at.column(),
            s.object,
            s.op
        ));
    }
    eprint!("{out}");
}
