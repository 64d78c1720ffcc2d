// Records, on the <html> element, how many listing badges and admonitions on this page
// are really visible (laid out, and styled by their stylesheet). The book's browser check
// (tests/harness/src/checks/browser.rs) reads these marks from the rendered page; opened
// with `?book-check`, the page also records what that check measures about its layout.
(function () {
    "use strict";
    function laidOut(el) {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
    }
    function hasBackground(el) {
        const bg = getComputedStyle(el).backgroundColor;
        return bg !== "" && bg !== "transparent" && bg !== "rgba(0, 0, 0, 0)";
    }
    function hasSideBorder(el) {
        return parseFloat(getComputedStyle(el).borderInlineStartWidth) > 0;
    }
    function mark(name, selector, styled) {
        const all = Array.from(document.querySelectorAll(selector));
        const ok = all.filter((el) => laidOut(el) && styled(el)).length;
        document.documentElement.setAttribute("data-" + name, ok + "/" + all.length);
    }
    // A listing's code block, not the blocks of its dependencies, output or Break-it box.
    function listingCode(listing) {
        return listing.querySelector(":scope > pre > code.language-rust");
    }
    function label(el) {
        const listing = el.closest(".listing");
        if (listing) {
            return listing.id;
        }
        const heading = Array.from(document.querySelectorAll("main h1, main h2, main h3"))
            .filter((h) => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
            .pop();
        return "after heading " + (heading ? heading.textContent.trim() : "(none)");
    }
    // Inside a scroll container of the text (a code block, a table's wrapper): the page's
    // own containers (mdBook's .content scrolls) don't count, the page would scroll.
    function scrolls(el) {
        for (let a = el.parentElement; a && a.tagName !== "MAIN"; a = a.parentElement) {
            // `hidden` and `clip` cut the content off: that is what this looks for.
            const o = getComputedStyle(a).overflowX;
            if (o === "auto" || o === "scroll") {
                return true;
            }
        }
        return false;
    }
    // What the browser check measures: visible lines of each listing's code (folded lines
    // excluded), prose tables and code blocks that need horizontal scrolling, and elements
    // of the page that stick out of the viewport outside any scroll container.
    function measure() {
        const root = document.documentElement;
        const lines = Array.from(document.querySelectorAll(".listing")).map((l) => {
            const code = listingCode(l);
            const text = code ? code.innerText.replace(/\n+$/, "") : "";
            return [l.id, text === "" ? 0 : text.split("\n").length];
        });
        root.setAttribute("data-listing-lines", JSON.stringify(lines));
        const clipped = [];
        document.querySelectorAll("main table, main pre, main pre > code").forEach((el) => {
            const box = el.tagName === "TABLE" && el.parentElement.classList.contains("table-wrapper")
                ? el.parentElement
                : el;
            const need = Math.max(el.scrollWidth, box.scrollWidth);
            if (need > box.clientWidth + 1 && box.clientWidth > 0) {
                clipped.push(el.tagName.toLowerCase() + (el.className ? "." + el.className.split(" ")[0] : "") + " in " + label(el) + ": " + need + " px wide in " + box.clientWidth + " px");
            }
        });
        root.setAttribute("data-clipped", JSON.stringify(Array.from(new Set(clipped))));
        const width = window.innerWidth;
        const out = [];
        if (root.scrollWidth > width + 1) {
            out.push("the page is " + root.scrollWidth + " px wide in a " + width + " px window");
        }
        document.querySelectorAll("main *").forEach((el) => {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1) && !scrolls(el)) {
                out.push(el.tagName.toLowerCase() + " in " + label(el) + " spans " + Math.round(r.left) + " to " + Math.round(r.right) + " px");
            }
        });
        root.setAttribute("data-overflow", JSON.stringify(out.slice(0, 10)));
    }
    // Relative luminance and contrast ratio (WCAG), from computed `rgb(…)` colours.
    function luminance(color) {
        const c = (color.match(/[\d.]+/g) || ["0", "0", "0"]).slice(0, 3).map((v) => {
            const s = parseFloat(v) / 255;
            return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
    function contrast(a, b) {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    }
    function background(el) {
        for (let a = el; a; a = a.parentElement) {
            const bg = getComputedStyle(a).backgroundColor;
            if (bg && bg !== "transparent" && bg !== "rgba(0, 0, 0, 0)") {
                return bg;
            }
        }
        return "rgb(255, 255, 255)";
    }
    // A loom schedule reads: laid out, a column per thread in every row, its text and the
    // marked step's border and mark standing out from the background (contrast ≥ 3).
    function scheduleReads(fig) {
        const table = fig.querySelector("table");
        const marked = fig.querySelector("tr.schedule-marked td");
        const mark = fig.querySelector(".schedule-mark");
        if (!table || !marked || !mark || !laidOut(table) || !laidOut(mark)) {
            return false;
        }
        const columns = table.querySelectorAll("thead th").length;
        const rowsOk = Array.from(table.querySelectorAll("tbody tr")).every((r) => r.children.length === columns);
        const bg = background(table);
        const border = getComputedStyle(marked);
        return rowsOk
            && contrast(getComputedStyle(table).color, bg) >= 3
            && parseFloat(border.borderTopWidth) > 0
            && contrast(border.borderTopColor, bg) >= 3
            && contrast(getComputedStyle(mark).color, bg) >= 3;
    }
    // `?book-check&theme=coal` renders in that theme; `&media=print` applies the print
    // styles (mdBook's print stylesheet and every `@media print` rule) to the screen.
    function emulate() {
        const query = new URLSearchParams(window.location.search);
        const theme = query.get("theme");
        if (theme) {
            const html = document.documentElement;
            ["light", "rust", "coal", "navy", "ayu"].forEach((t) => html.classList.remove(t));
            html.classList.add(theme);
        }
        if (query.get("media") === "print") {
            document.querySelectorAll("link[rel=stylesheet][media=print]").forEach((l) => { l.media = "all"; });
            const style = document.createElement("style");
            for (const sheet of Array.from(document.styleSheets)) {
                let rules = [];
                try { rules = Array.from(sheet.cssRules); } catch (e) { continue; }
                rules.filter((r) => r.media && r.media.mediaText === "print")
                    .forEach((r) => Array.from(r.cssRules).forEach((inner) => { style.textContent += inner.cssText + "\n"; }));
            }
            document.head.appendChild(style);
        }
    }
    function check() {
        emulate();
        mark("listing-badges", ".listing .listing-badge", hasBackground);
        mark("admonitions", ".admonition", hasSideBorder);
        mark("schedules", "figure.schedule", scheduleReads);
        if (window.location.search.indexOf("book-check") !== -1) {
            measure();
        }
    }
    // The copy button copies a listing's whole file, folded lines included, without the
    // lines the book adds around it for rustdoc (data-added-before/after on the listing).
    const copyVisible = window.playground_text;
    if (typeof copyVisible === "function") {
        window.playground_text = function (playground, hidden) {
            const listing = playground.parentElement;
            const code = playground.querySelector("code");
            if (!listing || !listing.classList.contains("listing") || listingCode(listing) !== code) {
                return copyVisible(playground, hidden);
            }
            const all = code.textContent.replace(/\n$/, "").split("\n");
            const before = parseInt(listing.getAttribute("data-added-before") || "0", 10);
            const after = parseInt(listing.getAttribute("data-added-after") || "0", 10);
            return all.slice(before, all.length - after).join("\n") + "\n";
        };
    }
    if (document.readyState === "complete") {
        check();
    } else {
        window.addEventListener("load", check);
    }
})();
