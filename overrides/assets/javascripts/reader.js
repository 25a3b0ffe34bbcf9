/* Reader fixes that need the browser (issue 13). Loaded before Material's bundle, as an external
 * file (the Content-Security-Policy allows no inline script of ours).
 *
 * 1. No sitemap requests. Material fetches "<alternate URL>/sitemap.xml" for every
 *    <link rel=alternate> of the head, to map pages between versions. Our alternates are
 *    per-page hreflang links (absolute, for search engines): the requests were 404s (console
 *    errors) and, with absolute URLs, would go to the hosted site. The language selector already
 *    links to the same page in the other language, so these requests are answered with an
 *    error without touching the network, and Material leaves links alone as it does after a 404.
 * 2. The language selector keeps the #section: heading ids are the same in both languages.
 * 3. The 404 page speaks the language of the address: under en/ the English page is shown.
 * 4. (The search dialog's accessible name is written by the build: kbtools.reader.)
 * 5. A table wider than the page scrolls in its own box: that box can take the keyboard focus
 *    (arrow keys scroll it), as Material does for code blocks.
 * 6. (Table cells' data-label, the column heading a phone shows in each card, is written by the
 *    build: kbtools.reader.)
 * 7. A page that lists where its sections went forwards a fragment it does not have. The flag
 *    index was one page; its landing page now links every command to its section on a group
 *    page (containers/#run), so a shared reference/flags/#run-memory-swap goes to
 *    reference/flags/containers/#run-memory-swap: the longest linked id that the fragment is or
 *    starts with ("run" + "-memory-swap") names the page. Only links to pages under the current
 *    one count.
 * tests/browser/test_reader.py checks each of these in Chromium.
 */
(function () {
  "use strict";

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.kbSkip = /\/sitemap\.xml$/.test(new URL(String(url), location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.kbSkip) return send.apply(this, arguments);
    var request = this;
    setTimeout(function () { request.dispatchEvent(new ProgressEvent("error")); }, 0);
  };

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
    if (link && location.hash) link.href = link.href.split("#")[0] + location.hash;
  }, true);

  function forwardFragment() {
    var wanted = decodeURIComponent(location.hash.slice(1));
    if (!wanted || document.getElementById(wanted)) return;
    var best = null, bestId = "";
    document.querySelectorAll(".md-content a[href*='#']").forEach(function (link) {
      var target = new URL(link.href, location.href);
      var id = decodeURIComponent(target.hash.slice(1));
      if (target.pathname === location.pathname || target.pathname.indexOf(location.pathname) !== 0) return;
      if ((wanted === id || wanted.indexOf(id + "-") === 0) && id.length > bestId.length) {
        best = target;
        bestId = id;
      }
    });
    if (best) location.replace(best.pathname + best.search + "#" + encodeURIComponent(wanted));
  }
  window.addEventListener("hashchange", forwardFragment);

  document.addEventListener("DOMContentLoaded", function () {
    forwardFragment();
    var notFound = document.querySelector("[data-kb-404]");
    var root = notFound && notFound.getAttribute("data-kb-404");
    if (root && document.documentElement.lang !== "en" && location.pathname.indexOf(root + "en/") === 0) {
      location.replace(root + "en/404.html");
      return;
    }
  });

  window.addEventListener("load", function () {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) box.tabIndex = 0;
    });
  });
})();
