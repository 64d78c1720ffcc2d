//! Scanning one masked source file for its item definitions and `use` re-exports.

use super::index::{Def, Kind, Owner, Use};
use super::lex::{Group, groups, is_word_at, mask, without_attributes};
use std::collections::HashMap;

/// The definitions and `pub use` re-exports of one file.
pub(super) fn scan(text: &str, file_module: &[String], file: usize) -> (Vec<Def>, Vec<Use>) {
    let masked = mask(text);
    let groups = groups(&masked);
    let f = Scanned {
        text,
        close_of: groups.iter().map(|(o, c, _)| (*o, *c)).collect(),
        wrapper_docs: wrapper_docs(text, &groups),
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        masked: &masked,
        groups: &groups,
        file_module,
        file,
    };
    let mut defs = Vec::new();
    for (keyword, kind) in Kind::KEYWORDS {
        for (k, _) in masked.match_indices(keyword) {
            defs.extend(f.def_at(k, keyword, kind));
        }
    }
    let uses = masked
        .match_indices("use")
        .filter_map(|(u, _)| f.use_at(u))
        .collect();
    (defs, uses)
}

/// The wrapper macros' doc comments, by macro name (for `doc! {macro_rules! select …}`).
fn wrapper_docs(text: &str, groups: &[(usize, usize, Group)]) -> HashMap<String, String> {
    let mut wrapper_docs = HashMap::new();
    for (open, close, g) in groups {
        if let Group::MacroRules(name) = g {
            let docs: Vec<&str> = text[*open..*close]
                .lines()
                .filter(|l| l.trim_start().starts_with("///"))
                .collect();
            if !docs.is_empty() {
                wrapper_docs.insert(name.clone(), docs.join("\n"));
            }
        }
    }
    wrapper_docs
}

/// One file being scanned: its text, masked text and brace groups.
struct Scanned<'a> {
    text: &'a str,
    masked: &'a str,
    /// Sorted by their opening brace.
    groups: &'a [(usize, usize, Group)],
    close_of: HashMap<usize, usize>,
    wrapper_docs: HashMap<String, String>,
    line_starts: Vec<usize>,
    file_module: &'a [String],
    file: usize,
}

impl Scanned<'_> {
    /// The groups that hold `at`: only those opened before it can.
    fn enclosing(&self, at: usize) -> Vec<&(usize, usize, Group)> {
        self.groups
            .iter()
            .take_while(|(o, _, _)| *o < at)
            .filter(|(_, c, _)| at < *c)
            .collect()
    }

    /// The statement boundary before `at`: after the last `;`, `{` or `}`.
    fn boundary(&self, at: usize) -> usize {
        self.masked[..at]
            .rfind([';', '{', '}'])
            .map_or(0, |i| i + 1)
    }

    fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at)
    }

    /// The item defined by the `keyword` at `k`, if it is a definition.
    fn def_at(&self, k: usize, keyword: &str, kind: Kind) -> Option<Def> {
        let masked = self.masked;
        if !is_word_at(masked, k, keyword.trim_end_matches('!').len()) {
            return None;
        }
        let name = item_name(masked[k + keyword.len()..].trim_start(), kind)?;
        let (owner, module, wrapper) = context_of(&self.enclosing(k), self.file_module)?;
        let start = self.boundary(k);
        let header = &masked[start..k];
        let qualifiers = without_attributes(header)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !only_qualifiers(&qualifiers) {
            return None;
        }
        let public = qualifiers.starts_with("pub")
            && !qualifiers.starts_with("pub(")
            && !qualifiers.starts_with("pub (");
        let proc_macro = ["proc_macro_attribute", "proc_macro_derive", "proc_macro"]
            .into_iter()
            .find(|a| {
                header
                    .match_indices(a)
                    .any(|(i, _)| is_word_at(header, i, a.len()))
            });
        let text_start = doc_start(self.text, start, k);
        let (body_end, has_body) =
            body_end(masked.as_bytes(), k + keyword.len(), &self.close_of, kind);
        Some(Def {
            kind,
            name,
            module,
            owner,
            public,
            file: self.file,
            line: self.line_of(k),
            text: text_start..body_end,
            has_body,
            wrapper_docs: wrapper
                .and_then(|w| self.wrapper_docs.get(&w).cloned())
                .unwrap_or_default(),
            proc_macro,
        })
    }

    /// The `pub use` at `u`, if it is one, at a module's top level.
    fn use_at(&self, u: usize) -> Option<Use> {
        let masked = self.masked;
        if !is_word_at(masked, u, 3) {
            return None;
        }
        let start = self.boundary(u);
        let words = without_attributes(&masked[start..u]);
        if words.split_whitespace().collect::<Vec<_>>() != ["pub"] {
            return None;
        }
        let Some((Owner::Free, module, _)) = context_of(&self.enclosing(u), self.file_module)
        else {
            return None;
        };
        let end = masked[u..].find(';').map_or(masked.len(), |e| u + e);
        let tree: String = masked[u + 3..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut entries = Vec::new();
        use_tree(&tree, &[], &mut entries);
        Some(Use { module, entries })
    }
}

