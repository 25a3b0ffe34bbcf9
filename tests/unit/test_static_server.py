"""The servers of the site (the Docker image's and the tests'): text is sent gzip-compressed to a
client that accepts it, as GitHub Pages sends it; binary files and other clients get the file."""
import gzip
import urllib.request

from kbtools.browser import serve_site


def _get(url: str, accept_gzip: bool) -> tuple[str | None, bytes]:
    headers = {"Accept-Encoding": "gzip, deflate"} if accept_gzip else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.headers.get("Content-Encoding"), response.read()


def test_text_is_gzipped_for_clients_that_accept_it(tmp_path):
    page = "<!doctype html><title>x</title>" + "<p>容器 container</p>" * 200
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "chunk.pf_index").write_bytes(gzip.compress(b"already compressed"))
    with serve_site(tmp_path, "/kb/") as base:
        encoding, body = _get(base + "guide/", accept_gzip=True)
        assert encoding == "gzip" and gzip.decompress(body).decode() == page
        assert len(body) < len(page.encode()) / 5
        assert _get(base + "guide/", accept_gzip=False) == (None, page.encode())
        encoding, body = _get(base + "chunk.pf_index", accept_gzip=True)
        assert encoding is None and body == (tmp_path / "chunk.pf_index").read_bytes()
