//! Screenshots for CI to keep, each from a Chromium of its own (`--screenshot`,
//! `--print-to-pdf`): a failed one is a problem, but what they show is for people to look at.

use super::{browser, url};
use crate::context::Ctx;
use crate::mdbook::walk;
use anyhow::Result;
use fs_err as fs;
use std::path::Path;
use std::time::Duration;

/// Screenshots for CI to keep: the introduction, a chapter page in light and dark themes,
/// and the print view as the PDF a reader would print (print styles apply only there).
pub(super) fn take(
    ctx: &Ctx,
    chromium: &Path,
    html_root: &Path,
    work: &Path,
) -> Result<Vec<String>> {
    let dir = work.join("screenshots");
    fs::create_dir_all(&dir)?;
    let chapter_page = walk(html_root, "html")?
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/ch01-") && p.ends_with("pitfalls.html"))
        .unwrap_or_else(|| html_root.join("index.html"));
    let shots = [
        (
            "introduction-light.png",
            html_root.join("index.html"),
            false,
            "1280,1600",
        ),
        (
            "chapter-light.png",
            chapter_page.clone(),
            false,
            "1280,2400",
        ),
        ("chapter-dark.png", chapter_page, true, "1280,2400"),
        (
            "print-view.pdf",
            html_root.join("print.html"),
            false,
            "1000,3000",
        ),
    ];
    let mut p = Vec::new();
    for (name, page, dark, size) in shots {
        let file = dir.join(name);
        let mut cmd = browser(chromium, &work.join("profile-shots"));
        cmd.arg("--virtual-time-budget=5000");
        if dark {
            cmd.arg("--force-dark-mode");
        }
        if name.ends_with(".pdf") {
            cmd.arg("--no-pdf-header-footer")
                .arg(format!("--print-to-pdf={}", file.display()));
        } else {
            cmd.arg(format!("--window-size={size}"))
                .arg(format!("--screenshot={}", file.display()));
        }
        cmd.arg(url(&page, ""));
        // The print view is the whole book in one page: on a loaded 2-core machine its PDF
        // took 42 s, so it gets more than a page's minute.
        let limit = Duration::from_secs(if name.ends_with(".pdf") { 180 } else { 60 });
        let out = crate::process::run(&mut cmd, limit)?;
        let size = fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        if !out.success() || size < 10_000 {
            p.push(format!(
                "screenshot {name} of {}: Chromium {}: {}",
                ctx.rel(&page),
                out.describe_ending(),
                out.stderr
            ));
        }
    }
    say!("  screenshots: {}", ctx.rel(&dir));
    Ok(p)
}
