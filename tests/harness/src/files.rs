//! Filesystem helpers shared by every module: sorted folder listings, a path's last
//! component as text, a path with its `..` resolved, and writes that leave unchanged files (and so cargo's fingerprints)
//! alone.

use anyhow::Result;
use std::path::{Path, PathBuf};

/// The folders directly inside `dir`, sorted by path.
pub fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The last component of `p`, or "" if it has none.
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `p` with each `..` taking away the component before it (no filesystem access), so a
/// path such as `listings/ch01-x/01-y/../../../src/a.svg` is named `src/a.svg`.
pub fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes `contents` only if the file differs, so cargo's fingerprints stay fresh.
pub fn write_if_changed(path: &std::path::Path, contents: &[u8]) -> Result<()> {
    if fs_err::read(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    Ok(fs_err::write(path, contents)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_what_changed_and_lists_folders_in_order() {
        let tmp = std::env::temp_dir().join(format!("harness-files-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&tmp);
        write_if_changed(&tmp.join("b/x.txt"), b"one").unwrap();
        fs_err::create_dir_all(tmp.join("a")).unwrap();
        let before = fs_err::metadata(tmp.join("b/x.txt"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_if_changed(&tmp.join("b/x.txt"), b"one").unwrap();
        let after = fs_err::metadata(tmp.join("b/x.txt"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "an unchanged file must not be rewritten");
        write_if_changed(&tmp.join("b/x.txt"), b"two").unwrap();
        assert_eq!(fs_err::read(tmp.join("b/x.txt")).unwrap(), b"two");
        let names: Vec<String> = sorted_dirs(&tmp)
            .unwrap()
            .iter()
            .map(|p| file_name(p))
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            lexical(Path::new("/r/listings/ch01-x/01-y/./../../../src/a.svg")),
            Path::new("/r/src/a.svg")
        );
        assert_eq!(lexical(Path::new("../a/../b")), Path::new("../b"));
        fs_err::remove_dir_all(&tmp).unwrap();
    }
}
