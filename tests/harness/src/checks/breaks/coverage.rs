//! Coverage: what a listing claims that has no break to prove the check can fail.

use crate::declaration::{BugProof, Fails, Listing};
use std::collections::BTreeSet;

pub(super) fn check_name(fails: &Fails) -> &'static str {
    match fails {
        Fails::Output => "output",
        Fails::Compile => "compile",
        Fails::Loom => "loom",
        Fails::Schedule => "schedule",
        Fails::Test(_) => "test",
    }
}

/// What a listing claims that has no break to prove the check can fail.
pub fn coverage(l: &Listing, tests: &BTreeSet<String>) -> Vec<String> {
    let mut missing = Vec::new();
    let has = |f: &dyn Fn(&Fails) -> bool| l.breaks.iter().any(|b| f(&b.fails));
    if let Some(fixed) = &l.fixes
        && l.breaks.is_empty()
    {
        missing.push(format!(
            "fixes {fixed}, but has no break that puts the bug back"
        ));
    }
    let kind = l.kind();
    if let Some(proof) = kind.facts().bug {
        let (what, ok): (&str, fn(&Fails) -> bool) = match proof {
            BugProof::Compile => ("fails = \"compile\"", |f| *f == Fails::Compile),
            BugProof::Loom => ("fails = \"loom\"", |f| *f == Fails::Loom),
            BugProof::OutputOrTest => ("fails = \"output\" or a test", |f| {
                matches!(f, Fails::Output | Fails::Test(_))
            }),
        };
        if !has(&ok) {
            missing.push(format!(
                "kind `{}`: needs a break that removes the bug ({what})",
                kind.name()
            ));
        }
    }
    if l.claim.loom().is_some() && !kind.is_bug() && !has(&|f| *f == Fails::Loom) {
        missing.push("has a loom model but no break with fails = \"loom\"".into());
    }
    if l.claim.loom().is_some() && !has(&|f| *f == Fails::Schedule) {
        missing.push(
            "has a loom model, whose schedule or count the page shows, but no break with fails = \"schedule\"".into(),
        );
    }
    for t in tests {
        if !has(&|f| *f == Fails::Test(t.clone())) {
            missing.push(format!("test `{t}` has no break (fails = \"test {t}\")"));
        }
    }
    for b in &l.breaks {
        if let Fails::Test(t) = &b.fails
            && !tests.contains(t)
        {
            missing.push(format!(
                "a break names `test {t}`, which is not a test of the crate (its tests: {tests:?})"
            ));
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::{Break, Claim};
    use std::path::PathBuf;

    fn listing(claim: Claim, fixes: Option<&str>, breaks: &[Fails]) -> Listing {
        Listing {
            id: "ch01-a/01-x".into(),
            dir: PathBuf::from("listings/ch01-a/01-x"),
            manifest: PathBuf::from("listings/ch01-a/01-x/Cargo.toml"),
            chapter_dir: "ch01-a".into(),
            chapter: 1,
            number: 1,
            package: "ch01-01-x".into(),
            claim,
            caption: "x".into(),
            show: PathBuf::from("listings/ch01-a/01-x/src/main.rs"),
            fixes: fixes.map(String::from),
            proof: vec![],
            breaks: breaks
                .iter()
                .enumerate()
                .map(|(i, fails)| {
                    toml::from_str::<Break>(&format!(
                        "does = \"break {i}\"\nfind = \"a\"\nreplace = \"b\"\nfails = \"{fails}\""
                    ))
                    .unwrap()
                })
                .collect(),
            dependencies: vec![],
            fold: crate::fold::Spec::Auto,
        }
    }

    fn runs(loom: Option<&str>) -> Claim {
        Claim::Runs {
            unordered: vec![],
            loom: loom.map(String::from),
        }
    }

    fn tests(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_listing_that_claims_nothing_needs_no_break() {
        assert!(coverage(&listing(runs(None), None, &[]), &tests(&[])).is_empty());
    }

    #[test]
    fn a_fix_needs_a_break_that_puts_the_bug_back() {
        let l = listing(runs(None), Some("01-bug"), &[]);
        let missing = coverage(&l, &tests(&[]));
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].contains("fixes 01-bug"), "{missing:?}");
        let l = listing(runs(None), Some("01-bug"), &[Fails::Output]);
        assert!(coverage(&l, &tests(&[])).is_empty());
    }

    #[test]
    fn a_bug_needs_the_break_its_kind_names() {
        let cf = Claim::CompileFail {
            errors: vec!["E0499".into()],
        };
        assert_eq!(
            coverage(&listing(cf.clone(), None, &[]), &tests(&[])).len(),
            1
        );
        // Only `compile` proves a compile-fail bug; an output break does not.
        assert_eq!(
            coverage(&listing(cf.clone(), None, &[Fails::Output]), &tests(&[])).len(),
            1
        );
        assert!(coverage(&listing(cf, None, &[Fails::Compile]), &tests(&[])).is_empty());
        let lost = Claim::LosesUpdates { loom: "m".into() };
        // (Its drawn schedule needs a break of its own: one more missing.)
        assert_eq!(
            coverage(&listing(lost.clone(), None, &[Fails::Output]), &tests(&[])).len(),
            2
        );
        assert!(
            coverage(
                &listing(lost, None, &[Fails::Loom, Fails::Schedule]),
                &tests(&[])
            )
            .is_empty()
        );
        let leaks = Claim::Leaks {
            unordered: vec![],
            loom: None,
        };
        assert_eq!(
            coverage(&listing(leaks.clone(), None, &[]), &tests(&[])).len(),
            1
        );
        assert!(coverage(&listing(leaks.clone(), None, &[Fails::Output]), &tests(&[])).is_empty());
        let t = Fails::Test("t".into());
        assert!(coverage(&listing(leaks, None, &[t]), &tests(&["t"])).is_empty());
    }

    #[test]
    fn a_loom_model_on_a_working_listing_needs_a_loom_break() {
        let l = listing(runs(Some("m")), None, &[]);
        let missing = coverage(&l, &tests(&[]));
        assert!(missing[0].contains("loom model"), "{missing:?}");
        let both = [Fails::Loom, Fails::Schedule];
        assert!(coverage(&listing(runs(Some("m")), None, &both), &tests(&[])).is_empty());
    }

    #[test]
    fn a_loom_model_needs_a_schedule_break() {
        // What the page draws under a model (its schedule, or loom's count) can fail too.
        let missing = coverage(&listing(runs(Some("m")), None, &[Fails::Loom]), &tests(&[]));
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].contains("fails = \"schedule\""), "{missing:?}");
        let lost = Claim::LosesUpdates { loom: "m".into() };
        let missing = coverage(&listing(lost, None, &[Fails::Loom]), &tests(&[]));
        assert!(missing[0].contains("fails = \"schedule\""), "{missing:?}");
    }

    #[test]
    fn every_test_needs_a_break_and_every_test_break_a_test() {
        let l = listing(runs(None), None, &[Fails::Test("a".into())]);
        assert!(coverage(&l, &tests(&["a"])).is_empty());
        let missing = coverage(&l, &tests(&["a", "b"]));
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].contains("test `b` has no break"), "{missing:?}");
        let missing = coverage(&l, &tests(&[]));
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].contains("not a test of the crate"),
            "{missing:?}"
        );
    }

    #[test]
    fn checks_are_named_for_the_summary() {
        assert_eq!(check_name(&Fails::Output), "output");
        assert_eq!(check_name(&Fails::Test("t".into())), "test");
    }
}
