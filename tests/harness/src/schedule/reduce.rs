//! A failing execution's steps reduced to the rows the book draws: one row per step that
//! matters, the write that loses an update or the wait that closes a deadlock's cycle
//! marked, and the sentence that says what went wrong.

use super::Row;
use super::probe::{Op, Step};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap};

/// The code at a step: the receiver and method the location points into, as
/// `self.pending.lock(…)`, from the listing's source (`source` maps the compiler's file
/// name to its text).
pub fn code_at(step: &Step, source: &dyn Fn(&str) -> Option<String>) -> Result<String> {
    let text = source(&step.file).with_context(|| format!("no source for `{}`", step.file))?;
    let line: Vec<char> = text
        .lines()
        .nth(step.line.saturating_sub(1))
        .with_context(|| format!("{} has no line {}", step.file, step.line))?
        .chars()
        .collect();
    let start = step.column.saturating_sub(1).min(line.len());
    let method: String = line[start..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_')
        .collect();
    let dot = start.checked_sub(1).filter(|&d| line[d] == '.');
    let Some(dot) = dot.filter(|_| !method.is_empty()) else {
        bail!(
            "{}:{}:{} is not the name of a method called on a value",
            step.file,
            step.line,
            step.column
        );
    };
    let receiver_start = line[..dot]
        .iter()
        .rposition(|c| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(0, |i| i + 1);
    let receiver: String = line[receiver_start..dot].iter().collect();
    Ok(format!("{receiver}.{method}(…)"))
}

/// How a lane is named in a sentence.
pub fn who(lane: &str) -> String {
    if lane == "main" {
        "the main thread".into()
    } else {
        lane.to_string()
    }
}

/// The lanes (`main`, `thread 1`, …) of the threads that appear, by loom's thread id.
pub fn lanes(steps: &[Step]) -> BTreeMap<usize, String> {
    steps
        .iter()
        .map(|s| {
            let name = match s.thread {
                0 => "main".to_string(),
                n => format!("thread {n}"),
            };
            (s.thread, name)
        })
        .collect()
}

/// The function whose body holds line `line` (1-based) of `text`: the nearest `fn NAME`
/// at or above it.
pub fn enclosing_fn(text: &str, line: usize) -> Option<String> {
    text.lines()
        .take(line)
        .collect::<Vec<_>>()
        .iter()
        .rev()
        .find_map(|l| {
            let at = l.find("fn ")?;
            let before = &l[..at];
            let is_item = before.trim().is_empty()
                || before.trim_end().ends_with("pub")
                || before.contains("pub(");
            let name: String = l[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (is_item && !name.is_empty()).then_some(name)
        })
}

/// For each lane, the functions its steps are in, in order of first appearance.
fn functions(
    steps: &[Step],
    lanes: &BTreeMap<usize, String>,
    source: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    lanes
        .keys()
        .map(|t| {
            let mut names: Vec<String> = Vec::new();
            for s in steps.iter().filter(|s| s.thread == *t) {
                if let Some(name) = source(&s.file).and_then(|text| enclosing_fn(&text, s.line))
                    && !names.contains(&name)
                {
                    names.push(name);
                }
            }
            names.join(", ")
        })
        .collect()
}

/// The rows the book draws, and the sentence that says what went wrong.
pub struct Reduced {
    pub lanes: Vec<String>,
    /// For each lane, the functions its steps are in (`increment`, `log`).
    pub functions: Vec<String>,
    pub rows: Vec<Row>,
    pub summary: Option<String>,
}

/// Reduces the steps to rows: a lock taken and released with no other thread's step in
/// between is one row (`reads 0`, `writes 1`); a wait for a lock is shown only when
/// another thread holds it (or, at the end, when it never got it); the write that loses
/// an update (a thread writes over another thread's write made after its own last read)
/// and the wait that closes a deadlock's cycle are marked.
pub fn reduce(steps: &[Step], source: &dyn Fn(&str) -> Option<String>) -> Result<Reduced> {
    let lane_of = lanes(steps);
    let index: HashMap<usize, usize> = lane_of.keys().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut r = Reducer {
        lane_names: lane_of.values().cloned().collect(),
        index,
        ..Reducer::default()
    };
    let mut i = 0;
    while i < steps.len() {
        let s = &steps[i];
        let code = code_at(s, source)?;
        let next = steps.get(i + 1);
        let merged_unlock = match (&s.op, next) {
            (Op::Locked(_), Some(n))
                if n.thread == s.thread
                    && n.object == s.object
                    && matches!(n.op, Op::Unlock { .. }) =>
            {
                Some(&n.op)
            }
            _ => None,
        };
        r.step(s, code, merged_unlock);
        i += 1 + usize::from(merged_unlock.is_some());
    }
    r.finish(functions(steps, &lane_of, source))
}

#[derive(Default)]
struct Reducer {
    lane_names: Vec<String>,
    index: HashMap<usize, usize>,
    rows: Vec<Row>,
    holder: HashMap<usize, usize>,
    /// thread → (object, the code of its lock call, whether a row shows the wait).
    waiting: BTreeMap<usize, (usize, String, bool)>,
    /// object → (number of writes so far, the last writer and the value it wrote).
    writes: HashMap<usize, (u64, Option<(usize, String)>)>,
    /// (thread, object) → (writes seen at its last read, the value it read).
    last_read: HashMap<(usize, usize), (u64, String)>,
    summary: Option<String>,
}

impl Reducer {
    fn push(&mut self, thread: usize, code: String, what: String) -> usize {
        self.rows.push(Row {
            lane: self.index[&thread],
            code,
            what,
            mark: None,
        });
        self.rows.len() - 1
    }

    fn name(&self, thread: usize) -> String {
        self.lane_names[self.index[&thread]].clone()
    }

    fn step(&mut self, s: &Step, code: String, merged_unlock: Option<&Op>) {
        let (t, o) = (s.thread, s.object);
        match (&s.op, merged_unlock) {
            (Op::LockWait, _) => {
                let held_by = self.holder.get(&o).copied().filter(|h| *h != t);
                let shown = held_by.is_some();
                if let Some(h) = held_by {
                    let what = format!("waits: held by {}", self.name(h));
                    self.push(t, code.clone(), what);
                }
                self.waiting.insert(t, (o, code, shown));
            }
            (Op::Locked(found), Some(Op::Unlock { read, wrote, left })) => {
                self.waiting.remove(&t);
                let what = match (read, wrote) {
                    (true, true) => format!("locks, reads {found}, writes {left}, unlocks"),
                    (true, false) => format!("locks, reads {found}, unlocks"),
                    (false, true) => format!("locks, writes {left}, unlocks"),
                    (false, false) => "locks and unlocks".into(),
                };
                let row = self.push(t, code, what);
                self.access(t, o, row, read.then_some(found), wrote.then_some(left));
            }
            (Op::Locked(found), _) => {
                self.waiting.remove(&t);
                self.holder.insert(o, t);
                self.push(t, code, format!("locks it (finds {found})"));
            }
            // What a guard held across other threads' steps read is not known here.
            (Op::Unlock { wrote, left, .. }, _) => {
                self.holder.remove(&o);
                let what = match wrote {
                    true => format!("unlocks it, having written {left}"),
                    false => "unlocks it".into(),
                };
                let row = self.push(t, code, what);
                self.access(t, o, row, None, wrote.then_some(left));
            }
            (Op::Load(v), _) => {
                let row = self.push(t, code, format!("reads {v}"));
                self.access(t, o, row, Some(v), None);
            }
            (Op::Store(v), _) => {
                let row = self.push(t, code, format!("writes {v}"));
                self.access(t, o, row, None, Some(v));
            }
            (Op::Rmw(old, new), _) => {
                let row = self.push(t, code, format!("reads {old}, writes {new} in one step"));
                self.access(t, o, row, Some(old), Some(new));
            }
            (Op::Wait(_), _) => {
                self.holder.remove(&o);
                self.push(
                    t,
                    code,
                    "waits for a notification, releasing the lock".into(),
                );
            }
        }
    }

    /// Bookkeeping for lost updates. A read and a write in one row are one atomic step.
    fn access(
        &mut self,
        t: usize,
        o: usize,
        row: usize,
        read: Option<&String>,
        wrote: Option<&String>,
    ) {
        let (count, last) = self.writes.get(&o).cloned().unwrap_or((0, None));
        if let (None, Some(value)) = (read, wrote)
            && let Some((seen, was)) = self.last_read.get(&(t, o)).cloned()
            && count > seen
            && let Some((writer, theirs)) = last.filter(|(w, _)| *w != t)
        {
            let (me, them) = (self.name(t), self.name(writer));
            self.rows[row].mark = Some(format!(
                "lost update: overwrites the {theirs} {} wrote",
                who(&them)
            ));
            self.summary.get_or_insert(capitalized(&format!(
                "{} read {was} before {} wrote {theirs}; {} then writes {value} over it, so {}'s update is lost.",
                who(&me),
                who(&them),
                who(&me),
                who(&them)
            )));
        }
        if let Some(v) = read {
            let seen = count;
            self.last_read.insert((t, o), (seen, v.clone()));
        }
        if let Some(v) = wrote {
            self.writes.insert(o, (count + 1, Some((t, v.clone()))));
            if read.is_some() {
                self.last_read.insert((t, o), (count + 1, v.clone()));
            }
        }
    }

    /// Threads still waiting for a lock at the end: each wait not yet shown is shown, and
    /// the last closes the cycle.
    fn finish(mut self, functions: Vec<String>) -> Result<Reduced> {
        let waiting: Vec<(usize, (usize, String, bool))> =
            self.waiting.iter().map(|(t, w)| (*t, w.clone())).collect();
        let mut cycle = Vec::new();
        for (t, (o, code, shown)) in &waiting {
            let Some(h) = self.holder.get(o).copied() else {
                continue;
            };
            if !shown {
                let what = format!("waits: held by {}", self.name(h));
                self.push(*t, code.clone(), what);
            }
            cycle.push(format!(
                "{} waits for `{}`, which {} holds",
                who(&self.name(*t)),
                code.trim_end_matches(".lock(…)"),
                who(&self.name(h))
            ));
        }
        if cycle.len() >= 2 {
            let last = self
                .rows
                .iter()
                .rposition(|r| r.what.starts_with("waits: "))
                .context("a deadlock without a waiting row")?;
            self.rows[last].mark =
                Some("closes the cycle: every thread now waits for another".into());
            self.summary = Some(capitalized(&format!(
                "{}: no thread can go on, and loom reports a deadlock.",
                cycle.join("; ")
            )));
        }
        Ok(Reduced {
            functions,
            lanes: self.lane_names,
            rows: self.rows,
            summary: self.summary,
        })
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::probe::{PREFIX, failing};

    const LOST_UPDATE_SRC: &str = "fn increment(counter: &AtomicUsize) {
    let current = counter.load(Ordering::SeqCst);
    counter.store(current + 1, Ordering::SeqCst);
}
fn count() {
    counter.load(Ordering::SeqCst)
}
";

    fn src(text: &'static str) -> impl Fn(&str) -> Option<String> {
        move |f| (f == "src/main.rs").then(|| text.to_string())
    }

    fn run(lines: &str) -> Vec<Step> {
        let text: String = lines
            .lines()
            .map(|l| format!("{PREFIX}{}\n", l.trim().replace(" | ", "\t")))
            .collect();
        failing(&format!("{PREFIX}failing execution\t28\t18\n{text}"))
            .unwrap()
            .unwrap()
            .2
    }

    #[test]
    fn an_atomic_lost_update_is_marked_where_the_stale_write_lands() {
        let steps = run("step | 1 | src/main.rs:2:27 | 0 | load | 0
            step | 2 | src/main.rs:2:27 | 0 | load | 0
            step | 2 | src/main.rs:3:13 | 0 | store | 1
            step | 1 | src/main.rs:3:13 | 0 | store | 1
            step | 0 | src/main.rs:6:13 | 0 | load | 1");
        let r = reduce(&steps, &src(LOST_UPDATE_SRC)).unwrap();
        assert_eq!(r.lanes, ["main", "thread 1", "thread 2"]);
        assert_eq!(r.functions, ["count", "increment", "increment"]);
        let marked: Vec<usize> = (0..r.rows.len())
            .filter(|i| r.rows[*i].mark.is_some())
            .collect();
        assert_eq!(marked, [3]);
        assert_eq!(r.rows[3].code, "counter.store(…)");
        assert_eq!(
            r.summary.unwrap(),
            "Thread 1 read 0 before thread 2 wrote 1; thread 1 then writes 1 over it, so thread 2's update is lost."
        );
    }

    #[test]
    fn writes_in_turn_lose_nothing() {
        // Each thread reads, then writes, before the other reads: no mark, no summary.
        let steps = run("step | 1 | src/main.rs:2:27 | 0 | load | 0
            step | 1 | src/main.rs:3:13 | 0 | store | 1
            step | 2 | src/main.rs:2:27 | 0 | load | 1
            step | 2 | src/main.rs:3:13 | 0 | store | 2");
        let r = reduce(&steps, &src(LOST_UPDATE_SRC)).unwrap();
        assert!(r.rows.iter().all(|row| row.mark.is_none()));
        assert!(r.summary.is_none());
    }

    const LOCK_ORDER_SRC: &str = "fn log(&self) {
        let mut pending = self.pending.lock().unwrap();
        *self.stats.lock().unwrap() += 1;
}
fn report(&self) {
        let logged = self.stats.lock().unwrap();
        let pending = self.pending.lock().unwrap();
}
";

    #[test]
    fn a_lock_order_deadlock_is_marked_where_the_cycle_closes() {
        let steps = run("step | 0 | src/main.rs:6:33 | 1 | lock-wait
            step | 0 | src/main.rs:6:33 | 1 | locked | 0
            step | 0 | src/main.rs:7:36 | 0 | lock-wait
            step | 1 | src/main.rs:2:40 | 0 | lock-wait
            step | 1 | src/main.rs:2:40 | 0 | locked | []
            step | 1 | src/main.rs:3:21 | 1 | lock-wait");
        let r = reduce(&steps, &src(LOCK_ORDER_SRC)).unwrap();
        let rows: Vec<(usize, &str, &str)> = r
            .rows
            .iter()
            .map(|row| (row.lane, row.code.as_str(), row.what.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (0, "self.stats.lock(…)", "locks it (finds 0)"),
                (1, "self.pending.lock(…)", "locks it (finds [])"),
                (1, "self.stats.lock(…)", "waits: held by main"),
                (0, "self.pending.lock(…)", "waits: held by thread 1"),
            ]
        );
        assert!(r.rows[3].mark.is_some() && r.rows[2].mark.is_none());
        assert_eq!(
            r.summary.unwrap(),
            "The main thread waits for `self.pending`, which thread 1 holds; thread 1 waits for `self.stats`, which the main thread holds: no thread can go on, and loom reports a deadlock."
        );
    }

    #[test]
    fn a_lock_taken_and_released_at_once_is_one_row() {
        let steps = run("step | 1 | src/main.rs:2:40 | 0 | lock-wait
            step | 1 | src/main.rs:2:40 | 0 | locked | 0
            step | 1 | src/main.rs:2:40 | 0 | unlock | write | 1");
        let r = reduce(&steps, &src(LOCK_ORDER_SRC)).unwrap();
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].what, "locks, writes 1, unlocks");
        assert_eq!(r.functions, ["log"]);
    }

    #[test]
    fn the_enclosing_function_is_the_nearest_fn_item_above() {
        assert_eq!(enclosing_fn(LOCK_ORDER_SRC, 7).as_deref(), Some("report"));
        assert_eq!(enclosing_fn(LOCK_ORDER_SRC, 2).as_deref(), Some("log"));
        assert_eq!(enclosing_fn("let f = 1;\n", 1), None);
        // A closure's `Fn(` or a word ending in "fn " is not an item.
        assert_eq!(
            enclosing_fn("fn outer() {\n    let x: &dyn Fn() = &|| {};\n", 2).as_deref(),
            Some("outer")
        );
    }

    #[test]
    fn a_location_that_is_not_a_method_call_is_an_error() {
        let steps = run("step | 1 | src/main.rs:1:1 | 0 | load | 0");
        assert!(reduce(&steps, &src(LOST_UPDATE_SRC)).is_err());
        let steps = run("step | 1 | src/other.rs:2:27 | 0 | load | 0");
        assert!(reduce(&steps, &src(LOST_UPDATE_SRC)).is_err());
    }
}
