"""The bounds on Pagefind's index (kbtools/pagefind_index.py), on a small index written here in
Pagefind's format: a word keeps its best pages, small chunks are merged, files are renamed after
their content and the entry file follows."""
from __future__ import annotations

import json

import pytest

from kbtools import pagefind_index as pfi

PAGES = 8


def posting(page: int, count: int, title: bool = False) -> list:
    """A page's entry for a word: ``count`` positions of the default weight, a title match. The
    page is written as Pagefind does, as the difference from the previous one (see postings)."""
    return [page, [-25, *([3] * count)], [-1, 0] if title else []]


def postings(*entries: list) -> list:
    """Entries with absolute page numbers -> a word's postings as Pagefind writes them."""
    pages = [entry[0] for entry in entries]
    return [[page - before, *entry[1:]] for page, before, entry in zip(pages, [0, *pages], entries)]


def pages_of(word_postings: list) -> list[int]:
    return list(pfi.itertools.accumulate(p[0] for p in word_postings))


def write_index(folder, chunks: list[tuple[str, str, list]], lengths=None):
    """An index of one language ("en") with these chunks: (from, to, words)."""
    (folder / "index").mkdir(parents=True)
    names = []
    for number, (first, last, words) in enumerate(chunks):
        name = f"en_c{number}"
        (folder / "index" / f"{name}.pf_index").write_bytes(pfi.encode([words]))
        names.append([first, last, name])
    lengths = lengths or [100] * PAGES
    meta = ["1.5.2", [[f"en_p{i}", n] for i, n in enumerate(lengths)], names, [], [], []]
    (folder / "pagefind.en_meta000000.pf_meta").write_bytes(pfi.encode(meta))
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_meta000000", "wasm": "en",
                                                      "page_count": PAGES}}}
    (folder / pfi.ENTRY).write_text(json.dumps(entry), encoding="utf-8")


def read_back(folder) -> tuple[list, dict[str, list]]:
    """(the chunk list of the page list, {word: its postings}) after the rewrite."""
    entry = json.loads((folder / pfi.ENTRY).read_text(encoding="utf-8"))
    meta = pfi.read(folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    words = {}
    for _, _, name in meta[2]:
        for word in pfi.read(folder / "index" / f"{name}.pf_index")[0]:
            words[word[0]] = word[1]
    return meta[2], words


def test_a_word_on_more_pages_than_the_bound_keeps_its_best_pages(tmp_path):
    common = ["docker", postings(*[posting(i, i + 1) for i in range(PAGES)]), []]
    rare = ["tmpfs", postings(posting(2, 1)), []]
    write_index(tmp_path, [("a", "z", [common, rare])])
    report = pfi.bound_index(tmp_path, max_pages=3)
    _, words = read_back(tmp_path)
    assert pages_of(words["docker"]) == [5, 6, 7]      # most positions, in index order
    assert words["docker"][1:] == common[1][6:]       # the same postings, the first renumbered
    assert words["tmpfs"] == rare[1]
    assert report[0].common_words == 1


def test_title_matches_and_short_pages_rank_first(tmp_path):
    entries = postings(*[posting(i, 2, title=(i == 0)) for i in range(PAGES)])
    lengths = [100] * PAGES
    lengths[3] = 10                        # the same count on a short page weighs more
    write_index(tmp_path, [("a", "z", [["docker", entries, []]])], lengths)
    pfi.bound_index(tmp_path, max_pages=2)
    _, words = read_back(tmp_path)
    assert pages_of(words["docker"]) == [0, 3]


def test_within_the_bound_the_index_is_unchanged(tmp_path):
    words = [["docker", postings(*[posting(i, 2) for i in range(PAGES)]), []]]
    write_index(tmp_path, [("a", "z", words)])
    report = pfi.bound_index(tmp_path, max_pages=PAGES)
    assert read_back(tmp_path)[1] == {"docker": words[0][1]}
    assert report[0].common_words == 0


def test_small_chunks_are_merged_and_renamed_after_their_content(tmp_path):
    first = [["alpha", postings(posting(0, 1)), []]]
    second = [["beta", postings(posting(1, 1)), []]]
    write_index(tmp_path, [("a", "az", first), ("b", "bz", second)])
    report = pfi.bound_index(tmp_path)
    chunks, words = read_back(tmp_path)
    assert [chunk[:2] for chunk in chunks] == [["a", "bz"]]
    assert set(words) == {"alpha", "beta"}
    content = (tmp_path / "index" / f"{chunks[0][2]}.pf_index").read_bytes()
    assert chunks[0][2] == pfi.content_name("en", content, 7)
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == [f"{chunks[0][2]}.pf_index"]
    assert len(list(tmp_path.glob("*.pf_meta"))) == 1       # the old page list is gone
    assert (report[0].chunks_before, report[0].chunks_after) == (2, 1)


def test_chunks_over_the_size_are_not_merged(tmp_path):
    first = [["alpha", postings(*[posting(i, 20) for i in range(PAGES)]), []]]
    second = [["beta", postings(*[posting(i, 20) for i in range(PAGES)]), []]]
    write_index(tmp_path, [("a", "az", first), ("b", "bz", second)])
    pfi.bound_index(tmp_path, chunk_bytes=200)
    chunks, _ = read_back(tmp_path)
    assert [chunk[:2] for chunk in chunks] == [["a", "az"], ["b", "bz"]]


def test_weighted_count_follows_the_weight_markers():
    # 2 positions of text (weight 24 before any marker), then 1 in an h1 (7 * 24, marker -169)
    assert pfi.weighted_count([4, 9, -169, 12]) == 1 + 1 + 7


def test_a_file_that_is_not_pagefinds_is_named(tmp_path):
    bad = tmp_path / "x.pf_index"
    bad.write_bytes(pfi.gzip.compress(b"not an index"))
    with pytest.raises(ValueError, match="x.pf_index: not a Pagefind index file"):
        pfi.read(bad)


def test_the_kept_pages_are_ranked_as_the_browser_ranks():
    """The bound keeps the pages Pagefind ranks first: its BM25 constants are those search.js
    gives Pagefind."""
    import re

    from kbtools.paths import REPO_ROOT

    script = (REPO_ROOT / "overrides/assets/javascripts/search.js").read_text(encoding="utf-8")
    ranking = dict(re.findall(r"(termSaturation|pageLength): ([0-9.]+)", script))
    assert (float(ranking["termSaturation"]), float(ranking["pageLength"])) == (pfi.K1, pfi.B)
