//! The check of a compile-fail listing: rustc's errors, read from its JSON diagnostics,
//! against the declared ones, and its normalised text against the `output.txt` the book
//! shows. Shared by the copy-out and breaks steps.

use crate::cargo::Build;
use crate::checks::Problems;
use crate::context::Ctx;
use crate::declaration::{Listing, is_error_code};
use crate::files::write_if_changed;
use anyhow::Result;
use std::collections::BTreeSet;

/// A compile-fail listing must fail with exactly its declared errors, and its output.txt
/// must be what rustc says now (normalised across machines and versions); `bless` writes
/// what rustc says into output.txt instead, to be reviewed like any expected output.
pub fn compile_errors(ctx: &Ctx, l: &Listing, build: &Build, bless: bool) -> Result<Problems> {
    let who = l.manifest.display();
    let declared = l.claim.errors();
    if build.success() {
        return Ok(vec![format!(
            "{who}: declared compile-fail with {declared:?}, but it compiles"
        )]);
    }
    if build.errors.is_empty() {
        return Ok(vec![format!(
            "{who}: cargo failed before rustc reported anything:\n{}",
            build.report()
        )]);
    }
    let mut p = Vec::new();
    let got_codes: BTreeSet<&str> = build
        .errors
        .iter()
        .filter_map(|e| e.code.as_deref())
        .collect();
    let want_codes: BTreeSet<&str> = declared
        .iter()
        .map(String::as_str)
        .filter(|e| is_error_code(e))
        .collect();
    if got_codes != want_codes {
        p.push(format!(
            "{who}: declared errors {want_codes:?}, but rustc reported {got_codes:?}"
        ));
    }
    let want_messages: Vec<&str> = declared
        .iter()
        .map(String::as_str)
        .filter(|e| !is_error_code(e))
        .collect();
    for e in build.errors.iter().filter(|e| e.code.is_none()) {
        if !want_messages.iter().any(|m| e.message.contains(m)) {
            p.push(format!(
                "{who}: rustc reported an undeclared error: {}",
                e.message
            ));
        }
    }
    for m in &want_messages {
        if !build
            .errors
            .iter()
            .any(|e| e.code.is_none() && e.message.contains(m))
        {
            p.push(format!(
                "{who}: declared the error \"{m}\", but rustc did not report it"
            ));
        }
    }
    let rendered = crate::normalize::compiler_output(
        &build
            .errors
            .iter()
            .map(|e| e.rendered.as_str())
            .collect::<String>(),
    );
    let shown = fs_err::read_to_string(l.output_file())?;
    if bless && p.is_empty() && shown.trim_end() != rendered.trim_end() {
        write_if_changed(
            &l.output_file(),
            format!("{}\n", rendered.trim_end()).as_bytes(),
        )?;
        say!("  recorded {}", ctx.rel(&l.output_file()));
    } else if shown.trim_end() != rendered.trim_end() {
        p.push(format!(
            "{}: the book shows these compiler errors, but rustc now says something else:\n{}",
            ctx.rel(&l.output_file()),
            crate::diff::lines(shown.trim_end(), rendered.trim_end())
        ));
    }
    Ok(p)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::cargo::CompilerError;
    use crate::process::{Ending, Run};
    use std::path::Path;

    /// A cargo build that ended with `code` and these rustc errors.
    fn build(code: i32, errors: &[(Option<&str>, &str)]) -> Build {
        Build {
            run: Run {
                ending: Ending::Exited(std::os::unix::process::ExitStatusExt::from_raw(code << 8)),
                stdout: String::new(),
                stderr: String::new(),
                elapsed: std::time::Duration::ZERO,
            },
            executables: vec![],
            errors: errors
                .iter()
                .map(|(code, message)| CompilerError {
                    code: code.map(String::from),
                    message: message.to_string(),
                    rendered: format!(
                        "error{}: {message}\n",
                        code.map(|c| format!("[{c}]")).unwrap_or_default()
                    ),
                })
                .collect(),
        }
    }

    #[test]
    fn a_compile_fail_listing_must_fail_with_exactly_its_errors_and_text() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let ctx = Ctx::at(&root).unwrap();
        let listings = crate::declaration::load_all(&ctx).unwrap();
        let l = crate::declaration::find(&listings, "02-compile-fail").unwrap();
        let borrow = "cannot borrow `v` as mutable more than once at a time";
        // As declared (E0499), with the text output.txt shows: nothing to say.
        let ok = compile_errors(&ctx, l, &build(101, &[(Some("E0499"), borrow)]), false);
        assert_eq!(ok.unwrap(), Vec::<String>::new());
        // It compiles.
        let p = compile_errors(&ctx, l, &build(0, &[]), false).unwrap();
        assert!(p[0].contains("but it compiles"), "{p:?}");
        // cargo failed before rustc said anything.
        let p = compile_errors(&ctx, l, &build(101, &[]), false).unwrap();
        assert!(p[0].contains("before rustc reported anything"), "{p:?}");
        // Another code, and so another text.
        let p = compile_errors(&ctx, l, &build(101, &[(Some("E0502"), borrow)]), false).unwrap();
        assert!(p[0].contains("declared errors {\"E0499\"}"), "{p:?}");
        assert!(p[1].contains("rustc now says something else"), "{p:?}");
        // An error without a code that the declaration does not name.
        let p = compile_errors(
            &ctx,
            l,
            &build(101, &[(Some("E0499"), borrow), (None, "aborting")]),
            false,
        )
        .unwrap();
        assert!(p[0].contains("undeclared error: aborting"), "{p:?}");
    }
}
