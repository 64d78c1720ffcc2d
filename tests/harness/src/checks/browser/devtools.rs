//! One Chromium kept running for many pages, driven over the DevTools protocol. Starting
//! Chromium costs more CPU than rendering a page: on the 2-core machine, 132 renders with
//! a Chromium each took 133 CPU-s; 62 renders in one Chromium took 20 CPU-s in one window,
//! 31 CPU-s with a window each.
//!
//! Each render does what `chromium --headless --window-size=W,H --virtual-time-budget=5000
//! --dump-dom URL` does: a window at that size (one per page, as DevTools tells messages
//! apart by window: a late message of one page is never read as the next one's), the page
//! given five seconds of virtual time (the clock stands still while files load), then the
//! DOM as its scripts left it. Console messages, uncaught exceptions and failed loads come
//! as DevTools events, written as Chromium writes console messages to its log:
//! `"TEXT", source: URL (LINE)`.

use crate::process::{self, Held};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// How long Chromium may take to start and open its DevTools socket.
const START: Duration = Duration::from_secs(30);

/// The virtual time each page's scripts get, as `--virtual-time-budget=5000`.
const BUDGET_MS: u64 = 5000;

/// A running Chromium and the socket that drives it. Dropping it kills Chromium.
pub(super) struct Browser {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    tab: Option<Tab>,
    /// What the open page wrote to the console so far.
    console: Vec<String>,
    // Last, so the socket closes before Chromium is killed.
    _chromium: Held,
}

/// The window a page renders in: its target, DevTools session, window and size.
#[derive(Clone)]
struct Tab {
    target: String,
    session: String,
    window: Value,
    size: (u32, u32),
}

