//! Two rules on a listing's files that a copied-out listing depends on: its manifest
//! inherits nothing from this repository, and its header's run command names it.

use super::Kind;

/// The header comment tells readers how to run the listing; a `cargo … -p` there must name
/// this very package, and a compile-fail listing (outside the workspace) must be built
/// with `--manifest-path` to its own Cargo.toml.
pub(super) fn wrong_run_hint(
    source: &str,
    package: &str,
    rel_dir: &str,
    kind: Kind,
) -> Option<String> {
    let header = source.lines().take_while(|l| l.starts_with("//"));
    for line in header {
        let Some(cmd) = line.find("cargo ").map(|i| &line[i..]) else {
            continue;
        };
        let words: Vec<&str> = cmd.split_whitespace().collect();
        for pair in words.windows(2) {
            let value = pair[1].trim_matches(['`', ',', ')', '(', ';', '.']);
            match pair[0] {
                "-p" | "--package" if kind == Kind::CompileFail => {
                    return Some(format!(
                        "the header says `{}`, but a compile-fail listing is outside the workspace: use `cargo build --manifest-path {rel_dir}/Cargo.toml`",
                        cmd.trim()
                    ));
                }
                "-p" | "--package" if value != package => {
                    return Some(format!(
                        "the header says `-p {value}`, but this listing is `{package}`"
                    ));
                }
                "--manifest-path" if value != format!("{rel_dir}/Cargo.toml") => {
                    return Some(format!(
                        "the header says `--manifest-path {value}`, but this listing is {rel_dir}/Cargo.toml"
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

/// Finds `workspace = true`, or a `path` dependency on anything but a sibling listing:
/// both break a copied-out listing.
pub(super) fn find_inheritance(
    v: &toml::Value,
    at: &str,
    is_sibling: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let table = v.as_table()?;
    for (k, v) in table {
        let here = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        if k == "workspace" && v.as_bool() == Some(true) {
            return Some(here);
        }
        if k == "path" && at.contains("dependencies") && !v.as_str().is_some_and(is_sibling) {
            return Some(here);
        }
        if let Some(found) = find_inheritance(v, &here, is_sibling) {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_hints_must_name_the_listing() {
        let ok = "// Run: cargo run -p ch01-01-x\nfn main() {}";
        assert_eq!(
            wrong_run_hint(ok, "ch01-01-x", "listings/ch01-a/01-x", Kind::Runs),
            None
        );
        let stale = "// Run: cargo run -p ch01-02-old\n";
        assert!(wrong_run_hint(stale, "ch01-01-x", "listings/ch01-a/01-x", Kind::Runs).is_some());
        let cf = "// Run: cargo build -p ch01-01-x (fails)\n";
        assert!(
            wrong_run_hint(cf, "ch01-01-x", "listings/ch01-a/01-x", Kind::CompileFail).is_some()
        );
        let cf_ok = "// Run: cargo build --manifest-path listings/ch01-a/01-x/Cargo.toml (fails)\n";
        assert_eq!(
            wrong_run_hint(
                cf_ok,
                "ch01-01-x",
                "listings/ch01-a/01-x",
                Kind::CompileFail
            ),
            None
        );
    }

    #[test]
    fn inheritance_is_found() {
        let doc: toml::Value =
            toml::from_str("[dependencies]\ntokio = { workspace = true }").unwrap();
        assert_eq!(
            find_inheritance(&doc, "", &|_| false).as_deref(),
            Some("dependencies.tokio.workspace")
        );
        let doc: toml::Value =
            toml::from_str("[dev-dependencies]\nkit = { path = \"../kit\" }").unwrap();
        assert_eq!(
            find_inheritance(&doc, "", &|_| false).as_deref(),
            Some("dev-dependencies.kit.path")
        );
        let doc: toml::Value = toml::from_str("[dependencies]\ntokio = \"1\"").unwrap();
        assert_eq!(find_inheritance(&doc, "", &|_| false), None);
        let doc: toml::Value =
            toml::from_str("[dependencies]\nlib = { path = \"../02-lib\" }").unwrap();
        assert_eq!(find_inheritance(&doc, "", &|p| p == "../02-lib"), None);
    }
}
