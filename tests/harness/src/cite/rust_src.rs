//! Crate items, found in the sources cargo downloaded for the version the book builds with.
//!
//! No compiler is involved: each source file is read with its comments and string
//! literals blanked out (so braces and keywords are code), its brace groups are classified
//! (`impl`, `trait`, `mod`, `fn`, `macro_rules!`, a macro call such as tokio's `cfg_rt! {…}`,
//! which is transparent), and every item definition is indexed with its module path (from
//! the file's place under `src/`, plus inline `mod`s), its owner (free, or a method of an
//! `impl` or `trait`), its visibility, and its text: the doc comment and attributes above
//! it, and its body. `pub use` re-exports are followed, into other crates too
//! (`tokio::main` is `tokio_macros::main`). An item defined inside a wrapper macro call
//! (tokio's `doc! {macro_rules! select {…}}`) also gets the doc comments of that wrapper
//! macro's definition, which is where its documentation is.
//!
//! `krate::a::b::Name` is, in this order: the public item `Name` defined in module `a::b`
//! (or re-exported there, or, failing both, defined in a submodule of it; `macro_rules!`
//! macros count as defined at the crate root); the method (or associated item) `b::Name` of
//! type `a::b`, in an `impl` or `trait` block (in the type's file first, then in its
//! module's folder); the module `a::b::Name` (its `//!` and `///` docs).

use super::{Found, Resolved};
use anyhow::{Context, Result, bail};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// One crate of the dependency graph, at the version the book builds with.
#[derive(Debug, Clone)]
pub struct CrateInfo {
    /// The package name (`tokio-util`), for docs.rs.
    pub package: String,
    pub version: String,
    /// The library's name in paths (`tokio_util`).
    pub lib: String,
    /// The library's root file (`…/tokio-1.54.1/src/lib.rs`).
    pub root_file: PathBuf,
    /// Library names of its dependencies (re-exports may lead into them).
    pub deps: Vec<String>,
}

/// The crates a citation may name, each indexed on first use.
pub struct Crates {
    crates: Vec<CrateInfo>,
    indexes: RefCell<HashMap<String, Rc<Index>>>,
}

impl Crates {
    pub fn new(crates: Vec<CrateInfo>) -> Crates {
        Crates {
            crates,
            indexes: RefCell::default(),
        }
    }

    /// The workspace's resolved graph, from `cargo metadata` (which downloads what is
    /// missing). Where a library comes in several versions, the one a workspace member
    /// depends on directly.
    pub fn from_metadata(root: &Path) -> Result<Crates> {
        let metadata = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .exec()
            .context("cargo metadata")?;
        let resolve = metadata
            .resolve
            .as_ref()
            .context("cargo metadata: no resolve")?;
        let direct: Vec<&cargo_metadata::PackageId> = resolve
            .nodes
            .iter()
            .filter(|n| metadata.workspace_members.contains(&n.id))
            .flat_map(|n| n.deps.iter().map(|d| &d.pkg))
            .collect();
        let mut by_lib: HashMap<String, Vec<(bool, CrateInfo)>> = HashMap::new();
        for p in &metadata.packages {
            if metadata.workspace_members.contains(&p.id) {
                continue;
            }
            let Some(lib) = p.targets.iter().find(|t| {
                t.kind.iter().any(|k| {
                    matches!(
                        k,
                        cargo_metadata::TargetKind::Lib
                            | cargo_metadata::TargetKind::RLib
                            | cargo_metadata::TargetKind::ProcMacro
                    )
                })
            }) else {
                continue;
            };
            let deps = resolve
                .nodes
                .iter()
                .find(|n| n.id == p.id)
                .map(|n| n.deps.iter().map(|d| d.name.clone()).collect())
                .unwrap_or_default();
            let info = CrateInfo {
                package: p.name.to_string(),
                version: p.version.to_string(),
                lib: lib.name.replace('-', "_"),
                root_file: lib.src_path.clone().into_std_path_buf(),
                deps,
            };
            by_lib
                .entry(info.lib.clone())
                .or_default()
                .push((direct.contains(&&p.id), info));
        }
        let mut crates = Vec::new();
        for (_, mut versions) in by_lib {
            if versions.len() > 1 {
                versions.retain(|(direct, _)| *direct);
            }
            // Several versions, none (or several) direct: the library is ambiguous and
            // left out; a citation of it fails saying so.
            if versions.len() == 1 {
                crates.push(versions.remove(0).1);
            }
        }
        Ok(Crates::new(crates))
    }

