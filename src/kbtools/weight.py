"""Page weight of a built site: the gzip-compressed bytes a first visit to a page transfers (the
HTML plus every stylesheet, script and image it loads). The search loads nothing until the
reader searches (overrides/assets/javascripts/search.js): Material's search worker is never
started, so it is not counted."""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .linkcheck import parsed_html


@lru_cache(maxsize=None)
def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def page_assets(site_dir: Path, html: Path) -> list[Path]:
    """Local files a browser fetches when it first opens ``html``."""
    soup = parsed_html(html)
    base = "http://site.invalid/" + html.relative_to(site_dir).as_posix()
    urls = [tag["src"] for tag in soup.find_all(["script", "img"], src=True)]
    urls += [tag["href"] for tag in soup.find_all("link", href=True)
             if set(tag.get("rel", [])) & {"stylesheet", "icon", "preload", "modulepreload"}]
    assets: list[Path] = []
    for url in urls:
        parts = urlsplit(urljoin(base, url))
        if parts.netloc != "site.invalid":
            continue
        file = site_dir / parts.path.lstrip("/")
        if file.is_file() and file not in assets:
            assets.append(file)
    return assets


def page_weight(site_dir: Path, html: Path) -> tuple[int, list[tuple[Path, int]]]:
    """(total gzip bytes, [(file, gzip bytes)] heaviest first) for one page."""
    parts = [(html, gzip_size(html))] + [(a, gzip_size(a)) for a in page_assets(site_dir, html)]
    parts.sort(key=lambda item: -item[1])
    return sum(size for _, size in parts), parts
