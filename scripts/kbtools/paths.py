"""Where things live in the repository, in one place."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS_DIR = REPO_ROOT / "docs"
DATA_DIR = REPO_ROOT / "data"
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"

TAGS_FILE = DATA_DIR / "tags.yml"                 # the controlled tag vocabulary
CLI_SNAPSHOT = DATA_DIR / "docker-cli.json"       # flags of the Docker CLI, generated
VERIFIED_ENGINE = DATA_DIR / "verified-engine.yml"  # engine the examples last ran on
GLOSSARY_FILE = DATA_DIR / "glossary.yml"         # bilingual terms

LANGUAGES = ("zh", "en")        # zh is the default language (unsuffixed files)
DEFAULT_LANGUAGE = "zh"