    /// Without cargo: versions from `Cargo.lock`, sources from cargo's registry cache
    /// (`$CARGO_HOME/registry/src/*/NAME-VERSION`). What the preprocessor uses, to link
    /// each item's page; a crate not downloaded is linked by a search instead.
    pub fn from_lock(root: &Path) -> Result<Crates> {
        let lock: toml::Table = toml::from_str(&fs_err::read_to_string(root.join("Cargo.lock"))?)
            .context("Cargo.lock is not TOML")?;
        let packages = lock
            .get("package")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default();
        let field = |p: &toml::Value, k: &str| {
            p.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let deps_of = |p: &toml::Value| -> Vec<String> {
            p.get("dependencies")
                .and_then(|d| d.as_array())
                .map(|d| {
                    d.iter()
                        .filter_map(|s| s.as_str())
                        .map(|s| s.split(' ').next().unwrap_or(s).to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        // Versions named by workspace members (packages without a source).
        let direct: Vec<String> = packages
            .iter()
            .filter(|p| p.get("source").is_none())
            .filter_map(|p| p.get("dependencies").and_then(|d| d.as_array()))
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        let registry = cargo_home().join("registry").join("src");
        let registries: Vec<PathBuf> = fs_err::read_dir(&registry)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        let mut by_name: HashMap<String, Vec<(bool, CrateInfo)>> = HashMap::new();
        for p in packages.iter().filter(|p| p.get("source").is_some()) {
            let (name, version) = (field(p, "name"), field(p, "version"));
            let dir = registries
                .iter()
                .map(|r| r.join(format!("{name}-{version}")))
                .find(|d| d.is_dir())
                .unwrap_or_default();
            let info = CrateInfo {
                lib: name.replace('-', "_"),
                root_file: dir.join("src/lib.rs"),
                deps: deps_of(p).iter().map(|d| d.replace('-', "_")).collect(),
                package: name.clone(),
                version: version.clone(),
            };
            let is_direct = direct
                .iter()
                .any(|d| d == &name || d == &format!("{name} {version}"));
            by_name.entry(name).or_default().push((is_direct, info));
        }
        let mut crates = Vec::new();
        for (_, mut versions) in by_name {
            if versions.len() > 1 {
                versions.retain(|(direct, _)| *direct);
            }
            if versions.len() == 1 {
                crates.push(versions.remove(0).1);
            }
        }
        Ok(Crates::new(crates))
    }

    pub fn get(&self, lib: &str) -> Option<&CrateInfo> {
        self.crates.iter().find(|c| c.lib == lib)
    }

    fn index(&self, lib: &str) -> Result<Rc<Index>> {
        if let Some(i) = self.indexes.borrow().get(lib) {
            return Ok(i.clone());
        }
        let info = self
            .get(lib)
            .with_context(|| format!("`{lib}` is not a crate of the book's dependency graph"))?;
        let index = Rc::new(Index::build(info)?);
        self.indexes
            .borrow_mut()
            .insert(lib.to_string(), index.clone());
        Ok(index)
    }

    /// Finds `krate::path…`: its definitions' texts and its docs.rs page.
    pub fn resolve(&self, krate: &str, path: &[String]) -> Result<Resolved> {
        let info = self
            .get(krate)
            .with_context(|| format!("`{krate}` is not a crate of the book's dependency graph (or it comes in several versions)"))?;
        let target = self.target(krate, path, 0)?;
        let base = format!(
            "https://docs.rs/{}/{}/{}/",
            info.package, info.version, info.lib
        );
        let (dirs, page) = match &target.shape {
            Shape::Module => (path, "index.html".to_string()),
            Shape::Item(kind) => (
                &path[..path.len() - 1],
                format!("{kind}.{}.html", path[path.len() - 1]),
            ),
            Shape::Member { type_kind, anchor } => (
                &path[..path.len() - 2],
                format!(
                    "{type_kind}.{}.html#{anchor}.{}",
                    path[path.len() - 2],
                    path[path.len() - 1]
                ),
            ),
        };
        let mut url = base;
        for d in dirs {
            url.push_str(d);
            url.push('/');
        }
        url.push_str(&page);
        Ok(Resolved {
            found: target.found,
            wider: super::Wider::new(move || {
                target
                    .wider
                    .iter()
                    .map(|(ix, f)| ix.file_text(*f))
                    .collect()
            }),
            url,
        })
    }

    /// The rustdoc page kind of `krate::path` (for a link), without reading any phrase.
    fn target(&self, krate: &str, path: &[String], depth: usize) -> Result<Target> {
        if depth > 8 {
            bail!("re-exports of `{krate}::{}` loop", path.join("::"));
        }
        let index = self.index(krate)?;
        if let Some(name) = path.last() {
            let module = &path[..path.len() - 1];
            let items = self.items(&index, module, name, depth)?;
            // An item of the value or macro namespace before a module of the same name.
            let (modules, items): (Vec<_>, Vec<_>) =
                items.into_iter().partition(|(_, d)| d.kind == Kind::Mod);
            if !items.is_empty() {
                let kind = items[0].1.page_kind();
                return Ok(Target {
                    shape: Shape::Item(kind),
                    found: items.iter().map(|(ix, d)| ix.found(d)).collect(),
                    wider: items.iter().map(|(ix, d)| (ix.clone(), d.file)).collect(),
                });
            }
            if let Some((ix, d)) = modules.first() {
                return Ok(Target {
                    shape: Shape::Module,
                    found: vec![ix.module_docs(&d.module_of_inner(), Some(d))],
                    wider: vec![(ix.clone(), d.file)],
                });
            }
        }
        if path.len() >= 2 {
            let (type_name, method) = (&path[path.len() - 2], &path[path.len() - 1]);
            let types = self.items(&index, &path[..path.len() - 2], type_name, depth)?;
            let types: Vec<_> = types
                .into_iter()
                .filter(|(_, d)| d.kind.is_type())
                .collect();
            if let Some((ix, ty)) = types.first() {
                let members = ix.members(ty, method);
                if members.is_empty()
                    && ty.kind == Kind::Enum
                    && let Some(variant) = ix.variant(ty, method)
                {
                    return Ok(Target {
                        shape: Shape::Member {
                            type_kind: "enum",
                            anchor: "variant",
                        },
                        found: vec![variant],
                        wider: vec![(ix.clone(), ty.file)],
                    });
                }
                if members.is_empty() {
                    bail!(
                        "`{krate}::{}`: {} `{type_name}` ({}) has no method, associated item or variant `{method}`",
                        path.join("::"),
                        ty.kind.keyword(),
                        ix.location(ty)
                    );
                }
                let anchor = members[0].member_anchor();
                return Ok(Target {
                    shape: Shape::Member {
                        type_kind: ty.page_kind(),
                        anchor,
                    },
                    found: members.iter().map(|d| ix.found(d)).collect(),
                    wider: members.iter().map(|d| (ix.clone(), d.file)).collect(),
                });
            }
        }
        if index.has_module(path) {
            return Ok(Target {
                shape: Shape::Module,
                found: vec![index.module_docs(path, None)],
                wider: Vec::new(),
            });
        }
        bail!(
            "`{krate}::{}`: no public item, method or module of that name in {} {} (src: {})",
            path.join("::"),
            index.info.package,
            index.info.version,
            index.src_dir.display()
        )
    }

    /// The public definitions `name` stands for in `module` of `index`'s crate, following
    /// re-exports (into other crates too).
    fn items(
        &self,
        index: &Rc<Index>,
        module: &[String],
        name: &str,
        depth: usize,
    ) -> Result<Vec<(Rc<Index>, Def)>> {
        if depth > 8 {
            bail!(
                "re-exports of `{}::{}` loop",
                index.info.lib,
                [module, &[name.to_string()]].concat().join("::")
            );
        }
        // Defined here, or re-exported here (both: a module and a function can share a
        // name, as `loom::model` does).
        let mut found: Vec<(Rc<Index>, Def)> = index
            .defs
            .iter()
            .filter(|d| d.is_public_item() && d.name == name && d.public_module() == module)
            .map(|d| (index.clone(), d.clone()))
            .collect();
        for u in index.uses.iter().filter(|u| u.module == module) {
            for (target, exported) in &u.entries {
                if exported != name {
                    continue;
                }
                let Some((krate, path)) = index.absolute(&u.module, target) else {
                    continue;
                };
                let Some((item, item_module)) = path.split_last() else {
                    continue;
                };
                let other = self.index(&krate)?;
                found.extend(self.items(&other, item_module, item, depth + 1)?);
            }
        }
        if !found.is_empty() {
            return Ok(found);
        }
        // Defined in a submodule and re-exported by a glob: the shallowest definitions.
        let below: Vec<&Def> = index
            .defs
            .iter()
            .filter(|d| {
                d.is_public_item()
                    && d.name == name
                    && d.kind != Kind::Mod
                    && d.module.starts_with(module)
            })
            .collect();
        let shallowest = below.iter().map(|d| d.module.len()).min();
        Ok(below
            .into_iter()
            .filter(|d| Some(d.module.len()) == shallowest)
            .map(|d| (index.clone(), d.clone()))
            .collect())
    }
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

struct Target {
    shape: Shape,
    found: Vec<Found>,
    /// The files the item is in: (crate, file).
    wider: Vec<(Rc<Index>, usize)>,
}

enum Shape {
    Module,
    Item(&'static str),
    Member {
        type_kind: &'static str,
        anchor: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
    const KEYWORDS: [(&'static str, Kind); 10] = [
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

    fn keyword(self) -> &'static str {
        Kind::KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("item", |(w, _)| w)
    }

    fn is_type(self) -> bool {
        matches!(
            self,
            Kind::Struct | Kind::Enum | Kind::Trait | Kind::Type | Kind::Union
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Free,
    /// An `impl` block: the self type's name, and whether it implements a trait.
    Impl {
        self_type: String,
        of_trait: bool,
    },
    Trait(String),
}

#[derive(Debug, Clone)]
struct Def {
    kind: Kind,
    name: String,
    /// The module path where it is defined (inline `mod`s included).
    module: Vec<String>,
    owner: Owner,
    /// `pub` with no restriction.
    public: bool,
    file: usize,
    /// 1-based line of its keyword.
    line: usize,
    /// Doc comment and attributes above it, through the end of its body.
    text: Range<usize>,
    /// A body (`{…}`) rather than `;`.
    has_body: bool,
    /// The doc comments of the wrapper macro it is defined in, if any.
    wrapper_docs: String,
    /// `proc_macro`, `proc_macro_attribute` or `proc_macro_derive`.
    proc_macro: Option<&'static str>,
}

impl Def {
    fn is_public_item(&self) -> bool {
        self.owner == Owner::Free && (self.public || self.kind == Kind::Macro)
    }

    /// Where it is reachable without re-exports: `#[macro_export]` macros at the root.
    fn public_module(&self) -> &[String] {
        if self.kind == Kind::Macro {
            &[]
        } else {
            &self.module
        }
    }

    /// The module a `mod` definition opens.
    fn module_of_inner(&self) -> Vec<String> {
        let mut m = self.module.clone();
        m.push(self.name.clone());
        m
    }

    fn page_kind(&self) -> &'static str {
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

    fn member_anchor(&self) -> &'static str {
        match (self.kind, &self.owner) {
            (Kind::Fn, Owner::Trait(_)) if !self.has_body => "tymethod",
            (Kind::Fn, _) => "method",
            (Kind::Type, _) => "associatedtype",
            _ => "associatedconstant",
        }
    }
}

struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    text: String,
}

/// One crate's definitions and re-exports.
struct Index {
    info: CrateInfo,
    src_dir: PathBuf,
    files: Vec<SourceFile>,
    defs: Vec<Def>,
    uses: Vec<Use>,
}

struct Use {
    module: Vec<String>,
    /// (target path as written, the name it is exported as; `*` for a glob).
    entries: Vec<(Vec<String>, String)>,
}

impl Index {
    fn build(info: &CrateInfo) -> Result<Index> {
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

    fn location(&self, d: &Def) -> String {
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

    fn found(&self, d: &Def) -> Found {
        let text = &self.files[d.file].text[d.text.clone()];
        Found {
            location: self.location(d),
            text: super::normalize(&format!("{}\n{text}", d.wrapper_docs)),
        }
    }

    /// A whole source file, normalized: where a phrase not in the item may be.
    fn file_text(&self, file: usize) -> Found {
        let f = &self.files[file];
        let dir = self.src_dir.parent().unwrap_or(&self.src_dir);
        Found {
            location: f
                .path
                .strip_prefix(dir.parent().unwrap_or(dir))
                .unwrap_or(&f.path)
                .display()
                .to_string(),
            text: super::normalize(&f.text),
        }
    }

    /// An enum's variant: its doc comment, attributes and fields.
    fn variant(&self, ty: &Def, name: &str) -> Option<Found> {
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
                            text: super::normalize(&text[start..i]),
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

    fn has_module(&self, module: &[String]) -> bool {
        self.files.iter().any(|f| f.module == module)
            || self
                .defs
                .iter()
                .any(|d| d.kind == Kind::Mod && d.module_of_inner() == module)
    }

    /// A module's documentation: the `//!` lines at the top of its file (or inside its
    /// inline block) and the doc comment above its `mod` line.
    fn module_docs(&self, module: &[String], def: Option<&Def>) -> Found {
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
            text: super::normalize(&text),
        }
    }

    /// The methods (or associated items) `name` of type `ty`: in a trait's own body, or in
    /// `impl` blocks for it, in the type's file first, then in its module's folder, then
    /// anywhere in the crate if no other type there has its name.
    fn members(&self, ty: &Def, name: &str) -> Vec<Def> {
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
    fn absolute(&self, module: &[String], target: &[String]) -> Option<(String, Vec<String>)> {
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

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
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
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, r: Range<usize>| {
        for i in r {
            if out[i] != b'\n' {
                out[i] = b' ';
            }
        }
    };
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                blank(&mut out, i..end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
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
                blank(&mut out, i..j.min(b.len()));
                i = j;
            }
            b'r' | b'b' if i == 0 || !ident(b[i - 1]) => {
                // r"…", r#"…"#, b"…", br"…", br#"…"#
                let mut j = i;
                if b[j] == b'b' {
                    j += 1;
                }
                let raw = b.get(j) == Some(&b'r');
                if raw {
                    j += 1;
                }
                let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
                if (raw || j > i) && b.get(j + hashes) == Some(&b'"') && (raw || hashes == 0) {
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
                    blank(&mut out, open..end);
                    i = (end + 1 + if raw { hashes } else { 0 }).min(b.len());
                } else {
                    i += 1;
                }
            }
            b'"' => {
                let end = string_end(b, i + 1);
                blank(&mut out, i + 1..end);
                i = (end + 1).min(b.len());
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}', '\''), else a lifetime or label.
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
                    blank(&mut out, i + 1..(end - 1).min(b.len()));
                    i = end.min(b.len());
                } else {
                    let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + ch_len) == Some(&b'\'') {
                        blank(&mut out, i + 1..i + 1 + ch_len);
                        i += 2 + ch_len;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    // Blanking multi-byte characters byte by byte leaves valid UTF-8 (all spaces).
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The index of the closing quote of a string whose contents start at `from`.
fn string_end(b: &[u8], from: usize) -> usize {
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
enum Group {
    Impl { self_type: String, of_trait: bool },
    Trait(String),
    Mod(String),
    Fn,
    MacroRules(String),
    MacroCall(String),
    Other,
}

/// The brace groups of masked code: (open, close, what opens it).
fn groups(masked: &str) -> Vec<(usize, usize, Group)> {
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
fn without_attributes(code: &str) -> String {
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
fn header_words(header: &str) -> Vec<String> {
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

fn classify(header: &str) -> Group {
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
fn impl_self_type(header: &str) -> (String, bool) {
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

fn angle_end(s: &str) -> usize {
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

fn is_word_at(s: &str, i: usize, len: usize) -> bool {
    let b = s.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (i == 0 || !ident(b[i - 1])) && b.get(i + len).is_none_or(|&c| !ident(c))
}

fn find_word(s: &str, word: &str) -> Option<usize> {
    s.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| is_word_at(s, i, word.len()))
}

/// The definitions and `pub use` re-exports of one file.
fn scan(text: &str, file_module: &[String], file: usize) -> (Vec<Def>, Vec<Use>) {
    let masked = mask(text);
    let groups = groups(&masked);
    let close_of: HashMap<usize, usize> = groups.iter().map(|(o, c, _)| (*o, *c)).collect();
    let b = masked.as_bytes();
    // The wrapper macros' doc comments, by macro name (for `doc! {macro_rules! select …}`).
    let mut wrapper_docs: HashMap<String, String> = HashMap::new();
    for (open, close, g) in &groups {
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
    // Groups are sorted by their opening brace: only those opened before `at` can hold it.
    let enclosing = |at: usize| -> Vec<&(usize, usize, Group)> {
        groups
            .iter()
            .take_while(|(o, _, _)| *o < at)
            .filter(|(_, c, _)| at < *c)
            .collect()
    };
    // The statement boundary before `at`: after the last `;`, `{` or `}`.
    let boundary = |at: usize| masked[..at].rfind([';', '{', '}']).map_or(0, |i| i + 1);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| line_starts.partition_point(|&s| s <= at);
    let mut defs = Vec::new();
    let mut uses = Vec::new();
    for (keyword, kind) in Kind::KEYWORDS {
        for (k, _) in masked.match_indices(keyword) {
            if !is_word_at(&masked, k, keyword.trim_end_matches('!').len()) {
                continue;
            }
            let after = masked[k + keyword.len()..].trim_start();
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty()
                || name == "fn"
                || name.chars().next().is_some_and(|c| c.is_ascii_digit())
                || (kind == Kind::Union
                    && !after[name.len()..].trim_start().starts_with(['{', '<']))
            {
                continue;
            }
            let Some((owner, module, wrapper)) = context_of(&enclosing(k), file_module) else {
                continue;
            };
            let start = boundary(k);
            let header = &masked[start..k];
            let header_clean = without_attributes(header);
            let qualifiers = header_clean
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            // What may stand before the keyword: visibility and qualifiers only.
            if !qualifiers
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
            {
                continue;
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
            let text_start = doc_start(text, start, k);
            let (body_end, has_body) = body_end(b, k + keyword.len(), &close_of, kind);
            defs.push(Def {
                kind,
                name,
                module,
                owner,
                public,
                file,
                line: line_of(k),
                text: text_start..body_end,
                has_body,
                wrapper_docs: wrapper
                    .and_then(|w| wrapper_docs.get(&w).cloned())
                    .unwrap_or_default(),
                proc_macro,
            });
        }
    }
    for (u, _) in masked.match_indices("use") {
        if !is_word_at(&masked, u, 3) {
            continue;
        }
        let start = boundary(u);
        let words = without_attributes(&masked[start..u]);
        if words.split_whitespace().collect::<Vec<_>>() != ["pub"] {
            continue;
        }
        let Some((Owner::Free, module, _)) = context_of(&enclosing(u), file_module) else {
            continue;
        };
        let end = masked[u..].find(';').map_or(masked.len(), |e| u + e);
        let tree: String = masked[u + 3..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut entries = Vec::new();
        use_tree(&tree, &[], &mut entries);
        uses.push(Use { module, entries });
    }
    (defs, uses)
}

/// The owner, module path and wrapper macro of a definition from its enclosing groups;
/// None for definitions local to a function or inside a macro's template.
fn context_of(
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
fn doc_start(text: &str, boundary: usize, keyword: usize) -> usize {
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
fn body_end(b: &[u8], from: usize, close_of: &HashMap<usize, usize>, kind: Kind) -> (usize, bool) {
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
fn use_tree(tree: &str, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
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
fn split_top(s: &str) -> Vec<&str> {
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
mod tests {
    use super::*;

    fn fixture() -> Crates {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cite/crates");
        let info = |name: &str, deps: &[&str]| CrateInfo {
            package: name.replace('_', "-"),
            version: "1.2.3".into(),
            lib: name.into(),
            root_file: dir.join(name).join("src/lib.rs"),
            deps: deps.iter().map(|d| d.to_string()).collect(),
        };
        Crates::new(vec![
            info("demo", &["demo_macros"]),
            info("demo_macros", &[]),
        ])
    }

    fn resolve(path: &str) -> Result<Resolved> {
        let item = super::super::Item::parse(path).unwrap();
        let super::super::Item::Crate { krate, path } = item else {
            panic!("{path} is not a crate item")
        };
        fixture().resolve(&krate, &path)
    }

    fn has(path: &str, phrase: &str) -> bool {
        resolve(path).unwrap().find(phrase).is_some()
    }

    #[test]
    fn masking_keeps_code_and_offsets() {
        let src = "let s = \"{ fn x\"; // fn y {\n/* a /* nested */ { */ let c = '{'; let l: &'a str = r#\"}\"#;\nfn z() {}";
        let m = mask(src);
        assert_eq!(m.len(), src.len());
        assert_eq!(m.matches('{').count(), 1);
        assert_eq!(m.matches('}').count(), 1);
        assert!(m.contains("'a str"));
        assert!(m.contains("fn z"));
        assert!(!m.contains("fn x") && !m.contains("fn y"));
    }

    #[test]
    fn impl_headers_name_their_self_type() {
        assert_eq!(
            impl_self_type("impl<T> JoinSet<T> "),
            ("JoinSet".into(), false)
        );
        assert_eq!(
            impl_self_type(
                "impl<F: Fn() -> T, T> std::future::Future for Timeout<F>\nwhere F: Send "
            ),
            ("Timeout".into(), true)
        );
        assert_eq!(
            impl_self_type("unsafe impl<T: Send> Send for Sender<T> "),
            ("Sender".into(), true)
        );
    }

    #[test]
    fn use_trees_flatten() {
        let mut out = Vec::new();
        use_tree(
            "self::bounded::{channel, Sender as Tx, inner::{self, Permit}, glob::*}",
            &[],
            &mut out,
        );
        let names: Vec<String> = out
            .iter()
            .map(|(p, e)| format!("{}={e}", p.join("::")))
            .collect();
        assert_eq!(
            names,
            [
                "self::bounded::channel=channel",
                "self::bounded::Sender=Tx",
                "self::bounded::inner=inner",
                "self::bounded::inner::Permit=Permit",
                "self::bounded::glob::*=*",
            ]
        );
    }

    #[test]
    fn items_methods_macros_and_modules_resolve() {
        // A method, re-exported type, docs.rs link on the public path.
        let r = resolve("demo::sync::Sender::send").unwrap();
        assert_eq!(
            r.url,
            "https://docs.rs/demo/1.2.3/demo/sync/struct.Sender.html#method.send"
        );
        assert!(
            r.find("Sends a value, waiting until there is capacity")
                .is_some()
        );
        // Its body counts too.
        assert!(r.find("self.inner.push(value)").is_some());
        // A free function re-exported at the root from a private module.
        let r = resolve("demo::spawn").unwrap();
        assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/fn.spawn.html");
        assert!(r.find("Spawns a new task on the current runtime").is_some());
        // A macro whose docs are in the wrapper macro it is defined through.
        let r = resolve("demo::select").unwrap();
        assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/macro.select.html");
        assert!(
            r.find("returning when the **first** branch completes")
                .is_some()
        );
        // Exact: Markdown emphasis is part of the source.
        assert!(
            r.find("returning when the first branch completes")
                .is_none()
        );
        // A re-export from another crate, a proc-macro attribute.
        let r = resolve("demo::main").unwrap();
        assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/attr.main.html");
        assert!(
            r.find("Marks an async function to be executed by the runtime")
                .is_some()
        );
        // A module: its inner and outer docs.
        let r = resolve("demo::sync").unwrap();
        assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/sync/index.html");
        assert!(r.find("Synchronization primitives for tasks").is_some());
        // A trait's required method.
        let r = resolve("demo::sync::Wake::wake").unwrap();
        assert_eq!(
            r.url,
            "https://docs.rs/demo/1.2.3/demo/sync/trait.Wake.html#tymethod.wake"
        );
        assert!(r.find("Wakes the task that waits").is_some());
        // An enum's variant, and the crate's root docs (after inner attributes).
        let r = resolve("demo::sync::Full::Drop").unwrap();
        assert_eq!(
            r.url,
            "https://docs.rs/demo/1.2.3/demo/sync/enum.Full.html#variant.Drop"
        );
        assert!(r.find("Drops the value (a { in a comment).").is_some());
        assert!(r.find("Waits for capacity.").is_none());
        assert!(has("demo::sync::Full::Wait", "Waits for capacity."));
        let r = resolve("demo").unwrap();
        assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/index.html");
        assert!(r.find("A small crate shaped like tokio").is_some());
    }

    #[test]
    fn absent_phrases_items_and_other_items_phrases_fail() {
        // The phrase is absent.
        assert!(!has("demo::sync::Sender::send", "Sends a value at once"));
        // The phrase is another method's (try_send) of the same type.
        assert!(!has(
            "demo::sync::Sender::send",
            "Attempts to send without waiting"
        ));
        // ... which the check names as near, to help the writer.
        let r = resolve("demo::sync::Sender::send").unwrap();
        assert!(r.found_nearby("Attempts to send without waiting").is_some());
        assert!(
            r.found_nearby("Broadcasts a value to every receiver")
                .is_none()
        );
        assert!(has(
            "demo::sync::Sender::try_send",
            "Attempts to send without waiting"
        ));
        // The phrase is the same-named method's of another module's Sender.
        assert!(!has(
            "demo::sync::Sender::send",
            "Broadcasts a value to every receiver"
        ));
        assert!(has(
            "demo::broadcast::Sender::send",
            "Broadcasts a value to every receiver"
        ));
        // The type's own docs are not its method's.
        assert!(!has(
            "demo::sync::Sender::send",
            "The sending half of a channel"
        ));
        assert!(has("demo::sync::Sender", "The sending half of a channel"));
        // The phrase is a private helper's, next to the item.
        assert!(!has("demo::spawn", "Only the runtime calls this"));
        // A word appended.
        assert!(!has(
            "demo::spawn",
            "Spawns a new task on the current runtime quuxly"
        ));
        // Absent items, a private function, a crate-private one, a local one.
        for absent in [
            "demo::sync::Sender::recv",
            "demo::nothing",
            "demo::sync::Receiver",
            "demo::helper",
            "demo::internal",
            "demo::local",
            "nocrate::x",
        ] {
            assert!(resolve(absent).is_err(), "{absent} resolved");
        }
    }
}
