//! mdBook, compiled into this binary (mdbook 0.4.51 and mdbook-admonish 1.20.0 as
//! libraries, see `tools`): `cargo xtask build` and `cargo xtask serve`, the hidden
//! `mdbook` and `admonish` commands they run it through, and reading the book's structure
//! (SUMMARY.md).
//!
//! Every build and every `mdbook test` runs as a child process of this binary
//! (`book-harness mdbook build`), never inside the caller: it gets a time limit whose
//! expiry kills it with its rustdoc children, and everything mdBook and its preprocessors
//! log, each from its own process, lands in one captured output that `build` reads for
//! warnings (mdBook 0.4 exits 0 after logging a missing `{{#include}}` as an error).

use crate::context::Ctx;
use crate::process;
use anyhow::{Context, Result, bail};
use mdbook::MDBook;
use mdbook::preprocess::{CmdPreprocessor, Preprocessor};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The hidden `cargo xtask mdbook …`: the parts of the `mdbook` command line the harness
/// uses, with this binary as both preprocessors.
#[derive(clap::Subcommand)]
pub enum Mdbook {
    /// Build the book into `[build] build-dir` (as `mdbook build`).
    Build,
    /// Compile and run the book's Rust blocks with rustdoc (as `mdbook test`).
    Test {
        /// Only the chapter with this path under src/ (or this name).
        #[arg(long)]
        chapter: Option<String>,
        /// A directory rustdoc searches for the crates the blocks use.
        #[arg(short = 'L', long = "library-path")]
        library_path: Vec<PathBuf>,
    },
}

/// `cargo xtask serve`'s options.
#[derive(clap::Args)]
pub struct ServeOptions {
    /// The host name to listen on.
    #[arg(short = 'n', long, default_value = "localhost")]
    pub hostname: String,
    /// The port to listen on.
    #[arg(short, long, default_value_t = 3000)]
    pub port: u16,
}

/// The built-in mdBook as a command (`<this binary> mdbook`), run at the repository root.
/// Callers add `build` or `test …`.
pub fn command(ctx: &Ctx) -> Result<Command> {
    let mut cmd = Command::new(this_exe()?);
    cmd.current_dir(&ctx.root).arg("mdbook");
    Ok(cmd)
}

/// This binary. If a workspace build relinked it while it runs, Linux reports the old file
/// as "… (deleted)"; the new one at the same path is the same program.
fn this_exe() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding this binary")?;
    let text = exe.to_string_lossy();
    Ok(match text.strip_suffix(" (deleted)") {
        Some(live) => PathBuf::from(live),
        None => exe,
    })
}

/// This binary as the first word of a preprocessor command, which mdBook splits with
/// shell rules: quoted, with forward slashes (Windows accepts them; a backslash would be
/// read as an escape).
fn exe_word() -> Result<String> {
    let exe = this_exe()?.to_string_lossy().replace('\\', "/");
    Ok(format!("\"{exe}\""))
}

/// `cargo xtask mdbook …`: runs the compiled-in mdBook in this process.
pub fn main(ctx: &Ctx, command: Mdbook) -> Result<()> {
    log_to_stderr();
    let mut book = load(ctx)?;
    match command {
        Mdbook::Build => book.build(),
        Mdbook::Test {
            chapter,
            library_path,
        } => {
            let paths: Vec<String> = library_path
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            book.test_chapter(
                paths.iter().map(String::as_str).collect(),
                chapter.as_deref(),
            )
        }
    }
}

/// The book as book.toml and `MDBOOK_*` variables describe it, with this binary as its
/// `listings` and `admonish` preprocessors (book.toml names `cargo run` of it, for anyone
/// running a stock mdbook by hand).
fn load(ctx: &Ctx) -> Result<MDBook> {
    let mut config = mdbook::Config::from_disk(ctx.root.join("book.toml"))?;
    config.update_from_env();
    let exe = exe_word()?;
    config.set("preprocessor.listings.command", format!("{exe} preprocess"))?;
    config.set("preprocessor.admonish.command", format!("{exe} admonish"))?;
    MDBook::load_with_config(&ctx.root, config)
}