/// The name after an item keyword (`after` starts there), if this is a definition: not
/// `fn` (in `impl Fn`), not a number, and `union` only as an item (followed by `{` or `<`).
fn item_name(after: &str, kind: Kind) -> Option<String> {
    let name: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let refused = name.is_empty()
        || name == "fn"
        || name.chars().next().is_some_and(|c| c.is_ascii_digit())
        || (kind == Kind::Union && !after[name.len()..].trim_start().starts_with(['{', '<']));
    (!refused).then_some(name)
}

/// What may stand before an item keyword: visibility and qualifiers only.
fn only_qualifiers(qualifiers: &str) -> bool {
    qualifiers
        .split(['(', ')', ' '])
        .filter(|w| !w.is_empty())
        .all(|w| {
            matches!(
                w,
                "pub"
                    | "crate"
                    | "super"
                    | "self"
                    | "in"
                    | "unsafe"
                    | "async"
                    | "const"
                    | "extern"
                    | "default"
                    | "\""
            )
        })
}

/// The owner, module path and wrapper macro of a definition from its enclosing groups;
/// None for definitions local to a function or inside a macro's template.
pub(super) fn context_of(
    enclosing: &[&(usize, usize, Group)],
    file_module: &[String],
) -> Option<(Owner, Vec<String>, Option<String>)> {
    let mut module = file_module.to_vec();
    let mut owner = Owner::Free;
    let mut wrapper = None;
    for (_, _, g) in enclosing {
        match g {
            Group::Fn | Group::MacroRules(_) => return None,
            Group::Mod(name) => module.push(name.clone()),
            Group::Impl {
                self_type,
                of_trait,
            } => {
                if owner != Owner::Free {
                    return None;
                }
                owner = Owner::Impl {
                    self_type: self_type.clone(),
                    of_trait: *of_trait,
                };
            }
            Group::Trait(name) => {
                if owner != Owner::Free {
                    return None;
                }
                owner = Owner::Trait(name.clone());
            }
            Group::MacroCall(name) => wrapper = Some(name.clone()),
            Group::Other => {}
        }
    }
    Some((owner, module, wrapper))
}

/// Where a definition's doc comment and attributes start: within `[boundary, keyword)`,
/// after the last blank line and the last inner doc (`//!`) or inner attribute line.
pub(super) fn doc_start(text: &str, boundary: usize, keyword: usize) -> usize {
    let mut start = boundary;
    let mut offset = boundary;
    for line in text[boundary..keyword].split_inclusive('\n') {
        let t = line.trim();
        // The indentation before the keyword is no blank line.
        let whole_line = line.ends_with('\n');
        if whole_line && (t.is_empty() || t.starts_with("//!") || t.starts_with("#![")) {
            start = offset + line.len();
        }
        offset += line.len();
    }
    start.min(keyword)
}

