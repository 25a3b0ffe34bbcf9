"""Bounds on Pagefind's index, so that what one query downloads does not grow with the site.

Pagefind (1.5) writes per language a list of pages (``pagefind.<lang>_<hash>.pf_meta``) and the
word index in chunks (``index/<lang>_<hash>.pf_index``), each closed at about 20,000 word
positions. A query fetches the chunk(s) whose word range holds its words, and a word brings every
position on every page that has it. A word that is on most pages ("docker", "容器") therefore
grows linearly with the site: on 31 English pages "docker" has ~2,100 positions (~3 KB of gzip);
on 30 times as many pages its chunk alone is 69 KB. This module rewrites the index after
Pagefind, with two rules:

* ``MAX_PAGES_PER_WORD``: a word keeps the postings of its best pages only (the highest
  weighted count of the word, relative to the page's length, as BM25 ranks them). A word on more
  pages is named a *common word* in the terms file (``common_pages``), and the browser script
  searches it only with the query's other words (a common word alone finds its best pages).
  Today's site (under 40 pages per language) is below the bound: nothing is dropped.
* ``CHUNK_BYTES``: consecutive chunks are merged up to that size, so the list of chunks that every
  query downloads with the page list does not grow with the site either.

The files are CBOR behind Pagefind's header, gzip-compressed: a chunk is
``[[word, [[page, locations, meta locations], ...], variants], ...]`` (a page as the difference
from the previous one's number, locations as runs of one weight) and the page list
``[version, pages, chunks, filters, sorts, fields]`` with a chunk as ``[from, to, hash]``. Files
are renamed after their new content, as Pagefind names them, so caches stay correct.
"""
from __future__ import annotations

import gzip
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import cbor2

HEADER = b"pagefind_dcd"       # what Pagefind's files start with, unzipped
MAX_PAGES_PER_WORD = 100       # today: 36 pages per language (nothing is dropped)
CHUNK_BYTES = 56 * 1024        # raw CBOR of merged chunks (~32 KB gzip); Pagefind's: 50-76 KB
ENTRY = "pagefind-entry.json"
# BM25's saturation and length weight, as search.js sets them for Pagefind (termSaturation,
# pageLength): the pages kept are those Pagefind would rank first for the word alone.
K1, B = 1.2, 0.5


def unpack(path: Path) -> bytes:
    """The content of one of Pagefind's files (a fragment's JSON, a chunk's CBOR)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise ValueError(f"{path}: not a Pagefind index file (no {HEADER.decode()} header)")
    return data[len(HEADER):]


def read(path: Path):
    return cbor2.loads(unpack(path))


def encode(value) -> bytes:
    return gzip.compress(HEADER + cbor2.dumps(value), compresslevel=9, mtime=0)


def content_name(lang: str, content: bytes, digits: int) -> str:
    """'en_3f2a9c1': the language and the start of the content's sha256, as Pagefind names files."""
    return f"{lang}_{hashlib.sha256(content).hexdigest()[:digits]}"


def weighted_count(locations: list[int]) -> float:
    """How often a word is on a page, each time by its weight (1 = body text). Pagefind's
    locations are runs: a negative number -(w + 1) starts a run of positions of weight w / 24
    (a heading 7 * 24, text 24; a run's positions are differences, not read here)."""
    weight, total = 24, 0
    for value in locations:
        if value < 0:
            weight = -value - 1
        else:
            total += weight
    return total / 24