impl Browser {
    /// Starts `cmd` (Chromium with its flags and profile) with a DevTools socket, and
    /// connects to it.
    pub fn launch(mut cmd: std::process::Command) -> Result<Browser> {
        cmd.arg("--remote-debugging-port=0").arg("about:blank");
        let chromium = process::hold(&cmd)?;
        let started = Instant::now();
        let url = loop {
            let left = START.saturating_sub(started.elapsed());
            let line = chromium.stderr.recv_timeout(left).map_err(|_| {
                anyhow!(
                    "Chromium did not open its DevTools socket within {} s",
                    START.as_secs()
                )
            })?;
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                break url.trim().to_string();
            }
        };
        let (socket, _) = tungstenite::connect(&url)
            .with_context(|| format!("connecting to Chromium's DevTools socket at {url}"))?;
        Ok(Browser {
            socket,
            next_id: 0,
            tab: None,
            console: Vec::new(),
            _chromium: chromium,
        })
    }

    /// Renders `url` in a window of `width`×`height` pixels, and returns its DOM as its
    /// scripts left it; fails if that takes longer than `limit` (the browser should then
    /// be dropped: it is in an unknown state). The renders of one page share a window,
    /// resized when asked for another size, until [`Browser::close_page`].
    pub fn render(&mut self, url: &str, size: (u32, u32), limit: Duration) -> Result<String> {
        let deadline = Instant::now() + limit;
        let tab = self.tab(size, deadline)?;
        let s = Some(tab.session.as_str());
        // The clock stands still until the page is on its way, then runs the budget,
        // standing still again while files load.
        self.call(
            s,
            "Emulation.setVirtualTimePolicy",
            json!({"policy": "pause"}),
            deadline,
        )?;
        self.call(s, "Page.navigate", json!({"url": url}), deadline)?;
        self.call(
            s,
            "Emulation.setVirtualTimePolicy",
            json!({"policy": "pauseIfNetworkFetchesPending", "budget": BUDGET_MS}),
            deadline,
        )?;
        self.until(deadline, |m| {
            (m["method"] == "Emulation.virtualTimeBudgetExpired"
                && m["sessionId"] == tab.session.as_str())
            .then_some(())
        })?;
        let dom = self.call(s, "Runtime.evaluate", json!({"expression": "'<!DOCTYPE html>\\n' + document.documentElement.outerHTML", "returnByValue": true}), deadline)?;
        let dom = dom["result"]["value"]
            .as_str()
            .context("the page has no DOM")?
            .to_string();
        Ok(dom)
    }

    /// Closes the window of the page rendered last, and returns what that page wrote to
    /// the console over all its renders. The next render opens a new window.
    pub fn close_page(&mut self, limit: Duration) -> Result<Vec<String>> {
        if let Some(tab) = self.tab.clone() {
            let deadline = Instant::now() + limit;
            let target = json!({"targetId": tab.target});
            self.call(None, "Target.closeTarget", target, deadline)?;
            self.tab = None;
        }
        Ok(std::mem::take(&mut self.console))
    }

    /// The page's window, opened on its first render, resized to `size`.
    fn tab(&mut self, (width, height): (u32, u32), deadline: Instant) -> Result<Tab> {
        if let Some(tab) = self.tab.clone() {
            if tab.size != (width, height) {
                let bounds =
                    json!({"windowId": tab.window, "bounds": {"width": width, "height": height}});
                self.call(None, "Browser.setWindowBounds", bounds, deadline)?;
                self.tab.as_mut().expect("checked above").size = (width, height);
            }
            return Ok(tab);
        }
        let target = self.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "newWindow": true, "width": width, "height": height}),
            deadline,
        )?;
        let target = target["targetId"]
            .as_str()
            .context("no targetId")?
            .to_string();
        let window = self.call(
            None,
            "Browser.getWindowForTarget",
            json!({"targetId": target}),
            deadline,
        )?["windowId"]
            .clone();
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
            deadline,
        )?;
        let session = session["sessionId"]
            .as_str()
            .context("no sessionId")?
            .to_string();
        for method in ["Runtime.enable", "Log.enable", "Page.enable"] {
            self.call(Some(&session), method, json!({}), deadline)?;
        }
        let tab = Tab {
            target,
            session,
            window,
            size: (width, height),
        };
        self.tab = Some(tab.clone());
        Ok(tab)
    }

    /// Sends a command (to the page of `session`, or to the browser) and waits for its result.
    fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        self.socket
            .send(Message::Text(message.to_string()))
            .with_context(|| format!("sending {method} to Chromium"))?;
        let reply = self.until(deadline, |m| (m["id"] == id).then(|| m.clone()))?;
        if let Some(e) = reply.get("error") {
            bail!("Chromium refused {method}: {e}");
        }
        Ok(reply["result"].clone())
    }

    /// Reads Chromium's messages, keeping console messages, until `want` finds what it is
    /// waiting for, or `deadline` passes.
    fn until<T>(
        &mut self,
        deadline: Instant,
        mut want: impl FnMut(&Value) -> Option<T>,
    ) -> Result<T> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("Chromium hung (no answer before the limit)");
            }
            if let MaybeTlsStream::Plain(tcp) = self.socket.get_mut() {
                tcp.set_read_timeout(Some(left))?;
            }
            let text = match self.socket.read() {
                Ok(Message::Text(t)) => t,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(e).context("reading from Chromium's DevTools socket"),
            };
            let message: Value =
                serde_json::from_str(&text).context("Chromium sent a message that is not JSON")?;
            // Only the open page's messages: a page's window is closed before the next
            // page opens, so a late message of an earlier page is never read as this one's.
            let open = self.tab.as_ref().map(|t| t.session.as_str());
            if message["sessionId"]
                .as_str()
                .is_some_and(|s| Some(s) == open)
                && let Some(line) = console_line(&message)
            {
                self.console.push(line);
            }
            if let Some(found) = want(&message) {
                return Ok(found);
            }
        }
    }
}

