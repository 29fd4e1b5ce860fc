"""Extraction, on the spider's side of the flow: each article page the spider yields is read
into its article before it leaves the spider, so that what the article links to can be followed
(:mod:`newsbot.crawl.follow`) and the pipelines only keep what is finished.

The pages are read off the event loop, in worker processes (:mod:`newsbot.pool` →
:mod:`newsbot.worker`), which also decode the body, hash it and compress it for the archive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spiders import Spider

from newsbot.content_coding import decode, failed, is_revisit
from newsbot.crawl.reactor import at_forced_stop
from newsbot.crawl.sink import sink_of
from newsbot.crawl.workers import extract_workers
from newsbot.extract.article import Extraction
from newsbot.items import Article, Capture, NotArticle
from newsbot.pool import ExtractionPool, WorkerError
from newsbot.spiders.loader import apply_profile_setting
from newsbot.worker import Done, extract_capture, is_html


class ExtractMiddleware:
    """Spider middleware: extracts the article of every fetched article page, off the reactor
    thread.

    ``NEWSBOT_EXTRACT_WORKERS``: size of the process pool (0 = one per core; -1 = extract in the
    crawler process itself, for debugging). Extraction is CPU-bound Python, so threads would not
    help. ``NEWSBOT_EXTRACT_TIMEOUT``: seconds one page may take in a worker (0 = no limit).
    Captures that are not article pages pass through untouched; a page no worker could extract
    (its worker died) is kept as a capture with the reason. ``NEWSBOT_PROFILES``: the folders
    of a user's site profiles, read here and in the workers alike. The workers compress each
    body with its site's dictionary, when the crawl's sink names one
    (:meth:`newsbot.crawl.sink.CrawlSink.dictionaries`).
    """

    def __init__(
        self,
        crawler: Crawler,
        workers: int,
        timeout: float,
        profile_dirs: Sequence[Path] = (),
    ) -> None:
        self.crawler = crawler
        self.workers = workers
        self.timeout = timeout
        self.profile_dirs = tuple(profile_dirs)
        self.pool: ExtractionPool | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractMiddleware:
        timeout = crawler.settings.getfloat("NEWSBOT_EXTRACT_TIMEOUT", 20.0)
        dirs = apply_profile_setting(crawler.settings)
        return cls(crawler, extract_workers(crawler.settings), timeout, dirs)

    def _pool(self) -> ExtractionPool:
        if self.pool is None:
            sink = sink_of(self.crawler)
            self.pool = ExtractionPool(
                self.workers,
                profile_dirs=self.profile_dirs,
                dictionaries=sink.dictionaries() if sink is not None else None,
            )
        return self.pool

    def spider_opened(self, spider: Spider) -> None:
        # The workers start importing while the spider reads robots.txt and the listings, so
        # they are ready when the first article page arrives (killed at close if none did).
        if self.workers > 0:
            self._pool().start()
            # A forced stop (a second Ctrl-C) never reaches spider_closed: no worker outlives
            # the crawler all the same.
            at_forced_stop(self._kill_workers)

    def _kill_workers(self) -> None:
        if self.pool is not None:
            self.pool.kill()

    async def spider_closed(self, spider: Spider) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            await pool.close()

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for out in result:
            if isinstance(out, Capture):
                await self.extract(out)
            yield out

    async def extract(self, item: Capture) -> None:
        """Give an article page's capture its article (or why it has none), in place."""
        if item.kind != "article" or item.status not in (200, 304):
            return
        stats = self.crawler.stats
        assert stats is not None
        extraction: Extraction | None
        if self.workers > 0 and item.status == 200 and is_html(item):
            # The worker decodes the body, names it and, unless it is last time's, extracts it.
            try:
                done = await self._pool().extract(item, self.timeout)
            except WorkerError as exc:
                done = Done(Extraction(NotArticle(item.final_url, str(exc))), None)
            if done.error is not None:
                failed(item, done.error)
                stats.inc_value("newsbot/extract/bad_body")
                return
            item.stored_body, extraction = done.stored, done.extraction
        elif not decode(item):
            stats.inc_value("newsbot/extract/bad_body")
            return
        elif is_revisit(item):
            extraction = None
        elif not is_html(item):
            extraction = Extraction(
                NotArticle(item.final_url, f"not HTML ({item.header('Content-Type')})")
            )
        else:
            extraction = extract_capture(item)
        if extraction is None:
            # Same bytes as last time (or a 304): the stored article still holds.
            stats.inc_value("newsbot/extract/revisit_skipped")
            return
        if isinstance(extraction.result, Article):
            item.article = extraction.result
        else:
            item.not_article = extraction.result.reason
            item.live_blog = extraction.result.kind == "live_blog"
        for reason, count in extraction.dropped_links.items():
            stats.inc_value(f"newsbot/links/dropped/{reason}", count)
        if extraction.spared:
            # A furniture selector matched most of the text and was not applied.
            stats.inc_value("newsbot/extract/prune_spared", extraction.spared)
        outcome = "article" if item.article else "live_blog" if item.live_blog else "not_article"
        stats.inc_value(f"newsbot/extract/{outcome}")
