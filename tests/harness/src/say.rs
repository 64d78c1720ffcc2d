//! What the harness prints for people: [`say!`] writes a line to stderr, or, on a thread
//! whose output is being [`held`], into that thread's buffer, printed whole when its work
//! is done. Steps that run beside another (see `checks::run`) are held, so their lines come
//! out together instead of interleaved with the other step's. Threads started through
//! [`crate::parallel`] write where the thread that started them writes.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// Where a thread's lines go: stderr (`None`) or a shared buffer.
pub type Sink = Option<Arc<Mutex<String>>>;

thread_local! {
    static SINK: RefCell<Sink> = const { RefCell::new(None) };
}

/// A line for people, like `eprintln!`, to the calling thread's sink.
macro_rules! say {
    () => {
        $crate::say::line(String::new())
    };
    ($($arg:tt)*) => {
        $crate::say::line(format!($($arg)*))
    };
}

/// Writes one line to the calling thread's sink.
pub fn line(text: String) {
    SINK.with(|sink| match &*sink.borrow() {
        Some(buffer) => {
            let mut b = buffer.lock().unwrap_or_else(|e| e.into_inner());
            b.push_str(&text);
            b.push('\n');
        }
        None => eprintln!("{text}"),
    });
}

/// The calling thread's sink, to hand to a thread it starts (see [`with_sink`]).
pub fn sink() -> Sink {
    SINK.with(|sink| sink.borrow().clone())
}

/// Runs `f` with the calling thread's lines going to `sink`, then puts the old one back.
pub fn with_sink<R>(sink: Sink, f: impl FnOnce() -> R) -> R {
    let old = SINK.with(|s| s.replace(sink));
    let r = f();
    SINK.with(|s| s.replace(old));
    r
}

/// Runs `f` with everything it says (on this thread and the threads it starts through
/// [`crate::parallel`]) held back, and returns its result and those lines.
pub fn held<R>(f: impl FnOnce() -> R) -> (R, String) {
    let buffer = Arc::new(Mutex::new(String::new()));
    let r = with_sink(Some(buffer.clone()), f);
    let text = std::mem::take(&mut *buffer.lock().unwrap_or_else(|e| e.into_inner()));
    (r, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_lines_are_returned_in_order_and_the_sink_is_restored() {
        let ((), text) = held(|| {
            say!("one");
            let inner = sink();
            std::thread::scope(|s| {
                s.spawn(|| with_sink(inner, || say!("two {}", 2)));
            });
            say!();
        });
        assert_eq!(text, "one\ntwo 2\n\n");
        assert!(sink().is_none(), "the thread's sink is stderr again");
        // A thread started without its parent's sink writes to stderr, not the buffer.
        let ((), text) = held(|| {
            std::thread::scope(|s| {
                s.spawn(|| assert!(sink().is_none()));
            });
        });
        assert_eq!(text, "");
    }
}
