//! Reading Rust source without a compiler: comments and strings blanked out, brace
//! groups classified, item headers read.

use anyhow::Result;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub(super) fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs_err::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The code of a Rust file with comments and the contents of string and char literals
/// replaced by spaces (newlines kept), so that offsets and lines are the original's.
pub(super) fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        i = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => line_comment(b, &mut out, i),
            b'/' if b.get(i + 1) == Some(&b'*') => block_comment(b, &mut out, i),
            b'r' | b'b' if i == 0 || !ident(b[i - 1]) => prefixed_string(b, &mut out, i),
            b'"' => {
                let end = string_end(b, i + 1);
                blank(&mut out, i + 1..end);
                (end + 1).min(b.len())
            }
            b'\'' => char_literal(text, &mut out, i),
            _ => i + 1,
        };
    }
    // Blanking multi-byte characters byte by byte leaves valid UTF-8 (all spaces).
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Blanks `r` in `out`, keeping newlines (so line numbers stay).
fn blank(out: &mut [u8], r: Range<usize>) {
    for i in r {
        if out[i] != b'\n' {
            out[i] = b' ';
        }
    }
}

/// `// …` from `i`: blanked to the line's end; returns where scanning resumes.
fn line_comment(b: &[u8], out: &mut [u8], i: usize) -> usize {
    let end = b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p);
    blank(out, i..end);
    end
}

/// `/* … */` from `i`, nested ones included: blanked; returns where scanning resumes.
fn block_comment(b: &[u8], out: &mut [u8], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                break;
            }
        } else {
            j += 1;
        }
    }
    blank(out, i..j.min(b.len()));
    j
}

/// `r"…"`, `r#"…"#`, `b"…"`, `br"…"`, `br#"…"#` from `i`: its contents blanked; returns
/// where scanning resumes (the next byte if it is not such a string).
fn prefixed_string(b: &[u8], out: &mut [u8], i: usize) -> usize {
    let mut j = i;
    if b[j] == b'b' {
        j += 1;
    }
    let raw = b.get(j) == Some(&b'r');
    if raw {
        j += 1;
    }
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    if !((raw || j > i) && b.get(j + hashes) == Some(&b'"') && (raw || hashes == 0)) {
        return i + 1;
    }
    let open = j + hashes + 1;
    let end = if raw {
        let closing: Vec<u8> = std::iter::once(b'"')
            .chain(std::iter::repeat_n(b'#', hashes))
            .collect();
        b[open..]
            .windows(closing.len())
            .position(|w| w == closing.as_slice())
            .map_or(b.len(), |p| open + p)
    } else {
        string_end(b, open)
    };
    blank(out, open..end);
    (end + 1 + if raw { hashes } else { 0 }).min(b.len())
}

/// A char literal from `i` (`'x'`, `'\n'`, `'\u{..}'`, `'\''`): its contents blanked; else a
/// lifetime or label, left alone. Returns where scanning resumes.
fn char_literal(text: &str, out: &mut [u8], i: usize) -> usize {
    let b = text.as_bytes();
    if b.get(i + 1) == Some(&b'\\') {
        let end = b[i + 2..]
            .iter()
            .position(|&c| c == b'\'')
            .map_or(b.len(), |p| i + 3 + p);
        let end = if b.get(i + 2) == Some(&b'\'') {
            i + 4
        } else {
            end
        };
        blank(out, i + 1..(end - 1).min(b.len()));
        end.min(b.len())
    } else {
        let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
        if b.get(i + 1 + ch_len) == Some(&b'\'') {
            blank(out, i + 1..i + 1 + ch_len);
            i + 2 + ch_len
        } else {
            i + 1
        }
    }
}

/// The index of the closing quote of a string whose contents start at `from`.
pub(super) fn string_end(b: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j,
            _ => j += 1,
        }
    }
    b.len()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Group {
    Impl { self_type: String, of_trait: bool },
    Trait(String),
    Mod(String),
    Fn,
    MacroRules(String),
    MacroCall(String),
    Other,
}

/// The brace groups of masked code: (open, close, what opens it).
pub(super) fn groups(masked: &str) -> Vec<(usize, usize, Group)> {
    let b = masked.as_bytes();
    let mut stack: Vec<(usize, Group)> = Vec::new();
    let mut out = Vec::new();
    let mut boundary = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'{' => {
                stack.push((i, classify(&masked[boundary..i])));
                boundary = i + 1;
            }
            b'}' => {
                if let Some((open, g)) = stack.pop() {
                    out.push((open, i, g));
                }
                boundary = i + 1;
            }
            b';' => boundary = i + 1,
            _ => {}
        }
    }
    out.sort_by_key(|g| g.0);
    out
}

