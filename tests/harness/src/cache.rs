//! Remembering what passed, so a warm run re-checks only what changed. A key covers
//! everything the result depends on: the content checked, the code it compiles against,
//! the Rust toolchain (`rustc -vV`), the pinned tool versions and this harness's own
//! build. Entries not used by a full run are pruned.

use crate::context::Ctx;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// FNV-1a, 64 bits: small, stable across Rust releases and machines.
#[derive(Clone)]
pub struct Hasher(u64);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher {
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// A file's path (relative to `root`) and contents; a missing file hashes as missing.
    pub fn file(&mut self, root: &Path, path: &Path) -> &mut Self {
        self.str(&path.strip_prefix(root).unwrap_or(path).to_string_lossy());
        match fs_err::read(path) {
            Ok(bytes) => self.bytes(&bytes),
            Err(_) => self.str("<missing>"),
        }
    }

    /// Every file under `dir`, in a stable order, skipping `target` folders.
    pub fn tree(&mut self, root: &Path, dir: &Path) -> &mut Self {
        let mut files = Vec::new();
        collect_files(dir, &mut files);
        files.sort();
        for f in files {
            self.file(root, &f);
        }
        self
    }

    pub fn finish(&self) -> String {
        format!("{:016x}", self.0)
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                collect_files(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

/// Environment variables that change what a build, program or test does.
pub const RESULT_ENV: [&str; 6] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "TOKIO_WORKER_THREADS",
    "RUST_TEST_THREADS",
    "RUST_MIN_STACK",
    "RUST_BACKTRACE",
];

/// Families of variables that change results too: loom's bounds (`LOOM_MAX_PREEMPTIONS`,
/// `LOOM_MAX_DURATION`…) and proptest's (`PROPTEST_CASES`…).
pub const RESULT_ENV_PREFIXES: [&str; 2] = ["LOOM_", "PROPTEST_"];

/// The variables of `vars` that change results ([`RESULT_ENV`], [`RESULT_ENV_PREFIXES`]),
/// each named, unset ones as `<unset>`, in a stable order.
fn result_env(vars: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut found: BTreeMap<String, String> = RESULT_ENV
        .iter()
        .map(|v| (v.to_string(), "<unset>".to_string()))
        .collect();
    for (k, v) in vars {
        if RESULT_ENV.contains(&k.as_str()) || RESULT_ENV_PREFIXES.iter().any(|p| k.starts_with(p))
        {
            found.insert(k, v);
        }
    }
    found.into_iter().collect()
}

/// What every key includes: the toolchain, the book tools, this harness's build, the
/// environment that changes results and the CPU count.
pub fn environment() -> &'static str {
    static ENV: OnceLock<String> = OnceLock::new();
    ENV.get_or_init(|| {
        let rustc = crate::process::run(
            std::process::Command::new("rustc").arg("-vV"),
            std::time::Duration::from_secs(60),
        )
        .map(|run| run.stdout)
        .unwrap_or_default();
        let mut h = Hasher::default();
        h.str(&rustc);
        // What changes a run's result without changing a file: the environment the
        // listings' programs and tests read, and the number of CPUs (tokio starts one worker
        // per CPU; some listings print or assert it).
        for (var, value) in result_env(std::env::vars()) {
            h.str(&var).str(&value);
        }
        h.str(
            &std::thread::available_parallelism()
                .map_or(0, |n| n.get())
                .to_string(),
        );
        for (tool, version) in crate::tools::TOOLS {
            h.str(tool).str(version);
        }
        // This very binary: any change to the harness changes the checks it runs.
        if let Ok(exe) = std::env::current_exe() {
            let exe = exe.to_string_lossy();
            let exe = exe.strip_suffix(" (deleted)").unwrap_or(&exe);
            h.str(&binary_hash(Path::new(exe)));
        }
        h.finish()
    })
}

/// The hash of a binary's bytes. Reading 190 MB takes seconds, so the hash is kept beside
/// the binary (`<name>.identity`) with the file's size, modification and change times (and
/// inode) it was taken at, and taken again whenever any of those differs: cargo writes a
/// new file each time it links, and no write leaves all of them as they were.
fn binary_hash(exe: &Path) -> String {
    let stamp = exe.with_extension("identity");
    let stat = file_stat(exe);
    if let Ok(text) = fs_err::read_to_string(&stamp)
        && let Some((recorded, hash)) = text.trim_end().rsplit_once(' ')
        && !stat.is_empty()
        && recorded == stat
    {
        return hash.to_string();
    }
    let hash = Hasher::default()
        .bytes(&fs_err::read(exe).unwrap_or_default())
        .finish();
    if !stat.is_empty() {
        // Only a shortcut: if it cannot be written, the next run hashes again.
        let _ = fs_err::write(&stamp, format!("{stat} {hash}\n"));
    }
    hash
}

/// What changes whenever a file is written: size and modification time, and on Unix the
/// inode and the change time (which no program can set back). Empty if it cannot be read.
fn file_stat(path: &Path) -> String {
    let Ok(m) = fs_err::metadata(path) else {
        return String::new();
    };
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    let more = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}.{}", m.ino(), m.ctime(), m.ctime_nsec())
    };
    #[cfg(not(unix))]
    let more = String::new();
    format!("{}:{modified}:{more}", m.len())
}

