"""The Content-Security-Policy of every page (src/kbtools/csp.py): the policy is the first
element of <head>; the only inline scripts are the theme's, whose hashes are committed in
data/csp-script-hashes.yml; in Chromium no page violates the policy and a script injected into a
page is blocked."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtools.csp import allowed_hashes, inline_script_hashes, policy

META_RE = re.compile(r"<head\b[^>]*>\s*<meta charset=[^>]*>\s*<meta http-equiv=\"Content-Security-Policy\" "
                     r"content=\"(?P<policy>[^\"]*)\">", re.I)


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def test_policy_has_the_required_directives():
    directives = dict(part.split(" ", 1) for part in policy().split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    script = directives["script-src"].split()
    # 'wasm-unsafe-eval' lets the search (Pagefind) compile its WebAssembly; no JavaScript eval
    assert script[:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(s.startswith("'sha256-") for s in script[2:])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script


def test_every_page_starts_with_the_policy(built_site):
    files = html_files(built_site)
    assert len(files) > 20
    wanted = policy()
    missing = [str(p.relative_to(built_site)) for p in files
               if (m := META_RE.search(p.read_text(encoding="utf-8"))) is None
               or m["policy"] != wanted]
    assert not missing, f"pages without the policy as the first <head> element: {missing}"


def test_inline_scripts_are_exactly_the_committed_ones(built_site):
    seen: dict[str, str] = {}
    for path in html_files(built_site):
        for value, start in inline_script_hashes(path.read_text(encoding="utf-8")).items():
            seen.setdefault(value, f"{path.relative_to(built_site)}: {start}")
    allowed = set(allowed_hashes())
    unknown = {h: where for h, where in seen.items() if h not in allowed}
    assert not unknown, ("inline scripts whose hash is not in data/csp-script-hashes.yml (they "
                         f"would be blocked; review them, then run python -m kbtools.csp): {unknown}")
    unused = allowed - set(seen)
    assert not unused, f"hashes in data/csp-script-hashes.yml no page needs: {sorted(unused)}"


# --- in the browser ------------------------------------------------------------------------

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.mark.browser
def test_no_page_violates_the_policy(site_in_browser, built_site):
    base_url, browser = site_in_browser
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text
            else None)
    problems = {}
    try:
        for path in html_files(built_site):
            rel = path.relative_to(built_site).as_posix().removesuffix("index.html")
            page.goto(base_url + rel, wait_until="load")
            page.wait_for_timeout(50)
            violations = page.evaluate("window.__csp") + console
            if violations:
                problems[rel] = list(violations)
            console.clear()
    finally:
        context.close()
    assert not problems, f"CSP violations: {problems}"


@pytest.mark.browser
def test_an_injected_script_is_blocked(site_in_browser):
    """A page served with an injected inline script, event handler and javascript: link (as a
    hostile page would be if it got past the lint and the sanitiser): nothing of it runs."""
    base_url, browser = site_in_browser
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    injected = ('<script>window.__pwned = "script"</script>'
                '<img src="data:," onerror="window.__pwned = \'handler\'">'
                '<a id="kb-probe" href="javascript:window.__pwned=\'link\'">x</a>')

    def inject(route):
        response = route.fetch()
        body = response.text().replace("</article>", injected + "</article>", 1)
        assert injected in body, "no <article> to inject into"
        route.fulfill(response=response, body=body)

    try:
        page = context.new_page()
        page.route(base_url + "containers/run/", inject)
        page.goto(base_url + "containers/run/", wait_until="load")
        page.locator("#kb-probe").click()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None
        violations = page.evaluate("window.__csp")
        assert sum(v.startswith("script-src") for v in violations) >= 3, violations
        # the theme's own inline scripts still ran (the palette and storage scope)
        assert page.evaluate("typeof __md_get") == "function"
    finally:
        context.close()
