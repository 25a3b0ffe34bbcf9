"""Nothing of the notes is lost: every docker command and flag in notes/docker-basics.md is
mapped in data/notes-coverage.yml, and appears on the site in both languages (flags of another
program appear in a flag table marked with that program, in both languages)."""
import pytest
import yaml

from kbtools.notes import notes_items
from kbtools.pages import load_pages
from kbtools.paths import DATA_DIR

COVERAGE = yaml.safe_load((DATA_DIR / "notes-coverage.yml").read_text(encoding="utf-8"))
PAGES = load_pages()
TEXT = {lang: "\n".join("\n".join(p.lines) for p in PAGES if p.lang == lang) for lang in ("zh", "en")}


def test_every_notes_item_is_mapped():
    commands, flags = notes_items()
    assert commands, "the notes reader found no command: notes/docker-basics.md moved?"
    missing = sorted(commands - set(COVERAGE["commands"])) + sorted(flags - set(COVERAGE["flags"]))
    assert not missing, f"add these notes items to data/notes-coverage.yml: {missing}"


ITEMS = [(kind, name, entry) for kind in ("commands", "flags")
         for name, entry in COVERAGE[kind].items()]


@pytest.mark.parametrize("kind,name,entry", ITEMS, ids=[f"{k}:{n}" for k, n, _ in ITEMS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notes_item_is_on_the_site(kind, name, entry, lang):
    if "program" in entry:
        cells = [row.cells[0] for page in PAGES if page.lang == lang for table in page.tables
                 if table.program == entry["program"] for row in table.rows]
        assert any(f"`{name}`" in cell for cell in cells), \
            f"{name} ({entry['program']}'s option) is in no <!-- flags: {entry['program']} --> table ({lang})"
    else:
        assert f"`{entry['site']}" in TEXT[lang] or f"{entry['site']} " in TEXT[lang], \
            f"{name}: '{entry['site']}' does not appear on any {lang} page"