/// The end of a definition: its `{…}` body (or a macro's `(…);`), else its `;`.
pub(super) fn body_end(
    b: &[u8],
    from: usize,
    close_of: &HashMap<usize, usize>,
    kind: Kind,
) -> (usize, bool) {
    let mut depth = 0i32;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'{' if depth == 0 => {
                return (close_of.get(&i).map_or(b.len(), |c| c + 1), true);
            }
            b'(' | b'[' if kind == Kind::Macro && depth == 0 => {
                let (open, close) = (b[i], if b[i] == b'(' { b')' } else { b']' });
                let mut d = 0;
                for (j, &c) in b.iter().enumerate().skip(i) {
                    if c == open {
                        d += 1;
                    } else if c == close {
                        d -= 1;
                        if d == 0 {
                            return (j + 1, true);
                        }
                    }
                }
                return (b.len(), true);
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b';' if depth == 0 => return (i + 1, false),
            _ => {}
        }
        i += 1;
    }
    (b.len(), false)
}

/// Flattens a use tree (`a::{b, c::d as e, f::*}`) into (path, exported name).
pub(super) fn use_tree(tree: &str, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    for part in split_top(tree.trim()) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some(brace) = part.find('{') {
            let head: Vec<String> = part[..brace]
                .split("::")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let inner = part[brace + 1..].trim_end().trim_end_matches('}');
            use_tree(inner, &[prefix, &head].concat(), out);
            continue;
        }
        let (path, alias) = match part.split_once(" as ") {
            Some((p, a)) => (p.trim(), Some(a.trim().to_string())),
            None => (part, None),
        };
        let mut segs: Vec<String> = prefix.to_vec();
        segs.extend(
            path.split("::")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
        if segs.last().is_some_and(|s| s == "self") {
            segs.pop();
        }
        let Some(last) = segs.last().cloned() else {
            continue;
        };
        let exported = alias.unwrap_or(last);
        if exported != "_" {
            out.push((segs, exported));
        }
    }
}

/// Splits on commas outside braces.
pub(super) fn split_top(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn item_names_and_what_may_stand_before_them() {
        assert_eq!(
            item_name("spawn<F>(f: F)", Kind::Fn).as_deref(),
            Some("spawn")
        );
        assert_eq!(item_name("(x)", Kind::Fn), None);
        assert_eq!(item_name("fn() -> u8", Kind::Type), None);
        assert_eq!(item_name("1", Kind::Const), None);
        assert_eq!(
            item_name("Raw { a: u8 }", Kind::Union).as_deref(),
            Some("Raw")
        );
        // `union` as an ordinary word (a method named union) is no item.
        assert_eq!(item_name("other(&self)", Kind::Union), None);
        assert!(only_qualifiers("pub(crate) unsafe"));
        // Masked, `extern "C"` reads `extern " "`.
        assert!(only_qualifiers("pub extern \" \""));
        assert!(!only_qualifiers("let x ="));
    }

    #[test]
    fn a_file_s_items_and_reexports_are_found() {
        let text = "/// Docs.\npub fn a() {}\nfn b() {}\npub(crate) struct C;\npub use inner::{D, e as E};\nmod inner { pub struct D; }\n";
        let (defs, uses) = scan(text, &["m".to_string()], 0);
        let names: Vec<(&str, bool)> = defs.iter().map(|d| (d.name.as_str(), d.public)).collect();
        for want in [
            ("a", true),
            ("b", false),
            ("C", false),
            ("inner", false),
            ("D", true),
        ] {
            assert!(names.contains(&want), "{want:?} not in {names:?}");
        }
        let a = defs.iter().find(|d| d.name == "a").unwrap();
        assert_eq!(a.line, 2);
        assert!(text[a.text.clone()].starts_with("/// Docs."));
        assert_eq!(uses.len(), 1);
        assert_eq!(uses[0].module, ["m"]);
        assert_eq!(uses[0].entries.len(), 2);
    }
}
