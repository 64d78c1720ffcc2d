//! The declarations agree with the rest of the repository: the workspace excludes exactly
//! the compile-fail listings; every listing is shown once, by its own chapter, in
//! numbering order; every page is reachable; the doctest crate has every dependency.

use super::Problems;
use crate::context::Ctx;
use crate::declaration::{self, Listing};
use crate::markdown;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub fn check(ctx: &Ctx, listings: &[Listing]) -> Result<Problems> {
    let refused = refused(ctx, listings)?;
    let mut p = workspace_exclude(ctx, listings, &refused)?;
    p.extend(chapter_references(ctx, listings, &refused)?);
    p.extend(doctest_dependencies(ctx, listings)?);
    Ok(p)
}

/// Listing folders whose declaration was refused (already reported): nothing else is said
/// about them, so the report leads with the real problem, not its echoes.
fn refused(ctx: &Ctx, listings: &[Listing]) -> Result<BTreeSet<String>> {
    let loaded: BTreeSet<&str> = listings.iter().map(|l| l.id.as_str()).collect();
    let mut refused = BTreeSet::new();
    for chapter in fs_err::read_dir(&ctx.listings)? {
        let chapter = chapter?.path();
        if !chapter.is_dir() {
            continue;
        }
        for dir in fs_err::read_dir(&chapter)? {
            let dir = dir?.path();
            let id = format!(
                "{}/{}",
                crate::files::file_name(&chapter),
                crate::files::file_name(&dir)
            );
            if dir.join("Cargo.toml").is_file() && !loaded.contains(id.as_str()) {
                refused.insert(id);
            }
        }
    }
    Ok(refused)
}

/// The root manifest must exclude exactly the compile-fail listings.
fn workspace_exclude(
    ctx: &Ctx,
    listings: &[Listing],
    refused: &BTreeSet<String>,
) -> Result<Problems> {
    let doc: toml::Table = toml::from_str(&fs_err::read_to_string(ctx.root.join("Cargo.toml"))?)?;
    let excluded: BTreeSet<String> = doc
        .get("workspace")
        .and_then(|w| w.get("exclude"))
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let wanted = declaration::compile_fail_paths(listings);
    let mut p = Vec::new();
    for missing in wanted.difference(&excluded) {
        p.push(format!(
            "Cargo.toml: [workspace] exclude must list \"{missing}\" ({missing}/Cargo.toml declares kind = \"compile-fail\", so it must stay out of `cargo build`)"
        ));
    }
    for extra in excluded
        .difference(&wanted)
        .filter(|e| !refused.contains(e.trim_start_matches("listings/")))
    {
        p.push(format!(
            "Cargo.toml: [workspace] exclude lists \"{extra}\", which is not a compile-fail listing; remove it so the workspace builds and lints it"
        ));
    }
    Ok(p)
}

/// Every listing used exactly once, from a page of its own chapter, in numbering order;
/// every directive names a listing; no page outside SUMMARY.md.
fn chapter_references(
    ctx: &Ctx,
    listings: &[Listing],
    refused: &BTreeSet<String>,
) -> Result<Problems> {
    let mut p = Vec::new();
    let by_id: HashMap<&str, &Listing> = listings.iter().map(|l| (l.id.as_str(), l)).collect();
    let pages = crate::mdbook::summary_pages(ctx)?;
    let mut uses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut order: BTreeMap<&str, Vec<(u32, String)>> = BTreeMap::new();
    for page in &pages {
        let Ok(text) = fs_err::read_to_string(ctx.src.join(page)) else {
            p.push(format!(
                "{}: lists {page}, which does not exist",
                ctx.page("SUMMARY.md")
            ));
            continue;
        };
        for (line, id) in markdown::directives(&text, "listing") {
            let at = format!("{}:{line}", ctx.page(page));
            let Some(l) = by_id.get(id.as_str()) else {
                if refused.contains(&id) {
                    // Keep its place in the reading order, so the order check says nothing.
                    let (chapter, dir) = id.split_once('/').unwrap_or_default();
                    if let Some(number) = dir.get(..2).and_then(|n| n.parse().ok())
                        && let Some(chapter) = listings.iter().find(|l| l.chapter_dir == chapter)
                    {
                        order
                            .entry(&chapter.chapter_dir)
                            .or_default()
                            .push((number, at));
                    }
                    continue;
                }
                p.push(format!(
                    "{at}: {{{{#listing {id}}}}} names no listing (no listings/{id}/Cargo.toml)"
                ));
                continue;
            };
            let page_chapter = page.split('/').next().unwrap_or("");
            if page_chapter != l.chapter_dir {
                p.push(format!(
                    "{at}: listing {id} belongs to chapter {}, not {page_chapter}",
                    l.chapter_dir
                ));
            }
            uses.entry(&l.id).or_default().push(at.clone());
            order
                .entry(&l.chapter_dir)
                .or_default()
                .push((l.number, at));
        }
        for (line, id) in markdown::directives(&text, "ref") {
            if !by_id.contains_key(id.as_str()) && !refused.contains(&id) {
                p.push(format!(
                    "{}:{line}: {{{{#ref {id}}}}} names no listing",
                    ctx.page(page)
                ));
            }
        }
    }
    p.extend(unreachable_pages(ctx, &pages)?);
    p.extend(use_counts(listings, &uses));
    p.extend(reading_order(order));
    Ok(p)
}

