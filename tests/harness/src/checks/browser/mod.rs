//! The book as readers meet it: every page rendered in headless Chromium, with its scripts
//! run. A page fails on a raw `{{#` directive, a console message, or a listing badge or
//! admonition that isn't visible; search must find listings by name; screenshots of a few
//! pages (light, dark, print) are saved for CI to keep. Layout, as theme/listings.js
//! measures it on the page: no listing shows more than [`MAX_VISIBLE_LINES`] lines of code
//! before the reader unfolds it; at 1280 px no table or code block needs horizontal
//! scrolling; at 390 px nothing sticks out of the viewport outside a scroll container.

mod devtools;
mod measures;
mod schedules;
mod screenshots;

use super::{Problems, Run};
use crate::cache::{self, Hasher, Passed};
use crate::context::Ctx;
use crate::declaration::Listing;
use crate::mdbook::walk;
use anyhow::{Context, Result};
use devtools::Browser;
use fs_err as fs;
use measures::Measures;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The console messages allowed, as (text, source) parts: mdBook asks play.rust-lang.org
/// which crates it has, to decide where to show a Run button, and this check runs offline,
/// so the request fails and book.js does not catch the failure.
const OFFLINE_PLAYGROUND: [(&str, &str); 2] = [
    (
        "\"Failed to load resource: ",
        "source: https://play.rust-lang.org/meta/crates ",
    ),
    ("Failed to fetch\", source: ", "/book.js "),
];

/// The most lines of code a listing may show before the reader unfolds it.
const MAX_VISIBLE_LINES: usize = 80;

/// A desktop window, and a phone's.
pub(super) const WIDE: (u32, u32) = (1280, 900);
const NARROW: (u32, u32) = (390, 844);

/// How long one page may take to render.
const RENDER: Duration = Duration::from_secs(60);

pub fn check(run: &Run) -> Result<Problems> {
    let ctx = run.ctx;
    let listings = run.all;
    let chromium = find_chromium()?;
    let html_root = ctx.html();
    let work = ctx.target().join("browser");
    fs::create_dir_all(&work)?;
    let theme = theme_key(ctx, &chromium)?;
    let mut cache = Passed::load(ctx, "browser", !run.options.no_cache);
    let pages: Vec<PathBuf> = walk(&html_root, "html")?
        .into_iter()
        .filter(|p| !p.ends_with("toc.html"))
        .filter(|p| {
            let key = page_key(ctx, p, &theme);
            !cache.hit(&key)
        })
        .collect();

    let results = check_pages(ctx, &chromium, &work, &pages);
    let mut problems = Vec::new();
    let mut measures = Measures::load(&work);
    for (page, result) in results {
        match result {
            Ok(c) => {
                measures.record(page_key(ctx, &page, &theme), ctx.rel(&page), &c);
                if c.problems.is_empty() {
                    cache.pass(page_key(ctx, &page, &theme))?;
                }
                problems.extend(c.problems);
            }
            Err(e) => problems.push(format!("{}: {e:#}", ctx.rel(&page))),
        }
    }
    say!(
        "  browser: {} page(s) rendered and checked (unchanged pages that passed before skipped)",
        pages.len()
    );
    measures.retain_keys(
        &walk(&html_root, "html")?
            .iter()
            .map(|p| page_key(ctx, p, &theme))
            .collect::<Vec<_>>(),
    );
    measures.save(&work)?;
    say!("  {}", measures.summary());
    // A hung search or screenshot is a problem of its own; the pages' problems still count.
    let search = search_key(ctx, listings, &theme);
    if cache.hit(&search) {
        say!("  search: the built book, theme and listings are unchanged since it last passed");
    } else {
        match check_search(ctx, listings, &chromium, &work) {
            Ok(p) if p.is_empty() => cache.pass(search)?,
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(format!("search: {e:#}")),
        }
    }
    if !pages.is_empty() || !work.join("screenshots").is_dir() {
        match screenshots::take(ctx, &chromium, &html_root, &work) {
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(format!("screenshots: {e:#}")),
        }
    }
    cache.save(run.options.is_full())?;
    Ok(problems)
}

/// What a page's rendering depends on besides its HTML: the theme, and the browser.
fn theme_key(ctx: &Ctx, chromium: &Path) -> Result<Hasher> {
    let mut theme = Hasher::default();
    for f in walk(&ctx.root.join("theme"), "css")?
        .into_iter()
        .chain(walk(&ctx.root.join("theme"), "js")?)
    {
        theme.file(&ctx.root, &f);
    }
    theme.str(&chromium.display().to_string());
    Ok(theme)
}

