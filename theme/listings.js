// Records, on the <html> element, how many listing badges and admonitions on this page
// are really visible (laid out, and styled by their stylesheet). The book's browser check
// (tests/harness/src/browser.rs) reads these marks from the rendered page.
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
    function check() {
        mark("listing-badges", ".listing .listing-badge", hasBackground);
        mark("admonitions", ".admonition", hasSideBorder);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", check);
    } else {
        check();
    }
})();
