"""Every internal link and #anchor of the built site resolves, in both languages — and the
checker really fails on a broken link and a broken anchor."""
from kbtools.linkcheck import check_site
from kbtools.paths import site_base_path


def test_every_internal_link_and_anchor_resolves(built_site):
    broken = check_site(built_site, site_base_path())
    assert not broken, "\n".join(str(b) for b in broken[:50])


def test_links_of_both_languages_are_checked(built_site):
    pages = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")}
    assert "index.html" in pages and "en/index.html" in pages


def test_checker_reports_broken_link_and_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<html><body><h2 id="here">x</h2>'
        '<a href="a/">ok</a><a href="#here">ok anchor</a>'
        '<a href="missing/">broken page</a><a href="a/#nowhere">broken anchor</a>'
        '<a href="https://example.org/">external</a></body></html>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<html><body><p id="p">a</p>'
                                               '<a href="../#here">back</a></body></html>',
                                               encoding="utf-8")
    (tmp_path / "index.html").write_text(
        (tmp_path / "index.html").read_text() + '<a href="/kb/a/">absolute ok</a>'
        '<a href="/elsewhere/">outside</a>', encoding="utf-8")
    broken = check_site(tmp_path, "/kb/")
    assert [(b.page, b.target) for b in broken] == [("index.html", "missing/"),
                                                   ("index.html", "a/#nowhere"),
                                                   ("index.html", "/elsewhere/")]