/// Checks the pages, two browsers at a time (this machine has two cores), each worker's
/// browser kept running from page to page, with a profile of its own. A browser that
/// failed a page is replaced for the next.
fn check_pages(
    ctx: &Ctx,
    chromium: &Path,
    work: &Path,
    pages: &[PathBuf],
) -> Vec<(PathBuf, Result<Checked>)> {
    let browsers: Vec<std::sync::Mutex<Option<Browser>>> = (0..crate::parallel::WORKERS)
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    crate::parallel::map_on(pages, |worker, page| {
        let mut slot = browsers[worker]
            .lock()
            .expect("one page at a time per worker");
        let profile = work.join(format!("profile-{worker}"));
        let checked = match slot.take() {
            Some(b) => Ok(b),
            None => Browser::launch(browser(chromium, &profile)),
        }
        .and_then(|mut b| {
            let checked = check_page(ctx, &mut b, page)?;
            *slot = Some(b);
            Ok(checked)
        });
        (page.clone(), checked)
    })
}

/// What the search check depends on: the whole built book (the search index and every
/// page), the theme and browser, and the listings it looks for.
fn search_key(ctx: &Ctx, listings: &[Listing], theme: &Hasher) -> String {
    let mut h = theme.clone();
    h.tree(&ctx.root, &ctx.html());
    for l in listings {
        h.str(&l.id).str(&l.label());
    }
    cache::key("search", &h)
}

fn page_key(ctx: &Ctx, page: &Path, theme: &Hasher) -> String {
    let mut h = theme.clone();
    h.file(&ctx.root, page);
    cache::key(&format!("page {}", ctx.rel(page)), &h)
}

