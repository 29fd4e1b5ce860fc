"""A sitemap of thousands of URLs is not queued at once: its articles wait in the frontier and
are fed to the crawl as the queue drains (issue 13: the crawler grew 160 MB queueing the 50,000
URLs of one sitemap), nor are many sitemaps read at the same time each queued in full (issue
15: the crawler grew some 5 KB per URL). Every one is still fetched, once, in the same run, which
ends by itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from local_site import Page, serve
from queue_watch import STAT

import newsbot.settings

#: More than the middleware lets wait in the queue (2,000) plus a few batches of 1,000.
URLS = 4_500
#: The most requests the queue may hold: the articles' room, and the few pages beside them
#: (sitemaps, the home page).
QUEUE_ROOM = 2_000 + 20
TESTS = Path(__file__).resolve().parent


def answer(path: str, base: str) -> Page:
    if path == "/sitemap.xml":
        locs = "".join(f"<url><loc>{base}/news/{n}</loc></url>" for n in range(URLS))
        body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        return 200, body.encode(), "application/xml"
    if path == "/":
        return 200, b"<html><body><p>Home</p></body></html>", "text/html"
    return 404, b"", "text/plain"


#: A sitemap index of small sitemaps, none over the queue's room alone, together well over it.
CHILDREN, PER_CHILD = 12, 400


def answer_index(path: str, base: str) -> Page:
    if path == "/sitemap.xml":
        children = "".join(
            f"<sitemap><loc>{base}/sitemaps/{c}.xml</loc></sitemap>" for c in range(CHILDREN)
        )
        body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
        return 200, (body + "</sitemapindex>").encode(), "application/xml"
    if path.startswith("/sitemaps/"):
        child = int(path.removeprefix("/sitemaps/").removesuffix(".xml"))
        locs = "".join(f"<url><loc>{base}/news/{child}-{n}</loc></url>" for n in range(PER_CHILD))
        body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        return 200, body.encode(), "application/xml"
    return answer(path, base)


def crawl(answer: Callable[[str, str], Page], archive: Path) -> tuple[list[str], dict[str, Any]]:
    """Crawl the site ``answer`` serves into ``archive``, watching the scheduler's queue
    (tests/queue_watch.py): the paths requested, and the run's stats."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH", "")]))
    extensions = json.dumps({**newsbot.settings.EXTENSIONS, "queue_watch.QueueWatch": 900})
    with serve(answer) as (base, requests):
        result = subprocess.run(
            [
                sys.executable, "-m", "newsbot", "crawl", "generic", "--base-url", base,
                "--archive", str(archive), "--quiet", "-s", f"EXTENSIONS={extensions}",
            ],
            capture_output=True, text=True, timeout=300, env=env, cwd=REPO, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(archive)
    (stats,) = db.execute("SELECT stats FROM crawl_runs").fetchone()
    db.close()
    return requests, json.loads(stats)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, Any]]:
    archive = tmp_path_factory.mktemp("feed") / "site.db"
    requests, stats = crawl(answer, archive)
    return archive, requests, stats


def test_every_listed_url_is_fetched_once_in_the_same_run(
    crawled: tuple[Path, list[str], dict[str, Any]],
) -> None:
    _, requests, _ = crawled
    fetched = Counter(path for path in requests if path.startswith("/news/"))
    assert set(fetched) == {f"/news/{n}" for n in range(URLS)}
    assert set(fetched.values()) == {1}


def test_the_listed_urls_waited_in_the_frontier_not_in_the_queue(
    crawled: tuple[Path, list[str], dict[str, Any]],
) -> None:
    archive, _, stats = crawled
    db = sqlite3.connect(archive)
    states = dict(db.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
    db.close()
    assert stats[STAT] <= QUEUE_ROOM, stats[STAT]
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


def test_many_sitemaps_read_together_share_the_queues_room(tmp_path: Path) -> None:
    requests, stats = crawl(answer_index, tmp_path / "index.db")
    fetched = Counter(path for path in requests if path.startswith("/news/"))
    assert len(fetched) == CHILDREN * PER_CHILD and set(fetched.values()) == {1}
    assert stats[STAT] <= QUEUE_ROOM, stats[STAT]
