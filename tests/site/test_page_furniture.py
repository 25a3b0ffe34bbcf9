"""What every built page carries besides its text: the edit link and last-updated date (from
git), the "examples verified on Docker Engine X" note on pages with examples (the version comes
from data/verified-engine.yml only), and the translation status on English pages."""
import subprocess

from kbtools.datafiles import load_engine
from kbtools.linkcheck import parsed_html
from kbtools.pages import load_pages
from kbtools.paths import VERIFIED_ENGINE
from kbtools.translation import last_commit_times, page_status

ENGINE = load_engine(VERIFIED_ENGINE)


def history() -> dict[str, int]:
    """Last commit time of every page; the tests below need the git history, so its absence
    fails here instead of letting them pass while checking nothing."""
    times = last_commit_times()
    assert times, ("no git history of docs/ (last_commit_times() is empty): run the tests in a "
                   "git clone with its history (CI clones with fetch-depth: 0)")
    return times


def built_html(site, page):
    folder = page.site_path
    prefix = "" if page.lang == "zh" else "en/"
    return parsed_html(site / prefix / folder / "index.html")


def test_every_page_has_an_edit_link_to_its_own_file(built_site):
    for page in load_pages():
        soup = built_html(built_site, page)
        edit = soup.select_one("a.md-content__button[href*='/edit/']")
        assert edit is not None, f"{page.rel}: no edit link"
        assert edit["href"].endswith("/docs/" + page.rel), (page.rel, edit["href"])


def test_committed_pages_show_their_last_updated_date(built_site):
    times = history()
    for page in load_pages():
        if page.display not in times:
            continue          # a page not committed yet has no date
        fact = built_html(built_site, page).select_one(".md-source-file .kb-updated time")
        assert fact is not None and fact.get_text(strip=True)[:4].isdigit(), page.rel


def test_pages_with_examples_state_the_verified_engine(built_site):
    with_examples = [p for p in load_pages() if p.examples]
    assert with_examples
    for page in with_examples:
        note = built_html(built_site, page).select_one(".kb-note--verified")
        assert note is not None, f"{page.rel} has examples but no verified-engine note"
        assert ENGINE.engine_version in note.get_text(), page.rel
        assert f"buildx {ENGINE.buildx_version}" in note.get_text(), page.rel
        assert f"Compose {ENGINE.compose_version}" in note.get_text(), page.rel
    for page in load_pages():
        if not page.examples:
            assert built_html(built_site, page).select_one(".kb-note--verified") is None, page.rel


def test_english_pages_show_translation_status(built_site):
    times = history()
    for page in load_pages():
        if page.lang != "en" or page.front_matter.get("kb_generated"):
            continue
        zh = page.display.replace(".en.md", ".md")
        status, _, _ = page_status(zh, page.display, times)
        if status == "unknown":
            continue
        assert built_html(built_site, page).select_one(f".kb-note--{status}") is not None, \
            f"{page.rel}: expected a '{status}' translation note"


def test_translation_status_follows_git_history(tmp_path):
    def git(*args, date):
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin",
               "HOME": str(tmp_path)}
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=tmp_path,
                       check=True, capture_output=True, env=env)

    git("init", "-q", date="2026-01-01T00:00:00")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("zh 1")
    (tmp_path / "docs" / "a.en.md").write_text("en 1")
    git("add", ".", date="2026-01-01T00:00:00")
    git("commit", "-qm", "both", date="2026-01-01T00:00:00")
    times = last_commit_times(tmp_path)
    assert page_status("docs/a.md", "docs/a.en.md", times)[0] == "in-sync"
    (tmp_path / "docs" / "a.md").write_text("zh 2")
    git("commit", "-qam", "zh only", date="2026-02-01T00:00:00")
    last_commit_times.cache_clear()
    assert page_status("docs/a.md", "docs/a.en.md", last_commit_times(tmp_path))[0] == "outdated"
    last_commit_times.cache_clear()
