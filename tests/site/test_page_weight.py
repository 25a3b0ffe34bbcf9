"""Budgets (issue 7): every built page's first visit transfers at most 100 KB gzip. Sizes are
deterministic. (Search downloads nothing before the reader searches; what the first query costs
is measured in the browser: tests/test_search_browser.py.)"""
from kbtools.weight import page_weight

PAGE_BUDGET = 100 * 1024


def test_every_page_fits_the_weight_budget(built_site):
    weights = {html: page_weight(built_site, html) for html in built_site.rglob("index.html")}
    assert len(weights) > 20
    over = {h: w for h, w in weights.items() if w[0] > PAGE_BUDGET}
    if over:
        heaviest = max(over, key=lambda h: over[h][0])
        total, parts = over[heaviest]
        asset, size = parts[0]
        raise AssertionError(
            f"{len(over)} page(s) over {PAGE_BUDGET} B; heaviest: {heaviest.relative_to(built_site)} "
            f"= {total} B, its heaviest file: {asset.relative_to(built_site)} = {size} B")


def test_own_scripts_are_served_without_comment_lines(built_site):
    """The build strips whole-line comments of our scripts (kept in overrides/ for contributors)."""
    from mkdocs.config import load_config

    from kbtools.paths import MKDOCS_YML, REPO_ROOT

    own_scripts = load_config(str(MKDOCS_YML)).plugins["kb"].config.strip_comments
    assert own_scripts
    for rel in own_scripts:
        served = (built_site / rel).read_text(encoding="utf-8")
        source_file = REPO_ROOT / "overrides" / rel
        if not source_file.is_file():
            source_file = REPO_ROOT / "docs" / rel          # e.g. the site's stylesheet
        source = source_file.read_text(encoding="utf-8")
        assert len(served) < len(source)
        assert not any(line.lstrip().startswith(("//", "/*", "* ")) for line in served.splitlines())
        # what is left is the code itself, line for line
        code = [line for line in served.splitlines() if line.strip()]
        assert code and all(line in source.splitlines() for line in code), rel
    assert "window.Worker = class extends NativeWorker" in \
        (built_site / "assets/javascripts/search.js").read_text(encoding="utf-8")