def best_pages(postings: list, page_lengths: list[int], limit: int) -> list:
    """The ``limit`` postings of a word with the highest BM25 term frequency, in index order.
    A posting is [page, locations, meta locations]; its page is the difference from the
    previous posting's page (the first: from 0), so the kept ones are numbered again."""
    if len(postings) <= limit:
        return postings
    average = sum(page_lengths) / max(len(page_lengths), 1)
    pages = list(itertools.accumulate(posting[0] for posting in postings))

    def score(i: int) -> float:
        titles = sum(1 for value in postings[i][2] if value >= 0)     # where the title has it
        count = weighted_count(postings[i][1]) + 5 * titles
        length = page_lengths[pages[i]] if pages[i] < len(page_lengths) else average
        return count / (count + K1 * (1 - B + B * length / max(average, 1)))

    kept = sorted(sorted(range(len(postings)), key=lambda i: (-score(i), i))[:limit])
    previous = 0
    bounded = []
    for i in kept:
        bounded.append([pages[i] - previous, *postings[i][1:]])
        previous = pages[i]
    return bounded


@dataclass
class Bounded:
    lang: str
    common_words: int          # words with more pages than the bound
    chunks_before: int
    chunks_after: int


def bound_language(index_dir: Path, lang: str, meta_hash: str, max_pages: int = MAX_PAGES_PER_WORD,
                   chunk_bytes: int = CHUNK_BYTES) -> tuple[str, Bounded]:
    """Rewrite one language's chunks and page list; returns the page list's new hash."""
    meta_path = index_dir / f"pagefind.{meta_hash}.pf_meta"
    meta = read(meta_path)
    page_lengths = [page[1] for page in meta[1]]
    common = 0
    merged: list[tuple[str, str, list]] = []       # (from, to, words)
    before = len(meta[2])
    for first, last, chunk_hash in meta[2]:
        chunk_path = index_dir / "index" / f"{chunk_hash}.pf_index"
        words = read(chunk_path)[0]
        chunk_path.unlink()
        for word in words:
            if len(word[1]) > max_pages:
                common += 1
                word[1] = best_pages(word[1], page_lengths, max_pages)
        if merged and len(cbor2.dumps([merged[-1][2] + words])) <= chunk_bytes:
            merged[-1] = (merged[-1][0], last, merged[-1][2] + words)
        else:
            merged.append((first, last, words))
    chunks = []
    for first, last, words in merged:
        content = encode([words])
        name = content_name(lang, content, 7)
        (index_dir / "index" / f"{name}.pf_index").write_bytes(content)
        chunks.append([first, last, name])
    meta[2] = chunks
    content = encode(meta)
    new_hash = content_name(lang, content, 10)
    meta_path.unlink()
    (index_dir / f"pagefind.{new_hash}.pf_meta").write_bytes(content)
    return new_hash, Bounded(lang, common, before, len(chunks))


def bound_index(index_dir: Path, max_pages: int = MAX_PAGES_PER_WORD,
                chunk_bytes: int = CHUNK_BYTES) -> list[Bounded]:
    """Apply the bounds to every language of ``index_dir`` (Pagefind's output folder)."""
    entry_path = index_dir / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    report = []
    for lang, language in entry["languages"].items():
        language["hash"], bounded = bound_language(index_dir, lang, language["hash"],
                                                   max_pages, chunk_bytes)
        report.append(bounded)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
    return report


def summary(index_dir: Path) -> list[str]:
    """Per language of a built index: its pages, chunks, largest chunk (gzip) and the words at
    the bound (the benchmark prints it beside the first query's figures)."""
    entry = json.loads((index_dir / ENTRY).read_text(encoding="utf-8"))
    lines = []
    for lang, language in entry["languages"].items():
        meta = read(index_dir / f"pagefind.{language['hash']}.pf_meta")
        paths = [index_dir / "index" / f"{name}.pf_index" for _, _, name in meta[2]]
        at_bound = sum(1 for path in paths for word in read(path)[0]
                       if len(word[1]) >= MAX_PAGES_PER_WORD)
        largest = max(path.stat().st_size for path in paths)
        lines.append(f"{lang}: {len(meta[1])} pages, {len(paths)} chunks (largest "
                     f"{largest / 1024:.1f} KB gzip), {at_bound} words at the bound of "
                     f"{MAX_PAGES_PER_WORD} pages")
    return lines
