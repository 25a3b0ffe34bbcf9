"""Where things live in the repository, in one place."""
from pathlib import Path


def _repo_root() -> Path:
    """The checkout this package was installed from (``pip install -e .``: src/kbtools/ -> ../..);
    for a copy installed elsewhere, the working directory."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "mkdocs.yml").is_file():
        return checkout
    return Path.cwd()


REPO_ROOT = _repo_root()
DOCS_DIR = REPO_ROOT / "docs"
DATA_DIR = REPO_ROOT / "data"
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"

TAGS_FILE = DATA_DIR / "tags.yml"                 # the controlled tag vocabulary
CLI_SNAPSHOT = DATA_DIR / "docker-cli.json"       # flags of the Docker CLI, generated
VERIFIED_ENGINE = DATA_DIR / "verified-engine.yml"  # engine the examples last ran on
GLOSSARY_FILE = DATA_DIR / "glossary.yml"         # bilingual terms
FLAG_DESCRIPTIONS = DATA_DIR / "flag-descriptions.yml"  # groups, sections, option texts of the flag index
SITE_REQUIREMENTS = REPO_ROOT / "requirements" / "site.txt"  # what building the site needs

LANGUAGES = ("zh", "en")        # zh is the default language (unsuffixed files)
DEFAULT_LANGUAGE = "zh"


def site_base_path() -> str:
    """Path part of site_url in mkdocs.yml ('/docker-basics/'): where the site is served."""
    import re
    from urllib.parse import urlsplit

    match = re.search(r"^site_url:\s*(\S+)", MKDOCS_YML.read_text(encoding="utf-8"), re.M)
    path = urlsplit(match.group(1)).path if match else "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"
