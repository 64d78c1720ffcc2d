//! One crate's index: its definitions (kind, owner, module, text) and re-exports, and
//! the lookups on it.

use super::lex::{collect_rs, find_word, mask, without_attributes};
use super::scan::scan;
use super::{CrateInfo, Found};
use anyhow::{Context, Result, bail};
use std::ops::Range;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Fn,
    Struct,
    Enum,
    Trait,
    Type,
    Union,
    Mod,
    Const,
    Static,
    Macro,
}

impl Kind {
    pub(super) const KEYWORDS: [(&'static str, Kind); 10] = [
        ("fn", Kind::Fn),
        ("struct", Kind::Struct),
        ("enum", Kind::Enum),
        ("trait", Kind::Trait),
        ("type", Kind::Type),
        ("union", Kind::Union),
        ("mod", Kind::Mod),
        ("const", Kind::Const),
        ("static", Kind::Static),
        ("macro_rules!", Kind::Macro),
    ];

    pub(super) fn keyword(self) -> &'static str {
        Kind::KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("item", |(w, _)| w)
    }

    pub(super) fn is_type(self) -> bool {
        matches!(
            self,
            Kind::Struct | Kind::Enum | Kind::Trait | Kind::Type | Kind::Union
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Owner {
    Free,
    /// An `impl` block: the self type's name, and whether it implements a trait.
    Impl {
        self_type: String,
        of_trait: bool,
    },
    Trait(String),
}

#[derive(Debug, Clone)]
pub(super) struct Def {
    pub(super) kind: Kind,
    pub(super) name: String,
    /// The module path where it is defined (inline `mod`s included).
    pub(super) module: Vec<String>,
    pub(super) owner: Owner,
    /// `pub` with no restriction.
    pub(super) public: bool,
    pub(super) file: usize,
    /// 1-based line of its keyword.
    pub(super) line: usize,
    /// Doc comment and attributes above it, through the end of its body.
    pub(super) text: Range<usize>,
    /// A body (`{…}`) rather than `;`.
    pub(super) has_body: bool,
    /// The doc comments of the wrapper macro it is defined in, if any.
    pub(super) wrapper_docs: String,
    /// `proc_macro`, `proc_macro_attribute` or `proc_macro_derive`.
    pub(super) proc_macro: Option<&'static str>,
}

impl Def {
    pub(super) fn is_public_item(&self) -> bool {
        self.owner == Owner::Free && (self.public || self.kind == Kind::Macro)
    }

    /// Where it is reachable without re-exports: `#[macro_export]` macros at the root.
    pub(super) fn public_module(&self) -> &[String] {
        if self.kind == Kind::Macro {
            &[]
        } else {
            &self.module
        }
    }

    /// The module a `mod` definition opens.
    pub(super) fn module_of_inner(&self) -> Vec<String> {
        let mut m = self.module.clone();
        m.push(self.name.clone());
        m
    }

    pub(super) fn page_kind(&self) -> &'static str {
        match (self.kind, self.proc_macro) {
            (_, Some("proc_macro_attribute")) => "attr",
            (_, Some("proc_macro_derive")) => "derive",
            (_, Some(_)) | (Kind::Macro, _) => "macro",
            (Kind::Fn, _) => "fn",
            (Kind::Struct, _) => "struct",
            (Kind::Enum, _) => "enum",
            (Kind::Trait, _) => "trait",
            (Kind::Type, _) => "type",
            (Kind::Union, _) => "union",
            (Kind::Const, _) => "constant",
            (Kind::Static, _) => "static",
            (Kind::Mod, _) => "index",
        }
    }

    pub(super) fn member_anchor(&self) -> &'static str {
        match (self.kind, &self.owner) {
            (Kind::Fn, Owner::Trait(_)) if !self.has_body => "tymethod",
            (Kind::Fn, _) => "method",
            (Kind::Type, _) => "associatedtype",
            _ => "associatedconstant",
        }
    }
}

pub(super) struct SourceFile {
    pub(super) path: PathBuf,
    pub(super) module: Vec<String>,
    pub(super) text: String,
}

/// One crate's definitions and re-exports.
pub(super) struct Index {
    pub(super) info: CrateInfo,
    pub(super) src_dir: PathBuf,
    pub(super) files: Vec<SourceFile>,
    pub(super) defs: Vec<Def>,
    pub(super) uses: Vec<Use>,
}

pub(super) struct Use {
    pub(super) module: Vec<String>,
    /// (target path as written, the name it is exported as; `*` for a glob).
    pub(super) entries: Vec<(Vec<String>, String)>,
}

impl Index {
    pub(super) fn build(info: &CrateInfo) -> Result<Index> {
        let src_dir = info
            .root_file
            .parent()
            .context("a library root file has no folder")?
            .to_path_buf();
        if !info.root_file.is_file() {
            bail!(
                "the sources of {} {} are not on this machine ({} is missing)",
                info.package,
                info.version,
                info.root_file.display()
            );
        }
        let mut paths = Vec::new();
        collect_rs(&src_dir, &mut paths)?;
        paths.sort();
        let mut index = Index {
            info: info.clone(),
            src_dir: src_dir.clone(),
            files: Vec::new(),
            defs: Vec::new(),
            uses: Vec::new(),
        };
        for path in paths {
            let rel = path.strip_prefix(&src_dir).unwrap_or(&path);
            let mut module: Vec<String> = rel
                .parent()
                .map(|p| {
                    p.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let is_root = path == info.root_file;
            if !is_root && stem != "mod" {
                module.push(stem);
            }
            let text = fs_err::read_to_string(&path)?;
            let file = index.files.len();
            let (defs, uses) = scan(&text, &module, file);
            index.defs.extend(defs);
            index.uses.extend(uses);
            index.files.push(SourceFile { path, module, text });
        }
        Ok(index)
    }

    pub(super) fn location(&self, d: &Def) -> String {
        let f = &self.files[d.file];
        let dir = self.src_dir.parent().unwrap_or(&self.src_dir);
        format!(
            "{}:{}",
            f.path
                .strip_prefix(dir.parent().unwrap_or(dir))
                .unwrap_or(&f.path)
                .display(),
            d.line
        )
    }

    pub(super) fn found(&self, d: &Def) -> Found {
        let text = &self.files[d.file].text[d.text.clone()];
        Found {
            location: self.location(d),
            text: crate::cite::normalize(&format!("{}\n{text}", d.wrapper_docs)),
        }
    }

    /// A whole source file, normalized: where a phrase not in the item may be.
    pub(super) fn file_text(&self, file: usize) -> Found {
        let f = &self.files[file];
        let dir = self.src_dir.parent().unwrap_or(&self.src_dir);
        Found {
            location: f
                .path
                .strip_prefix(dir.parent().unwrap_or(dir))
                .unwrap_or(&f.path)
                .display()
                .to_string(),
            text: crate::cite::normalize(&f.text),
        }
    }

    /// An enum's variant: its doc comment, attributes and fields.
    pub(super) fn variant(&self, ty: &Def, name: &str) -> Option<Found> {
        let text = &self.files[ty.file].text;
        let masked = mask(text);
        let span = &masked[ty.text.clone()];
        let keyword = find_word(span, "enum")?;
        let open = ty.text.start + keyword + span[keyword..].find('{')?;
        let b = masked.as_bytes();
        let mut depth = 0;
        let mut start = open + 1;
        for i in open + 1..ty.text.end {
            match b[i] {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' if depth > 0 => depth -= 1,
                b',' | b'}' if depth == 0 => {
                    let code = without_attributes(&masked[start..i]);
                    let ident: String = code
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if ident == name {
                        let at = start + masked[start..i].find(name).unwrap_or(0);
                        let line = text[..at].matches('\n').count() + 1;
                        let file = self.file_text(ty.file).location;
                        return Some(Found {
                            location: format!("{file}:{line}"),
                            text: crate::cite::normalize(&text[start..i]),
                        });
                    }
                    start = i + 1;
                    if b[i] == b'}' {
                        break;
                    }
                }
                _ => {}
            }
        }
        None
    }

    pub(super) fn has_module(&self, module: &[String]) -> bool {
        self.files.iter().any(|f| f.module == module)
            || self
                .defs
                .iter()
                .any(|d| d.kind == Kind::Mod && d.module_of_inner() == module)
    }

    /// A module's documentation: the `//!` lines at the top of its file (or inside its
    /// inline block) and the doc comment above its `mod` line.
    pub(super) fn module_docs(&self, module: &[String], def: Option<&Def>) -> Found {
        let def = def.cloned().or_else(|| {
            self.defs
                .iter()
                .find(|d| d.kind == Kind::Mod && d.module_of_inner() == module)
                .cloned()
        });
        let mut text = String::new();
        let mut location = None;
        if let Some(d) = &def {
            let full = &self.files[d.file].text[d.text.clone()];
            // The outer docs, and for an inline module its body's inner docs.
            text.push_str(full);
            location = Some(self.location(d));
        }
        if let Some(f) = self.files.iter().find(|f| f.module == module) {
            // Inner docs may follow inner attributes (tokio's lib.rs): every `//!` line.
            for line in f.text.lines().filter(|l| l.trim_start().starts_with("//!")) {
                text.push_str(line);
                text.push('\n');
            }
            let dir = self.src_dir.parent().unwrap_or(&self.src_dir);
            location = Some(format!(
                "{}",
                f.path
                    .strip_prefix(dir.parent().unwrap_or(dir))
                    .unwrap_or(&f.path)
                    .display()
            ));
        }
        Found {
            location: location.unwrap_or_else(|| module.join("::")),
            text: crate::cite::normalize(&text),
        }
    }

    /// The methods (or associated items) `name` of type `ty`: in a trait's own body, or in
    /// `impl` blocks for it, in the type's file first, then in its module's folder, then
    /// anywhere in the crate if no other type there has its name.
    pub(super) fn members(&self, ty: &Def, name: &str) -> Vec<Def> {
        let of_type = |d: &&Def| {
            d.name == name
                && match &d.owner {
                    Owner::Trait(t) => ty.kind == Kind::Trait && *t == ty.name,
                    Owner::Impl {
                        self_type,
                        of_trait,
                    } => *self_type == ty.name && (*of_trait || d.public),
                    Owner::Free => false,
                }
        };
        let candidates: Vec<&Def> = self.defs.iter().filter(of_type).collect();
        let same_file: Vec<Def> = candidates
            .iter()
            .filter(|d| d.file == ty.file)
            .map(|d| (*d).clone())
            .collect();
        if !same_file.is_empty() {
            return same_file;
        }
        let folder = &ty.module[..ty.module.len().saturating_sub(1)];
        let near: Vec<Def> = candidates
            .iter()
            .filter(|d| self.files[d.file].module.starts_with(folder))
            .map(|d| (*d).clone())
            .collect();
        if !near.is_empty() {
            return near;
        }
        let namesakes = self
            .defs
            .iter()
            .filter(|d| d.kind.is_type() && d.name == ty.name)
            .count();
        if namesakes == 1 {
            candidates.into_iter().cloned().collect()
        } else {
            Vec::new()
        }
    }

    /// A `use` target as (crate, path in that crate), from the module it is written in.
    pub(super) fn absolute(
        &self,
        module: &[String],
        target: &[String],
    ) -> Option<(String, Vec<String>)> {
        let (first, rest) = target.split_first()?;
        match first.as_str() {
            "crate" => Some((self.info.lib.clone(), rest.to_vec())),
            "self" => Some((self.info.lib.clone(), [module, rest].concat())),
            "super" => {
                let mut m = module.to_vec();
                let mut rest = rest;
                m.pop()?;
                while let Some(("super", r)) = rest.split_first().map(|(f, r)| (f.as_str(), r)) {
                    m.pop()?;
                    rest = r;
                }
                Some((self.info.lib.clone(), [&m[..], rest].concat()))
            }
            name => {
                let mut local = module.to_vec();
                local.push(name.to_string());
                if self.has_module(&local)
                    || self
                        .defs
                        .iter()
                        .any(|d| d.module == module && d.name == name)
                {
                    Some((self.info.lib.clone(), [module, target].concat()))
                } else if self.info.deps.iter().any(|d| d == name) {
                    Some((name.to_string(), rest.to_vec()))
                } else {
                    None
                }
            }
        }
    }
}