/// The hidden `cargo xtask admonish`: mdbook-admonish's preprocessor, speaking mdBook's
/// preprocessor protocol (`supports <renderer>`, or the book as JSON on stdin and out).
pub fn admonish(args: &[String]) -> Result<()> {
    log_to_stderr();
    let admonish = mdbook_admonish::Admonish;
    if let [supports, renderer] = args
        && supports == "supports"
    {
        // mdBook reads the answer from the exit status.
        std::process::exit(if admonish.supports_renderer(renderer) {
            0
        } else {
            1
        });
    }
    if !args.is_empty() {
        bail!("admonish takes no arguments but `supports <renderer>`");
    }
    let (context, book) = CmdPreprocessor::parse_input(std::io::stdin())?;
    if context.mdbook_version != mdbook::MDBOOK_VERSION {
        log::warn!(
            "mdbook-admonish was built against mdbook {} but is run by mdbook {}",
            mdbook::MDBOOK_VERSION,
            context.mdbook_version
        );
    }
    let book = admonish.run(&context, book)?;
    serde_json::to_writer(std::io::stdout().lock(), &book)?;
    Ok(())
}

/// mdBook's log lines on stderr, as the `mdbook` binary prints them ("[WARN] (target):
/// message"): mdBook's and mdbook-admonish's from `info` up, other crates' warnings.
fn log_to_stderr() {
    struct Stderr;
    impl log::Log for Stderr {
        fn enabled(&self, m: &log::Metadata) -> bool {
            m.level() <= log::Level::Warn
                || (m.level() <= log::Level::Info && m.target().starts_with("mdbook"))
        }
        fn log(&self, r: &log::Record) {
            if self.enabled(r.metadata()) {
                say!("[{}] ({}): {}", r.level(), r.target(), r.args());
            }
        }
        fn flush(&self) {}
    }
    if log::set_logger(&Stderr).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
}

/// How long one build may take before it is killed.
const BUILD_LIMIT: Duration = Duration::from_secs(600);

/// Builds the book; every warning or error mdBook or a preprocessor logs is a problem.
pub fn build(ctx: &Ctx) -> Result<Vec<String>> {
    let mut cmd = command(ctx)?;
    cmd.arg("build");
    say!("  $ {}", process::describe(&cmd));
    let out = process::run(&mut cmd, BUILD_LIMIT)?;
    Ok(problems(&out))
}

/// The lines of a build's output that report a warning or an error, and how it ended if it
/// failed.
fn problems(out: &process::Run) -> Vec<String> {
    let mut problems: Vec<String> = logged_problems(&out.both())
        .map(|line| format!("mdbook build: {line}"))
        .collect();
    if !out.success() {
        problems.push(format!(
            "mdbook build {}:\n{}",
            out.describe_ending(),
            out.both()
        ));
    }
    problems
}

/// The lines of mdBook's output (its log and its preprocessors') that report a warning or
/// an error.
fn logged_problems(output: &str) -> impl Iterator<Item = &str> {
    output.lines().filter(|line| {
        line.contains("[WARN")
            || line.contains("[ERROR")
            || line.contains("warning:")
            || line.starts_with("error")
    })
}

/// mdBook's live-reload websocket path: with `output.html.live-reload-endpoint` set, every
/// page opens it and reloads when it receives "reload" (mdBook's own template).
const LIVE_RELOAD: &str = "__livereload";

/// `cargo xtask serve`: builds the book, serves `book/html`, and rebuilds it and reloads
/// open pages whenever something under src/, listings/ or theme/, or book.toml, changes.
pub fn serve(ctx: &Ctx, options: &ServeOptions) -> Result<()> {
    let started = Instant::now();
    let address = format!("{}:{}", options.hostname, options.port);
    let socket = std::net::ToSocketAddrs::to_socket_addrs(&address)
        .with_context(|| format!("resolving {address}"))?
        .next()
        .with_context(|| format!("{address} resolves to no address"))?;
    let serve_build = || -> Result<()> {
        let mut cmd = command(ctx)?;
        cmd.arg("build")
            .env("MDBOOK_OUTPUT__HTML__LIVE_RELOAD_ENDPOINT", LIVE_RELOAD)
            // 404.html links its assets from the site root.
            .env("MDBOOK_OUTPUT__HTML__SITE_URL", "/");
        let out = process::run(&mut cmd, BUILD_LIMIT)?;
        for line in logged_problems(&out.both()) {
            say!("  ✗ {line}");
        }
        if !out.success() {
            say!(
                "  ✗ the build {}; the pages built before stay served",
                out.describe_ending()
            );
        }
        Ok(())
    };
    say!("building the book into {}", ctx.rel(&ctx.html()));
    serve_build()?;

    let runtime = tokio::runtime::Runtime::new()?;
    let (reload, _) = tokio::sync::broadcast::channel::<()>(16);
    let server = {
        let _entered = runtime.enter();
        routes(&ctx.html(), reload.clone(), socket)?
    };
    runtime.spawn(server);
    say!(
        "serving the book at http://{address} (built in {:.0} s; Ctrl-C to stop); \
         edits to src/, listings/, theme/ and book.toml rebuild it and reload the page",
        started.elapsed().as_secs_f64()
    );

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("starting the file watcher")?;
    let watched = [
        (ctx.src.clone(), RecursiveMode::Recursive),
        (ctx.listings.clone(), RecursiveMode::Recursive),
        (ctx.root.join("theme"), RecursiveMode::Recursive),
        (ctx.root.join("book.toml"), RecursiveMode::NonRecursive),
    ];
    for (path, mode) in watched {
        watcher
            .watch(&path, mode)
            .with_context(|| format!("watching {}", path.display()))?;
    }
    loop {
        let Ok(event) = rx.recv() else {
            bail!("the file watcher stopped");
        };
        let Some(changed) = change(&event.context("watching the book's files")?) else {
            continue;
        };
        // Wait for a quiet moment, so an editor's save or a `git checkout` is one rebuild.
        loop {
            match rx.recv_timeout(Duration::from_millis(300)) {
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
            }
        }
        say!("{} changed: rebuilding", ctx.rel(&changed));
        serve_build()?;
        // No page open is not an error.
        let _ = reload.send(());
    }
}

