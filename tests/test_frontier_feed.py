"""A sitemap of thousands of URLs is not queued at once: its articles wait in the frontier and
are fed to the crawl as the queue drains (issue 13: the crawler grew 160 MB queueing the 50,000
URLs of one sitemap). Every one is still fetched, once, in the same run, which ends by itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from conftest import run_newsbot
from local_site import Page, serve

#: More than the middleware lets wait in the queue (2,000) plus a few batches of 1,000.
URLS = 4_500


def answer(path: str, base: str) -> Page:
    if path == "/sitemap.xml":
        locs = "".join(f"<url><loc>{base}/news/{n}</loc></url>" for n in range(URLS))
        body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        return 200, body.encode(), "application/xml"
    if path == "/":
        return 200, b"<html><body><p>Home</p></body></html>", "text/html"
    return 404, b"", "text/plain"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    archive = tmp_path_factory.mktemp("feed") / "site.db"
    with serve(answer) as (base, requests):
        result = run_newsbot(
            "crawl", "generic", "--base-url", base, "--archive", str(archive), "--quiet"
        )
        assert result.returncode == 0, result.stdout + result.stderr
    yield archive, requests


def test_every_listed_url_is_fetched_once_in_the_same_run(
    crawled: tuple[Path, list[str]],
) -> None:
    _, requests = crawled
    fetched = Counter(path for path in requests if path.startswith("/news/"))
    assert set(fetched) == {f"/news/{n}" for n in range(URLS)}
    assert set(fetched.values()) == {1}


def test_the_listed_urls_waited_in_the_frontier_not_in_the_queue(
    crawled: tuple[Path, list[str]],
) -> None:
    archive, _ = crawled
    db = sqlite3.connect(archive)
    (stats,) = db.execute("SELECT stats FROM crawl_runs").fetchone()
    states = dict(db.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
    db.close()
    assert json.loads(stats).get("newsbot/frontier/held", 0) >= URLS - 2_000 - 1_000
    # Nothing is left due: the run fed them all before it ended.
    assert states.get("gone") == URLS and "due" not in states, states


def test_without_an_archive_no_article_is_held_back() -> None:
    # A node of a distributed crawl has no archive, so no frontier for articles to wait in:
    # every article a listing names goes on, however many (issue 15).
    import asyncio

    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from newsbot.crawl.frontier import FrontierMiddleware

    crawler = get_crawler(Spider, {"NEWSBOT_INCREMENTAL": True})
    crawler.spider = Spider("generic")
    crawler.engine = crawler._create_engine()  # (not started: an empty queue)
    middleware = FrontierMiddleware.from_crawler(crawler)
    listing = Request("https://example.org/news", meta={"newsbot_kind": "section"})
    urls = [f"https://example.org/news/{n}" for n in range(URLS)]

    async def listed() -> AsyncIterator[Request]:
        for url in urls:
            yield Request(url, meta={"newsbot_kind": "article"})

    async def passed() -> list[str]:
        response = Response(listing.url, request=listing)
        out = middleware.process_spider_output(response, listed())
        return [r.url async for r in out]

    assert asyncio.run(passed()) == urls
