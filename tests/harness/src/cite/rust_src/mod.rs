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
//!
//! Here: the crates and the lookup of a path; `index` (one crate's definitions and
//! re-exports), `lex` (masking, brace groups, item headers), `scan` (one file's
//! definitions and `use`s), `tests` (on a fixture crate).

use super::{Found, Resolved};
use anyhow::{Context, Result, bail};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

mod index;
mod lex;
mod scan;
#[cfg(test)]
mod tests;

use index::{Def, Index, Kind};

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

    /// Every crate a citation may name.
    pub fn all(&self) -> &[CrateInfo] {
        &self.crates
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
        if let Some(member) = self.member(&index, krate, path, depth)? {
            return Ok(member);
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

    /// `path` as a method, associated item or enum variant of the type its second-last
    /// segment names, if that is a type.
    fn member(
        &self,
        index: &Rc<Index>,
        krate: &str,
        path: &[String],
        depth: usize,
    ) -> Result<Option<Target>> {
        if path.len() < 2 {
            return Ok(None);
        }
        let (type_name, method) = (&path[path.len() - 2], &path[path.len() - 1]);
        let types = self.items(index, &path[..path.len() - 2], type_name, depth)?;
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
                return Ok(Some(Target {
                    shape: Shape::Member {
                        type_kind: "enum",
                        anchor: "variant",
                    },
                    found: vec![variant],
                    wider: vec![(ix.clone(), ty.file)],
                }));
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
            return Ok(Some(Target {
                shape: Shape::Member {
                    type_kind: ty.page_kind(),
                    anchor,
                },
                found: members.iter().map(|d| ix.found(d)).collect(),
                wider: members.iter().map(|d| (ix.clone(), d.file)).collect(),
            }));
        }
        Ok(None)
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
