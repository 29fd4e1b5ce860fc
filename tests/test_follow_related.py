"""Following related links to a depth: same site only, off-site targets recorded, never fetched."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_newsbot

from sitegen import DemoServer, DemoSite


def followed(demo_site: DemoSite, start: str, depth: int) -> set[str]:
    """The demo paths a crawl from ``start`` reaches by related and inline-related links."""
    reached, frontier = {start}, {start}
    for _ in range(depth):
        nxt = set()
        for path in frontier:
            truth = demo_site.article(path)
            nxt |= set(truth.related) | set(truth.inline_related)
        frontier = nxt - reached
        reached |= nxt
    return reached


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_related_links_are_followed_to_the_given_depth(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite, depth: int
) -> None:
    start = next(a for a in demo_site.articles if a.edition == "de" and len(a.related) >= 2)
    archive = tmp_path / f"depth{depth}.db"
    result = run_newsbot(
        "crawl", "euronews", "--base-url", demo_server.base_url, "--editions", "de",
        "--url", demo_server.base_url + start.path, "--archive", str(archive), "-q",
        "-s", f"NEWSBOT_FOLLOW_RELATED_DEPTH={depth}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(archive) as db:
        archived = {url for (url,) in db.execute("select canonical_url from articles")}
        fetched_hosts = {urlsplit(u).netloc for (u,) in db.execute("select url from captures")}
    expected = {demo_server.base_url + p for p in followed(demo_site, start.path, depth)}
    assert archived == expected
    assert fetched_hosts == {urlsplit(demo_server.base_url).netloc}  # nothing off-site fetched
    if depth:
        assert len(expected) > 1