/// A key: what is checked (`skeptic`, `page ch01/x.md`) and the hash of its inputs, on top
/// of the environment.
pub fn key(what: &str, inputs: &Hasher) -> String {
    format!("{what} {} {}", inputs.finish(), environment())
}

/// The checks that passed, one file per step under `target/book-checks/`.
pub struct Passed {
    file: PathBuf,
    /// Key → when it was last used (seconds since the epoch).
    entries: BTreeMap<String, u64>,
    used: Vec<String>,
    enabled: bool,
}

impl Passed {
    pub fn load(ctx: &Ctx, step: &str, enabled: bool) -> Passed {
        let file = ctx
            .target()
            .join("book-checks")
            .join(format!("{step}.passed"));
        let entries = fs_err::read_to_string(&file)
            .map(|s| {
                s.lines()
                    .filter_map(|l| {
                        let (when, key) = l.split_once(' ')?;
                        Some((key.to_string(), when.parse().ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Passed {
            file,
            entries,
            used: Vec::new(),
            enabled,
        }
    }

    /// Whether this exact check passed before (never, under `--no-cache`).
    pub fn hit(&mut self, key: &str) -> bool {
        let hit = self.enabled && self.entries.contains_key(key);
        if hit {
            self.used.push(key.to_string());
        }
        hit
    }

    pub fn pass(&mut self, key: String) -> Result<()> {
        self.used.push(key.clone());
        self.entries.insert(key, now());
        self.save(false)
    }

    /// Writes the file; with `prune`, keeps only the entries this run used.
    pub fn save(&mut self, prune: bool) -> Result<()> {
        let now = now();
        for k in &self.used {
            if let Some(t) = self.entries.get_mut(k) {
                *t = now;
            }
        }
        if prune {
            let used: std::collections::BTreeSet<&String> = self.used.iter().collect();
            self.entries.retain(|k, _| used.contains(k));
        }
        let text: String = self
            .entries
            .iter()
            .map(|(k, t)| format!("{t} {k}\n"))
            .collect();
        crate::files::write_if_changed(&self.file, text.as_bytes())
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_content_and_boundaries() {
        let a = Hasher::default().str("ab").str("c").finish();
        let b = Hasher::default().str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, Hasher::default().str("ab").str("c").finish());
    }

    #[test]
    fn the_variables_that_change_results_are_in_the_key() {
        let vars = |list: &[(&str, &str)]| {
            result_env(
                list.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        };
        let none = vars(&[("HOME", "/root"), ("PATH", "/bin")]);
        assert_eq!(none.len(), RESULT_ENV.len(), "other variables are not");
        assert!(none.iter().all(|(_, v)| v == "<unset>"));
        let loom = vars(&[("LOOM_MAX_PREEMPTIONS", "1")]);
        assert_ne!(loom, none, "a loom bound");
        assert_ne!(vars(&[("PROPTEST_CASES", "10")]), none, "proptest's cases");
        assert_ne!(vars(&[("RUSTFLAGS", "-O")]), none);
        assert_eq!(
            vars(&[("LOOM_LOG", "1"), ("LOOM_MAX_PREEMPTIONS", "1")]),
            vars(&[("LOOM_MAX_PREEMPTIONS", "1"), ("LOOM_LOG", "1")]),
            "in a stable order"
        );
    }

    #[test]
    fn a_binary_is_hashed_again_when_it_is_rewritten() {
        let dir = std::env::temp_dir().join(format!("cache-bin-test-{}", std::process::id()));
        fs_err::create_dir_all(&dir).unwrap();
        let exe = dir.join("harness");
        fs_err::write(&exe, b"one build").unwrap();
        let first = binary_hash(&exe);
        assert_eq!(first, Hasher::default().bytes(b"one build").finish());
        // Unchanged, the recorded hash is used (proved by recording a different one).
        let stamp = dir.join("harness.identity");
        let text = fs_err::read_to_string(&stamp).unwrap();
        fs_err::write(&stamp, text.replace(&first, "recorded")).unwrap();
        assert_eq!(binary_hash(&exe), "recorded");
        // Rewritten (as cargo relinks it), it is hashed again: a new build misses the cache.
        fs_err::write(&exe, b"another build").unwrap();
        assert_eq!(
            binary_hash(&exe),
            Hasher::default().bytes(b"another build").finish()
        );
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn passes_are_remembered_disabled_and_pruned() {
        let dir = std::env::temp_dir().join(format!("cache-test-{}", std::process::id()));
        let file = dir.join("x.passed");
        let mut p = Passed {
            file: file.clone(),
            entries: BTreeMap::new(),
            used: vec![],
            enabled: true,
        };
        p.pass("one".into()).unwrap();
        p.pass("two".into()).unwrap();
        let load = |enabled| Passed {
            file: file.clone(),
            entries: fs_err::read_to_string(&file)
                .unwrap()
                .lines()
                .map(|l| {
                    let (t, k) = l.split_once(' ').unwrap();
                    (k.to_string(), t.parse().unwrap())
                })
                .collect(),
            used: vec![],
            enabled,
        };
        let mut again = load(true);
        assert!(again.hit("one"));
        assert!(!again.hit("three"));
        again.save(true).unwrap();
        let mut pruned = load(true);
        assert!(pruned.hit("one"));
        assert!(!pruned.hit("two"), "an entry the run did not use is pruned");
        assert!(!load(false).hit("one"), "--no-cache ignores the cache");
        fs_err::remove_dir_all(&dir).unwrap();
    }
}