/// Chromium as the machine's own probe starts it: headless, no sandbox (root), and
/// nothing that reaches for the network in the background.
fn browser(chromium: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

fn url(page: &Path, query: &str) -> String {
    format!("file://{}{query}", page.display())
}

/// What one page's check found, and what it measured (for the summary).
#[derive(Default)]
struct Checked {
    problems: Vec<String>,
    /// Each listing's anchor (`listing-1-20`) and its visible lines of code.
    listing_lines: Vec<(String, usize)>,
    /// Tables and code blocks that need horizontal scrolling at 1280 px.
    clipped: usize,
    /// Elements sticking out at 390 px.
    overflowing: usize,
}

/// Renders `page` (with `?book-check`, so its script measures the layout) in a window of
/// `size`: the DOM as the scripts left it.
fn render(b: &mut Browser, page: &Path, size: (u32, u32)) -> Result<String> {
    render_as(b, page, size, "")
}

/// The same, with more of the query: `&theme=coal`, `&media=print` (see theme/listings.js).
fn render_as(b: &mut Browser, page: &Path, size: (u32, u32), more: &str) -> Result<String> {
    b.render(&url(page, &format!("?book-check{more}")), size, RENDER)
        .with_context(|| format!("rendering the page at {} px", size.0))
}

/// Whether a console message is one of those expected of `page` opened from a file in
/// `root`: the offline playground's, or, on 404.html, a file outside the book. That page
/// is served for any missing path, so it links its scripts and styles from the site's
/// root (`<base href="/">`), which a file URL puts at the filesystem's root.
fn allowed(line: &str, page: &Path, root: &Path) -> bool {
    let offline = OFFLINE_PLAYGROUND
        .iter()
        .any(|(text, source)| line.contains(text) && line.contains(source));
    let outside_the_book = page.ends_with("404.html")
        && line
            .starts_with("\"Failed to load resource: net::ERR_FILE_NOT_FOUND\", source: file:///")
        && !line.contains(&format!("source: file://{}/", root.display()));
    offline || outside_the_book
}

/// A JSON mark theme/listings.js left on the <html> element.
fn json_mark<T: serde::de::DeserializeOwned>(dom: &str, attr: &str) -> Result<T> {
    let raw = crate::html::attribute_values(dom, attr)
        .into_iter()
        .next()
        .with_context(|| format!("theme/listings.js did not run (no {attr} mark on the page)"))?;
    let text = raw.replace("&quot;", "\"").replace("&nbsp;", "\u{a0}");
    serde_json::from_str(&text).with_context(|| format!("{attr}: {text}"))
}

/// Renders one page and reads what its scripts recorded.
fn check_page(ctx: &Ctx, b: &mut Browser, page: &Path) -> Result<Checked> {
    let mut checked = read_page(ctx, b, page)?;
    let root = ctx.html();
    let mut seen = std::collections::BTreeSet::new();
    // Each render of the page may write the same message: it is reported once.
    for line in b.close_page(RENDER)? {
        if seen.insert(line.clone()) && !allowed(&line, page, &root) {
            let rel = ctx.rel(page);
            checked.problems.push(format!("{rel}: console: {line}"));
        }
    }
    Ok(checked)
}

/// Renders one page as often as its checks need and reads what its scripts marked; the
/// browser keeps what the page writes to the console until [`Browser::close_page`].
fn read_page(ctx: &Ctx, b: &mut Browser, page: &Path) -> Result<Checked> {
    let rel = ctx.rel(page);
    let source = fs::read_to_string(page)?;
    let dom = render(b, page, WIDE)?;
    let mut checked = Checked::default();
    let p = &mut checked.problems;
    if let Some(pos) = dom.find("{{#") {
        let snippet: String = dom[pos..].chars().take(60).collect();
        p.push(format!("{rel}: the page shows a raw directive: {snippet}"));
    }
    if page.ends_with("404.html") {
        return Ok(checked);
    }
    let listings = source.matches("<div class=\"listing ").count();
    let admonitions = source.matches("class=\"admonition ").count();
    for (attr, want, what) in [
        ("data-listing-badges", listings, "listing badges"),
        ("data-admonitions", admonitions, "admonitions"),
    ] {
        let expected = format!("{want}/{want}");
        match crate::html::attribute_values(&dom, attr).into_iter().next() {
            Some(got) if got == expected => {}
            Some(got) => p.push(format!(
                "{rel}: {what}: {got} visible and styled, expected {expected} (is the stylesheet missing?)"
            )),
            None => p.push(format!("{rel}: theme/listings.js did not run (no {attr} mark on the page)")),
        }
    }
    // print.html repeats every chapter; the chapters' own pages are measured.
    if page.ends_with("print.html") {
        return Ok(checked);
    }
    p.extend(schedules::read(b, page, &rel, &source, &dom)?);
    let lines: Vec<(String, usize)> = json_mark(&dom, "data-listing-lines")?;
    for (id, n) in &lines {
        if *n > MAX_VISIBLE_LINES {
            p.push(format!(
                "{rel}: {} shows {n} lines of code before it is unfolded (at most {MAX_VISIBLE_LINES}): fold its plumbing (`fold` or `fold-all-but` in its [package.metadata.book], see listings/README.md)",
                id.replace("listing-", "Listing ")
            ));
        }
    }
    if lines.len() != source.matches("<div class=\"listing ").count() {
        p.push(format!(
            "{rel}: theme/listings.js measured {} listings, the page has {}",
            lines.len(),
            source.matches("<div class=\"listing ").count()
        ));
    }
    checked.listing_lines = lines;
    let clipped: Vec<String> = json_mark(&dom, "data-clipped")?;
    checked.clipped = clipped.len();
    for c in clipped {
        p.push(format!(
            "{rel}: at 1280 px a {c}: it needs horizontal scrolling (wrap it or make it narrower)"
        ));
    }
    let narrow = render(b, page, NARROW)?;
    let overflow: Vec<String> = json_mark(&narrow, "data-overflow")?;
    checked.overflowing = overflow.len();
    for o in overflow {
        p.push(format!(
            "{rel}: at 390 px, {o}: it sticks out of the viewport outside any scroll container"
        ));
    }
    Ok(checked)
}

/// For the first listing of each chapter, the book's search must list the page that
/// shows it when asked for the listing's name ("spawn and join" for 01-spawn-and-join).
fn check_search(
    ctx: &Ctx,
    listings: &[Listing],
    chromium: &Path,
    work: &Path,
) -> Result<Vec<String>> {
    let html_root = ctx.html();
    let pages = walk(&html_root, "html")?;
    let mut p = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut b = Browser::launch(browser(chromium, &work.join("profile-search")))?;
    for l in listings.iter().filter(|l| seen.insert(l.chapter)) {
        let anchor = format!("id=\"listing-{}\"", l.label());
        let Some(page) = pages
            .iter()
            .filter(|pg| !pg.ends_with("print.html"))
            .find(|pg| fs::read_to_string(pg).is_ok_and(|t| t.contains(&anchor)))
        else {
            p.push(format!(
                "{}: no page of the book shows it",
                l.manifest.display()
            ));
            continue;
        };
        let name = l.id.rsplit('/').next().unwrap_or_default();
        let words = name
            .split_once('-')
            .map_or(name, |(_, w)| w)
            .replace('-', " ");
        let search = url(
            &html_root.join("index.html"),
            &format!("?search={}", words.replace(' ', "%20")),
        );
        let dom = b
            .render(&search, WIDE, RENDER)
            .with_context(|| format!("searching for \"{words}\""))?;
        let rel_page = page.strip_prefix(&html_root)?.display().to_string();
        let results = dom.split("id=\"searchresults\"").nth(1).unwrap_or("");
        let results = results.split("</ul>").next().unwrap_or("");
        if !results.contains(&format!("href=\"{rel_page}")) {
            p.push(format!(
                "search: looking for \"{words}\" does not list {rel_page}, the page that shows listing {}",
                l.id
            ));
        }
    }
    Ok(p)
}

/// `$CHROMIUM`, or Chromium on the PATH, or Debian's package installed (as root on Debian).
fn find_chromium() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(p));
    }
    // macOS keeps browsers in application bundles, not on the PATH.
    for app in [
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ] {
        if Path::new(app).is_file() {
            return Ok(PathBuf::from(app));
        }
    }
    let tool = &crate::tools::CHROMIUM;
    match crate::tools::find_or_install(tool.names, tool.package, tool.purpose)? {
        Some(p) => Ok(p),
        // Reported as NOT RUN (a failure under CI), as the Go step reports a missing Go.
        None => Err(crate::NotRun(format!(
            "{}: install Chromium or set CHROMIUM=/path/to/chrome",
            crate::tools::missing(tool)
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_expected_console_messages_are_allowed() {
        let root = Path::new("/b/html");
        let page = root.join("ch01/01-basics.html");
        let not_found = |path: &str| {
            format!(
                "\"Failed to load resource: net::ERR_FILE_NOT_FOUND\", source: file://{path} (0)"
            )
        };
        for line in [
            "\"Failed to load resource: net::ERR_NAME_NOT_RESOLVED\", source: https://play.rust-lang.org/meta/crates (0)",
            "\"Uncaught (in promise) TypeError: Failed to fetch\", source: file:///b/html/book.js (25)",
        ] {
            assert!(allowed(line, &page, root), "{line}");
        }
        assert!(allowed(&not_found("/toc.js"), &root.join("404.html"), root));
        for (line, on) in [
            (not_found("/toc.js"), &page),
            (not_found("/b/html/toc.js"), &root.join("404.html")),
            (
                "\"Uncaught TypeError: x is undefined\", source: file:///b/html/book.js (3)".into(),
                &page,
            ),
            (
                "\"Failed to fetch\", source: file:///b/html/theme/listings.js (9)".into(),
                &page,
            ),
        ] {
            assert!(!allowed(&line, on, root), "{line} on {}", on.display());
        }
    }

    #[test]
    fn the_search_is_checked_again_when_the_book_or_a_listing_changes() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good-listings");
        let listings = crate::declaration::load_all(&Ctx::at(&fixtures).unwrap()).unwrap();
        let dir = std::env::temp_dir().join(format!("search-key-{}", std::process::id()));
        let html = dir.join("book/html");
        fs::create_dir_all(&html).unwrap();
        fs::write(dir.join("book.toml"), "").unwrap();
        fs::write(html.join("searchindex.js"), "index").unwrap();
        let ctx = Ctx::at(&dir).unwrap();
        let theme = Hasher::default();
        let before = search_key(&ctx, &listings, &theme);
        assert_eq!(search_key(&ctx, &listings, &theme), before);
        fs::write(html.join("searchindex.js"), "another index").unwrap();
        let rebuilt = search_key(&ctx, &listings, &theme);
        assert_ne!(rebuilt, before, "a new search index");
        assert_ne!(
            search_key(&ctx, &listings[1..], &theme),
            rebuilt,
            "other listings to look for"
        );
        let mut other_theme = Hasher::default();
        other_theme.str("another browser");
        assert_ne!(search_key(&ctx, &listings, &other_theme), rebuilt);
        fs::remove_dir_all(&dir).unwrap();
    }
}
