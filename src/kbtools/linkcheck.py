"""Check every internal link and #anchor of a BUILT site (both languages) with BeautifulSoup.

Looks at a[href], link[href], img[src], script[src] and the sitemap-like nav, language switcher
and tag links that Material renders as ordinary <a> elements. External URLs are not fetched.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class BrokenLink:
    page: str        # the HTML file (relative to the site) that holds the link
    target: str      # the href/src as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@lru_cache(maxsize=512)
def parsed_html(path: Path) -> BeautifulSoup:
    """A built HTML file, parsed once per process (the tests read the same build many times).
    Callers must not modify the returned tree."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class SiteLinks:
    def __init__(self, site_dir: Path, base_path: str = "/"):
        self.site_dir = site_dir.resolve()
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"

    def resolve(self, url_path: str) -> Path | None:
        """File served for a site-relative URL path ('' / 'en/' / 'a/b/' / 'x.css')."""
        candidate = self.site_dir / unquote(url_path)
        if url_path.endswith("/") or url_path == "":
            candidate = candidate / "index.html"
        elif candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    @lru_cache(maxsize=None)
    def ids(self, path: Path) -> frozenset[str]:
        soup = parsed_html(path)
        return frozenset(tag["id"] for tag in soup.find_all(id=True)) | \
            frozenset(tag["name"] for tag in soup.find_all("a", attrs={"name": True}))

    def check_page(self, page: Path) -> list[BrokenLink]:
        rel = page.relative_to(self.site_dir).as_posix()
        base = "http://site.invalid" + self.base_path + rel
        problems: list[BrokenLink] = []
        soup = parsed_html(page)
        for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for element in soup.find_all(tag, attrs={attr: True}):
                target = element[attr]
                absolute = urljoin(base, target)
                parts = urlsplit(absolute)
                if parts.netloc != "site.invalid":
                    continue            # external (or mailto:) — not ours to resolve
                if not (parts.path + "/").startswith(self.base_path):
                    problems.append(BrokenLink(rel, target, f"outside the site's base path "
                                               f"{self.base_path}"))
                    continue
                path = PurePosixPath(parts.path).as_posix()[len(self.base_path):]
                if parts.path.endswith("/") and path and not path.endswith("/"):
                    path += "/"
                resolved = self.resolve(path)
                if resolved is None:
                    problems.append(BrokenLink(rel, target, "no such file in the site"))
                    continue
                if parts.fragment and resolved.suffix == ".html":
                    if unquote(parts.fragment) not in self.ids(resolved):
                        problems.append(BrokenLink(rel, target,
                                                   f"no id '{parts.fragment}' in "
                                                   f"{resolved.relative_to(self.site_dir)}"))
        return problems

    def check_all(self) -> list[BrokenLink]:
        problems: list[BrokenLink] = []
        for page in sorted(self.site_dir.rglob("*.html")):
            problems.extend(self.check_page(page))
        return problems


def check_site(site_dir: Path, base_path: str = "/") -> list[BrokenLink]:
    """Broken links of a site served under ``base_path`` (the path of mkdocs.yml's site_url)."""
    return SiteLinks(site_dir, base_path).check_all()
