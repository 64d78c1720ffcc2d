//! `loom::sync`, with the operations a schedule shows recorded: atomics, `Mutex` and
//! `Condvar`. Everything else is loom's own.

use crate::record::{self, Op, value};
use std::cell::Cell;
use std::fmt::Debug;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::LockResult;

pub use loom::sync::{Arc, Barrier, Notify, RwLock, mpsc};

/// `loom::sync::Mutex`; each acquisition records the wait, the value found, and on release
/// whether the holder read it (`Deref`) or wrote it (`DerefMut`), and the value left.
#[derive(Debug)]
pub struct Mutex<T> {
    inner: loom::sync::Mutex<T>,
    object: usize,
}

impl<T> Mutex<T> {
    pub fn new(data: T) -> Self {
        Mutex {
            inner: loom::sync::Mutex::new(data),
            object: record::new_object(),
        }
    }

    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }
}

impl<T: Debug> Mutex<T> {
    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        let at = Location::caller();
        record::step(self.object, at, Op::LockWait);
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        record::step(self.object, at, Op::Locked(value(&*inner)));
        Ok(MutexGuard {
            inner: Some(inner),
            object: self.object,
            at,
            read: Cell::new(false),
            written: Cell::new(false),
        })
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

/// The guard of a recorded [`Mutex`].
pub struct MutexGuard<'a, T: Debug> {
    inner: Option<loom::sync::MutexGuard<'a, T>>,
    object: usize,
    at: &'static Location<'static>,
    read: Cell<bool>,
    written: Cell<bool>,
}

impl<T: Debug> MutexGuard<'_, T> {
    fn data(&self) -> &T {
        self.inner.as_deref().expect("the guard holds the lock")
    }
}

impl<T: Debug> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.read.set(true);
        self.data()
    }
}

impl<T: Debug> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.written.set(true);
        self.inner.as_deref_mut().expect("the guard holds the lock")
    }
}

impl<T: Debug> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if self.inner.is_none() {
            return; // handed to a Condvar wait, which records its own release
        }
        let access = match (self.read.get(), self.written.get()) {
            (false, false) => "none",
            (true, false) => "read",
            (false, true) => "write",
            (true, true) => "read-write",
        };
        let left = value(self.data());
        record::step(self.object, self.at, Op::Unlock(access, left));
    }
}

/// `loom::sync::Condvar`, for recorded mutexes: a wait records the release and the
/// re-acquisition.
#[derive(Debug, Default)]
pub struct Condvar {
    inner: loom::sync::Condvar,
}

impl Condvar {
    pub fn new() -> Self {
        Condvar::default()
    }

    #[track_caller]
    pub fn wait<'a, T: Debug>(
        &self,
        mut guard: MutexGuard<'a, T>,
    ) -> LockResult<MutexGuard<'a, T>> {
        let at = Location::caller();
        let inner = guard.inner.take().expect("the guard holds the lock");
        record::step(guard.object, at, Op::Wait(value(&*inner)));
        let inner = self.inner.wait(inner).unwrap_or_else(|p| p.into_inner());
        record::step(guard.object, at, Op::Locked(value(&*inner)));
        guard.inner = Some(inner);
        guard.at = at;
        Ok(guard)
    }

    pub fn notify_one(&self) {
        self.inner.notify_one();
    }

    pub fn notify_all(&self) {
        self.inner.notify_all();
    }
}

pub mod atomic {
    //! loom's atomics, with each operation recorded with the value it read or wrote.

    use crate::record::{self, Op, value};
    use std::panic::Location;

    pub use loom::sync::atomic::{Ordering, fence};

    macro_rules! recorded_atomic {
        ($name:ident, $int:ty) => {
            #[derive(Debug)]
            pub struct $name {
                inner: loom::sync::atomic::$name,
                object: usize,
            }

            impl $name {
                pub fn new(v: $int) -> Self {
                    $name {
                        inner: loom::sync::atomic::$name::new(v),
                        object: record::new_object(),
                    }
                }

                #[track_caller]
                pub fn load(&self, order: Ordering) -> $int {
                    let v = self.inner.load(order);
                    record::step(self.object, Location::caller(), Op::Load(value(&v)));
                    v
                }

                #[track_caller]
                pub fn store(&self, v: $int, order: Ordering) {
                    self.inner.store(v, order);
                    record::step(self.object, Location::caller(), Op::Store(value(&v)));
                }

                #[track_caller]
                pub fn fetch_add(&self, v: $int, order: Ordering) -> $int {
                    let old = self.inner.fetch_add(v, order);
                    let new = old.wrapping_add(v);
                    record::step(
                        self.object,
                        Location::caller(),
                        Op::Rmw(value(&old), value(&new)),
                    );
                    old
                }

                #[track_caller]
                pub fn fetch_sub(&self, v: $int, order: Ordering) -> $int {
                    let old = self.inner.fetch_sub(v, order);
                    let new = old.wrapping_sub(v);
                    record::step(
                        self.object,
                        Location::caller(),
                        Op::Rmw(value(&old), value(&new)),
                    );
                    old
                }

                #[track_caller]
                pub fn swap(&self, v: $int, order: Ordering) -> $int {
                    let old = self.inner.swap(v, order);
                    record::step(
                        self.object,
                        Location::caller(),
                        Op::Rmw(value(&old), value(&v)),
                    );
                    old
                }

                #[track_caller]
                pub fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    let got = self.inner.compare_exchange(current, new, success, failure);
                    let what = match got {
                        Ok(old) => Op::Rmw(value(&old), value(&new)),
                        Err(seen) => Op::Load(value(&seen)),
                    };
                    record::step(self.object, Location::caller(), what);
                    got
                }
            }

            impl Default for $name {
                fn default() -> Self {
                    $name::new(0)
                }
            }
        };
    }

    recorded_atomic!(AtomicUsize, usize);
    recorded_atomic!(AtomicU64, u64);
    recorded_atomic!(AtomicU32, u32);
    recorded_atomic!(AtomicI64, i64);
    recorded_atomic!(AtomicI32, i32);
}