/// Pages not in SUMMARY.md, which no reader can reach.
fn unreachable_pages(ctx: &Ctx, pages: &[String]) -> Result<Problems> {
    let mut p = Vec::new();
    for md in crate::mdbook::walk(&ctx.src, "md")? {
        let rel = md.strip_prefix(&ctx.src)?.display().to_string();
        if rel != "SUMMARY.md" && !pages.contains(&rel) {
            p.push(format!(
                "{}: not in SUMMARY.md, so no reader can reach it",
                ctx.page(&rel)
            ));
        }
    }
    Ok(p)
}

/// Every listing is shown exactly once.
fn use_counts(listings: &[Listing], uses: &BTreeMap<&str, Vec<String>>) -> Problems {
    let mut p = Vec::new();
    for l in listings {
        match uses.get(l.id.as_str()).map(Vec::as_slice) {
            None | Some([]) => p.push(format!(
                "{}: listing is not used by any chapter (add {{{{#listing {}}}}} to a page of src/{}/, or delete it)",
                l.manifest.display(),
                l.id,
                l.chapter_dir
            )),
            Some([_]) => {}
            Some(many) => p.push(format!(
                "{}: listing is included more than once: {}",
                l.manifest.display(),
                many.join(", ")
            )),
        }
    }
    p
}

/// Each chapter's listings are numbered in the order a reader meets them: the first one
/// out of order is reported.
fn reading_order(order: BTreeMap<&str, Vec<(u32, String)>>) -> Problems {
    let mut p = Vec::new();
    for (chapter, seen) in order {
        for (i, (number, at)) in seen.iter().enumerate() {
            let expected = i as u32 + 1;
            if *number != expected {
                p.push(format!(
                    "{at}: listing {number:02} of {chapter} is the {expected}th listing a reader meets; number listings in reading order (SUMMARY.md page order)"
                ));
                break;
            }
        }
    }
    p
}

/// tests/doctest must provide every crate a listing uses, or the book's doctests can't
/// compile it.
fn doctest_dependencies(ctx: &Ctx, listings: &[Listing]) -> Result<Problems> {
    let manifest = ctx.root.join("tests/doctest/Cargo.toml");
    let doc: toml::Table = toml::from_str(&fs_err::read_to_string(&manifest)?)?;
    let have: BTreeSet<String> = doc
        .get("dev-dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().map(|k| k.replace('-', "_")).collect())
        .unwrap_or_default();
    let mut p = Vec::new();
    for l in listings {
        for dep in &l.dependencies {
            if !have.contains(dep) {
                p.push(format!(
                    "tests/doctest/Cargo.toml: [dev-dependencies] lacks `{dep}`, which {} uses; the book's doctests need it",
                    l.manifest.display()
                ));
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_are_numbered_in_reading_order() {
        let in_order = BTreeMap::from([("ch01-a", vec![(1, "p:1".into()), (2, "p:9".into())])]);
        assert!(reading_order(in_order).is_empty());
        let swapped = BTreeMap::from([
            ("ch01-a", vec![(2, "p:1".into()), (1, "p:9".into())]),
            ("ch02-b", vec![(1, "q:1".into())]),
        ]);
        let p = reading_order(swapped);
        // Only the first listing out of order in a chapter is reported.
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("p:1: listing 02 of ch01-a"), "{p:?}");
    }
}