/// Removes `#[…]` attributes (and `#![…]`) from a stretch of code.
pub(super) fn without_attributes(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(pos) = rest.find('#') {
        out.push_str(&rest[..pos]);
        let after = rest[pos + 1..].trim_start_matches('!');
        if after.starts_with('[') {
            let mut depth = 0;
            let mut end = after.len();
            for (j, c) in after.char_indices() {
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &after[end..];
        } else {
            out.push('#');
            rest = &rest[pos + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Words of a header with qualifiers that do not change what it is dropped.
pub(super) fn header_words(header: &str) -> Vec<String> {
    let clean = without_attributes(header);
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur));
        }
    };
    for c in clean.chars() {
        if c.is_alphanumeric() || c == '_' || c == '!' || c == '$' {
            cur.push(c);
        } else {
            flush(&mut cur, &mut words);
            if !c.is_whitespace() {
                words.push(c.to_string());
            }
        }
    }
    flush(&mut cur, &mut words);
    // Drop leading visibility and qualifiers.
    let mut i = 0;
    while i < words.len() {
        match words[i].as_str() {
            "pub" => {
                i += 1;
                if words.get(i).map(String::as_str) == Some("(") {
                    while i < words.len() && words[i] != ")" {
                        i += 1;
                    }
                    i += 1;
                }
            }
            "unsafe" | "default" | "async" | "const" | "extern" | "auto" => i += 1,
            _ => break,
        }
    }
    words.split_off(i.min(words.len()))
}

pub(super) fn classify(header: &str) -> Group {
    let words = header_words(header);
    let first = words.first().map(String::as_str).unwrap_or("");
    match first {
        "impl" => {
            let (self_type, of_trait) = impl_self_type(&without_attributes(header));
            Group::Impl {
                self_type,
                of_trait,
            }
        }
        "trait" => Group::Trait(words.get(1).cloned().unwrap_or_default()),
        "mod" => Group::Mod(words.get(1).cloned().unwrap_or_default()),
        "fn" => Group::Fn,
        "macro_rules!" => Group::MacroRules(words.get(1).cloned().unwrap_or_default()),
        w if w.ends_with('!') && w.len() > 1 => {
            Group::MacroCall(w.trim_end_matches('!').to_string())
        }
        // A string literal such as `extern "C"` leaves a `"` word: still not an item body.
        _ => Group::Other,
    }
}

/// The self type's name of an `impl` header, and whether it implements a trait.
pub(super) fn impl_self_type(header: &str) -> (String, bool) {
    let at = header.find("impl").map_or(0, |i| i + 4);
    let mut rest = header[at..].trim_start();
    if rest.starts_with('<') {
        rest = &rest[angle_end(rest)..];
    }
    let rest = match find_word(rest, "where") {
        Some(w) => &rest[..w],
        None => rest,
    };
    // ` for ` outside angle brackets.
    let mut depth = 0i32;
    let mut split = None;
    let bytes = rest.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] != b'-' => depth -= 1,
            _ => {}
        }
        if depth == 0 && rest[i..].starts_with("for") && is_word_at(rest, i, 3) {
            split = Some(i + 3);
        }
    }
    let (ty, of_trait) = match split {
        Some(s) => (&rest[s..], true),
        None => (rest, false),
    };
    let ty = ty.split('<').next().unwrap_or(ty);
    let name = ty
        .rsplit("::")
        .next()
        .unwrap_or(ty)
        .trim()
        .trim_start_matches('&')
        .trim()
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ")
        .trim()
        .to_string();
    (name, of_trait)
}

pub(super) fn angle_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut depth = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'<' => depth += 1,
            b'>' if i > 0 && b[i - 1] == b'-' => {}
            b'>' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

pub(super) fn is_word_at(s: &str, i: usize, len: usize) -> bool {
    let b = s.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (i == 0 || !ident(b[i - 1])) && b.get(i + len).is_none_or(|&c| !ident(c))
}

pub(super) fn find_word(s: &str, word: &str) -> Option<usize> {
    s.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| is_word_at(s, i, word.len()))
}