/// A console message or uncaught exception, as Chromium's own log writes it.
fn console_line(m: &Value) -> Option<String> {
    let p = &m["params"];
    let (text, url, line) = match m["method"].as_str()? {
        "Runtime.consoleAPICalled" => {
            let text: Vec<String> = p["args"]
                .as_array()?
                .iter()
                .map(|a| match &a["value"] {
                    Value::String(s) => s.clone(),
                    Value::Null => a["description"].as_str().unwrap_or_default().to_string(),
                    v => v.to_string(),
                })
                .collect();
            let frame = &p["stackTrace"]["callFrames"][0];
            (
                text.join(" "),
                frame["url"].clone(),
                frame["lineNumber"].as_u64().map(|l| l + 1),
            )
        }
        "Runtime.exceptionThrown" => {
            let d = &p["exceptionDetails"];
            let what = d["exception"]["description"]
                .as_str()
                .and_then(|s| s.lines().next())
                .unwrap_or_default();
            // "Uncaught" alone, or with the exception's first line already in it.
            let text = d["text"].as_str().unwrap_or_default();
            let text = if text.contains(what) {
                text.to_string()
            } else {
                format!("{text} {what}")
            };
            (
                text,
                d["url"].clone(),
                d["lineNumber"].as_u64().map(|l| l + 1),
            )
        }
        "Log.entryAdded" if p["entry"]["level"] != "verbose" => {
            let e = &p["entry"];
            (
                e["text"].as_str()?.to_string(),
                e["url"].clone(),
                e["lineNumber"].as_u64().map(|l| l + 1),
            )
        }
        _ => return None,
    };
    let url = url.as_str().unwrap_or_default();
    Some(format!("\"{text}\", source: {url} ({})", line.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_events_read_as_chromium_logs_them() {
        let called = json!({"method": "Runtime.consoleAPICalled", "params": {"type": "error",
            "args": [{"type": "string", "value": "no badge"}, {"type": "number", "value": 3}],
            "stackTrace": {"callFrames": [{"url": "file:///b/theme/listings.js", "lineNumber": 9}]}}});
        assert_eq!(
            console_line(&called).unwrap(),
            "\"no badge 3\", source: file:///b/theme/listings.js (10)"
        );
        let thrown = json!({"method": "Runtime.exceptionThrown", "params": {"exceptionDetails": {
            "text": "Uncaught (in promise) TypeError: Failed to fetch", "url": "file:///b/book.js",
            "lineNumber": 24, "exception": {"description": "TypeError: Failed to fetch\n    at x"}}}});
        assert_eq!(
            console_line(&thrown).unwrap(),
            "\"Uncaught (in promise) TypeError: Failed to fetch\", source: file:///b/book.js (25)"
        );
        let bare = json!({"method": "Runtime.exceptionThrown", "params": {"exceptionDetails": {
            "text": "Uncaught", "url": "file:///b/x.js", "lineNumber": 0,
            "exception": {"description": "ReferenceError: y is not defined\n    at z"}}}});
        assert_eq!(
            console_line(&bare).unwrap(),
            "\"Uncaught ReferenceError: y is not defined\", source: file:///b/x.js (1)"
        );
        let failed = json!({"method": "Log.entryAdded", "params": {"entry": {"source": "network",
            "level": "error", "text": "Failed to load resource: net::ERR_FILE_NOT_FOUND",
            "url": "file:///b/toc.js"}}});
        assert_eq!(
            console_line(&failed).unwrap(),
            "\"Failed to load resource: net::ERR_FILE_NOT_FOUND\", source: file:///b/toc.js (0)"
        );
    }

    #[test]
    fn other_events_and_verbose_entries_are_not_console_messages() {
        let verbose = json!({"method": "Log.entryAdded", "params": {"entry": {"level": "verbose",
            "text": "[Violation] handler took 60ms", "url": ""}}});
        assert_eq!(console_line(&verbose), None);
        let load = json!({"method": "Page.loadEventFired", "params": {"timestamp": 1.0}});
        assert_eq!(console_line(&load), None);
        assert_eq!(console_line(&json!({"id": 3, "result": {}})), None);
    }
}
