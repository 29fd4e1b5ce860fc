"""A listing that cannot be read is an error row with its reason, and is left alone like a page
that fails (issue 13).

A small local site whose sitemap index names a broken gzip file, an HTML page, a JSON document
and an RSS feed, each served as a sitemap. Crawled twice with ``NEWSBOT_MAX_FAILURES=1``: the
first run records each with why it could not be read; the second reads the index again (a start
listing always is) but none of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_newsbot
from local_site import Page, serve

#: path → (body, Content-Type) of each document the site serves as a sitemap.
DOCUMENTS: dict[str, tuple[bytes, str]] = {
    "/sitemaps/broken.xml.gz": (b"\x1f\x8b\x08\x00" + b"not gzip at all" * 20, "application/gzip"),
    "/sitemaps/page.xml": (b"<html><body><p>Moved.</p></body></html>", "text/html"),
    "/sitemaps/json.xml": (b'{"urls": ["/a", "/b"]}', "application/json"),
    "/sitemaps/feed.xml": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
        "application/rss+xml",
    ),
}
#: path → (error kind, words its message must hold): written by hand.
EXPECTED = {
    "/sitemaps/broken.xml.gz": ("unreadable_sitemap", "broken gzip"),
    "/sitemaps/page.xml": ("unreadable_sitemap", "<html>, not <sitemapindex> or <urlset>"),
    "/sitemaps/json.xml": ("unreadable_sitemap", "not XML"),
    "/sitemaps/feed.xml": ("unreadable_sitemap", "<rss>, not <sitemapindex> or <urlset>"),
}


def answer(path: str, base: str) -> Page:
    if path == "/sitemap.xml":
        locs = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in DOCUMENTS)
        index = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}'
        return 200, f"{index}</sitemapindex>".encode(), "application/xml"
    if path in DOCUMENTS:
        return 200, *DOCUMENTS[path]
    if path == "/":
        return 200, b"<html><body><p>Home</p></body></html>", "text/html"
    return 404, b"", "text/plain"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, list[set[str]]]]:
    archive = tmp_path_factory.mktemp("unreadable") / "site.db"
    runs = []
    with serve(answer) as (base, requests):
        for _ in range(2):
            before = len(requests)
            result = run_newsbot(
                "crawl", "generic", "--base-url", base, "--archive", str(archive), "--quiet",
                "-s", "NEWSBOT_MAX_FAILURES=1",
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            runs.append(set(requests[before:]))
    yield archive, base, runs


def test_an_unreadable_listing_is_an_error_row_with_why(
    crawled: tuple[Path, str, list[set[str]]],
) -> None:
    archive, base, _ = crawled
    db = sqlite3.connect(archive)
    rows = db.execute("SELECT url, kind, message FROM errors ORDER BY id").fetchall()
    db.close()
    found = {url.removeprefix(base): (kind, message) for url, kind, message in rows}
    for path, (kind, words) in EXPECTED.items():
        assert path in found, (path, rows)
        assert found[path][0] == kind and words in found[path][1], (path, found[path])
        assert "\n" not in found[path][1] and len(found[path][1]) < 400
    assert len(rows) == len(EXPECTED), rows  # once each: the second run did not read them


def test_an_unreadable_listing_is_not_read_again_but_the_start_listing_is(
    crawled: tuple[Path, str, list[set[str]]],
) -> None:
    first, second = crawled[2]
    assert set(DOCUMENTS) <= first
    assert "/sitemap.xml" in second
    assert not second & set(DOCUMENTS), sorted(second & set(DOCUMENTS))
