//! What a reader types to give their own project a listing's dependencies, rendered from the
//! listing's own `Cargo.toml`: one `cargo add` line per dependency, and the
//! `[target.'cfg(loom)'.dependencies]` and `[lints.rust]` sections copied as they are
//! (cargo add cannot write a lint table).

use anyhow::{Result, bail};

/// A listing's dependencies, as the page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
    /// `cargo add tokio --features full`, in the manifest's order of sections.
    pub commands: Vec<String>,
    /// Sections to paste into Cargo.toml (for the loom model), verbatim.
    pub toml: String,
}

/// The dependency sections, and the `cargo add` flag for each.
const SECTIONS: [(&str, Option<&str>); 3] = [
    ("dependencies", None),
    ("dev-dependencies", Some("--dev")),
    ("build-dependencies", Some("--build")),
];

/// Reads the manifest's dependency sections. A key this renderer does not know how to say
/// with `cargo add` is an error, so the page never shows less than the manifest needs.
pub fn from_manifest(text: &str) -> Result<Deps> {
    let doc: toml::Table = toml::from_str(text)?;
    let mut deps = Deps::default();
    for (section, flag) in SECTIONS {
        if let Some(t) = doc.get(section).and_then(|d| d.as_table()) {
            for (name, spec) in t {
                deps.commands.push(command(name, spec, flag, None)?);
            }
        }
    }
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
        for (target, sections) in targets {
            if target == "cfg(loom)" {
                continue;
            }
            for (section, flag) in SECTIONS {
                if let Some(t) = sections.get(section).and_then(|d| d.as_table()) {
                    for (name, spec) in t {
                        deps.commands.push(command(name, spec, flag, Some(target))?);
                    }
                }
            }
        }
    }
    let loom = verbatim(text, "[target.'cfg(loom)'.dependencies]");
    if !loom.is_empty() {
        deps.toml = loom;
        let lints = verbatim(text, "[lints.rust]");
        if !lints.is_empty() {
            deps.toml.push('\n');
            deps.toml.push_str(&lints);
        }
    }
    Ok(deps)
}

/// One `cargo add` line. A version is written only below 1.0 (`tokio-util@0.7`): there a
/// newer minor release may break the listing, while any 1.x satisfies `1.54`'s semver range.
fn command(
    name: &str,
    spec: &toml::Value,
    flag: Option<&str>,
    target: Option<&str>,
) -> Result<String> {
    let mut words = vec!["cargo add".to_string()];
    words.extend(flag.map(str::to_string));
    if let Some(t) = target {
        words.push(format!("--target '{t}'"));
    }
    let (version, table) = match spec {
        toml::Value::String(v) => (Some(v.as_str()), None),
        toml::Value::Table(t) => (t.get("version").and_then(|v| v.as_str()), Some(t)),
        other => bail!("dependency `{name}`: {other} is neither a version nor a table"),
    };
    let path = table.and_then(|t| t.get("path")).and_then(|p| p.as_str());
    match (path, version) {
        (Some(p), _) => words.push(format!("--path {p}")),
        (None, Some(v)) if v.trim_start_matches(['^', '=', '~']).starts_with("0.") => {
            words.push(format!("{name}@{}", v.trim_start_matches('^')));
        }
        (None, _) => words.push(name.to_string()),
    }
    if let Some(t) = table {
        for key in t.keys() {
            if !["version", "features", "default-features", "path"].contains(&key.as_str()) {
                bail!("dependency `{name}`: the key `{key}` is not rendered as a `cargo add` flag");
            }
        }
        if t.get("default-features").and_then(|d| d.as_bool()) == Some(false) {
            words.push("--no-default-features".into());
        }
        if let Some(features) = t.get("features").and_then(|f| f.as_array()) {
            let list: Vec<&str> = features.iter().filter_map(|f| f.as_str()).collect();
            if !list.is_empty() {
                words.push(format!("--features {}", list.join(",")));
            }
        }
    }
    Ok(words.join(" "))
}

/// A section of the manifest as written: its header line and the lines under it, up to the
/// next blank line or section.
fn verbatim(text: &str, header: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().skip_while(|l| l.trim() != header);
    if let Some(h) = lines.next() {
        out.push_str(h.trim());
        out.push('\n');
        for l in lines.take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with('[')) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dependency_becomes_the_cargo_add_line_of_its_manifest() {
        let manifest = r#"
[package]
name = "x"

[dependencies]
tokio = { version = "1.54", features = ["full"] }
tokio-util = { version = "0.7", features = ["rt"] }
reqwest = { version = "0.13", default-features = false, features = ["rustls"] }
rayon = "1"
observer = { path = "../02-observer" }

[dev-dependencies]
tokio = { version = "1.54", features = ["full", "test-util"] }

[build-dependencies]
cc = "1"

[target.'cfg(unix)'.dev-dependencies]
nix = { version = "0.32", features = ["signal"] }

[target.'cfg(loom)'.dependencies]
loom = "0.7"

[lints.rust]
unexpected_cfgs = { level = "warn", check-cfg = ['cfg(loom)'] }

[package.metadata.book]
kind = "runs"
"#;
        let d = from_manifest(manifest).unwrap();
        assert_eq!(
            d.commands,
            [
                "cargo add --path ../02-observer",
                "cargo add rayon",
                "cargo add reqwest@0.13 --no-default-features --features rustls",
                "cargo add tokio --features full",
                "cargo add tokio-util@0.7 --features rt",
                "cargo add --dev tokio --features full,test-util",
                "cargo add --build cc",
                "cargo add --dev --target 'cfg(unix)' nix@0.32 --features signal",
            ]
        );
        assert_eq!(
            d.toml,
            "[target.'cfg(loom)'.dependencies]\nloom = \"0.7\"\n\n[lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = ['cfg(loom)'] }\n"
        );
    }

    #[test]
    fn no_dependencies_render_nothing_and_unknown_keys_are_refused() {
        let d = from_manifest("[package]\nname = \"x\"\n\n[dependencies]\n").unwrap();
        assert_eq!(d, Deps::default());
        let e = from_manifest("[dependencies]\nx = { version = \"1\", optional = true }\n")
            .unwrap_err();
        assert!(e.to_string().contains("`optional`"), "{e}");
        let e = from_manifest("[dependencies]\nx = { git = \"https://x\" }\n").unwrap_err();
        assert!(e.to_string().contains("`git`"), "{e}");
    }
}