/// The file an event reports changed, if it is a change: not a read (mdBook's own build
/// opens every page and listing, and inotify reports each open), and not under a `target`
/// directory.
fn change(event: &notify::Event) -> Option<PathBuf> {
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return None;
    }
    event
        .paths
        .iter()
        .find(|p| !p.components().any(|c| c.as_os_str() == "target"))
        .cloned()
}

/// The server: the live-reload websocket, then the files of `html`, then its 404 page.
/// Binds now, so a port in use is an error here rather than a panic later.
fn routes(
    html: &Path,
    reload: tokio::sync::broadcast::Sender<()>,
    socket: std::net::SocketAddr,
) -> Result<impl std::future::Future<Output = ()> + use<>> {
    use futures_util::{SinkExt, StreamExt};
    use warp::Filter;
    let live_reload = warp::path(LIVE_RELOAD)
        .and(warp::ws())
        .map(move |ws: warp::ws::Ws| {
            let mut changed = reload.subscribe();
            ws.on_upgrade(|socket| async move {
                let (mut to_page, _) = socket.split();
                if changed.recv().await.is_ok() {
                    let _ = to_page.send(warp::ws::Message::text("reload")).await;
                }
            })
        });
    let not_found = warp::fs::file(html.join("404.html"))
        .map(|page| warp::reply::with_status(page, warp::http::StatusCode::NOT_FOUND));
    let routes = live_reload
        .or(warp::fs::dir(html.to_path_buf()))
        .or(not_found);
    let (_, server) = warp::serve(routes)
        .try_bind_ephemeral(socket)
        .with_context(|| format!("listening on {socket}"))?;
    Ok(server)
}

/// The chapter pages in SUMMARY.md order, relative to `src/`.
pub fn summary_pages(ctx: &Ctx) -> Result<Vec<String>> {
    let text = fs_err::read_to_string(ctx.src.join("SUMMARY.md"))?;
    let mut pages = Vec::new();
    for line in text.lines() {
        if let Some(start) = line.find("](") {
            let rest = &line[start + 2..];
            if let Some(end) = rest.find(')') {
                pages.push(rest[..end].to_string());
            }
        }
    }
    Ok(pages)
}

/// Every file with extension `ext` under `dir`, sorted.
pub fn walk(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs_err::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == ext) {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, ModifyKind};
    use notify::{Event, EventKind};

    #[test]
    fn reads_and_target_dirs_are_not_changes() {
        let page = PathBuf::from("/book/src/ch01/a.md");
        let read = Event::new(EventKind::Access(AccessKind::Any)).add_path(page.clone());
        assert_eq!(change(&read), None);
        let edit =
            Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Any))).add_path(page.clone());
        assert_eq!(change(&edit), Some(page));
        let built = Event::new(EventKind::Create(CreateKind::File))
            .add_path(PathBuf::from("/book/listings/ch01/x/target/debug/x"));
        assert_eq!(change(&built), None);
    }

    #[test]
    fn every_logged_warning_and_error_is_a_problem() {
        // What mdBook 0.4.51 prints for a missing include (and exits 0), and a preprocessor
        // failing, as `mdbook build` prints them through `log_to_stderr`.
        let output = "[INFO] (mdbook::book): Book building has started\n\
            [ERROR] (mdbook::preprocess::links): Error updating \"{{#include nope.rs}}\"\n\
            [WARN] (mdbook::preprocess::links): Caused By: No such file or directory\n\
            error: The \"listings\" preprocessor exited unsuccessfully\n\
            [INFO] (mdbook::book): Running the html backend\n";
        let found: Vec<&str> = logged_problems(output).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.iter().all(|l| !l.contains("[INFO]")));
    }
}
