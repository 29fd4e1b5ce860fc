"""The frontier gate: what the spider discovers is recorded in the archive before anything is
fetched, and only what is due goes on.

The frontier lives in the archive: every URL a spider discovers is recorded there (with where it
was found and its sitemap lastmod / news date) before anything is fetched, and only what is due
goes on — new, changed, failed or scheduled URLs. A run also starts from what earlier runs left
due, so a crawl killed at any moment resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from newsbot.archive import Archive, ArchiveError, DueURL, FrontierEntry
from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.sink import archive_of, refuse, sink_of
from newsbot.sitemap_bounds import (
    DEPTH_META,
    SitemapBounds,
    SitemapReading,
    resumed_depth,
    set_depth,
)

logger = logging.getLogger(__name__)

#: Discovered requests recorded in the frontier in one transaction.
GATE_BATCH = 1000
#: Queued requests past which a listing's due articles are left in the frontier (each queued
#: request holds about 1.3 KB: a sitemap of 50,000 URLs queued at once is 65 MB and more) …
HOLD_AT = 2 * GATE_BATCH
#: … and fed from it, a batch at a time, once fewer than this many are queued.
FEED_BELOW = GATE_BATCH // 2
#: Seconds between two looks at the queue while articles wait in the frontier.
FEED_POLL = 0.1
#: Meta key of an article let through against the queue's room, until the scheduler has it.
RESERVED = "newsbot_reserved"
#: Meta key: how many times the URL had been fetched and saved when the frontier let it through
#: (compared when the page is saved: a fetch saved since is not saved again).
FETCH_COUNT_META = "newsbot_fetch_count"
#: Where a spider's request came from → the frontier's found_in.
FOUND_IN = {"listing": "sitemap", "sitemap": "sitemap", "feed": "feed", "section": "section"}


def entry_for(request: Request, site: str) -> FrontierEntry:
    """The frontier entry of a request the spider made."""
    listed = request.meta.get("newsbot_listed") or {}
    found_in = request.meta.get("newsbot_found_in", "start")
    return FrontierEntry(
        url=request.url,
        site=site,
        kind=request.meta.get("newsbot_kind", "page"),
        found_in=FOUND_IN.get(found_in, found_in),
        lastmod=listed.get("lastmod"),
        published_at=listed.get("published_at"),
        priority=request.priority,
    )


def with_due(request: Request, due: DueURL) -> Request:
    """The request carrying what the frontier knows: conditional headers, the last body's hash."""
    request = request.replace(
        meta={
            **request.meta,
            "newsbot_previous_sha256": due.sha256,
            "newsbot_previous_capture": due.last_capture_id,
            FETCH_COUNT_META: due.fetch_count,
        }
    )
    for name, value in due.conditional_headers().items():
        request.headers.setdefault(name, value)
    return request


def url_key(url: str) -> int:
    """A number standing for ``url`` within this process (Python's own string hash: 64 bits,
    cached in the string, salted per process, so never stored)."""
    return hash(url)


class FrontierMiddleware:
    """Spider middleware: records every discovered URL in the archive's frontier and lets through
    only the requests that are due; adds what earlier runs left due to the start requests.
    A listing's due articles beyond what the queue has room for (:data:`HOLD_AT`) wait in the
    frontier and are fed from it, a batch at a time, as the queue drains: a sitemap of 50,000
    URLs is never 50,000 queued requests, nor are fifty sitemaps of 1,000 read at once.

    Off (``NEWSBOT_INCREMENTAL = False``): every discovered URL is fetched, as in a first run.
    """

    def __init__(self, crawler: Crawler, enabled: bool) -> None:
        self.crawler = crawler
        self.enabled = enabled
        # The archive's frontier holds the URLs themselves: here only a number per URL
        # (:func:`url_key`), some 60 bytes rather than a few hundred.
        self.seen: set[int] = set()  # distinct URLs discovered in this run
        self.requested: set[int] = set()  # URLs this run has requested (so fed once each)
        self.held = False  # due articles were left in the frontier, to be fed from it
        # Articles let through (the queue's room they took) that the scheduler has not had yet:
        # the listings read at the same time share one room rather than each see it empty.
        self.reserved = 0
        crawler.signals.connect(self._scheduled, signal=signals.request_scheduled)
        self.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        self.sitemap_bounds = SitemapBounds.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        return cls(crawler, crawler.settings.getbool("NEWSBOT_INCREMENTAL", True))

    def _archive(self) -> Archive | None:
        """The archive whose frontier this is (None: no archive in this process, or not yet)."""
        return archive_of(self.crawler)

    def _short_enough(self, requests: list[Request]) -> list[Request]:
        """``requests`` without those whose URL is over ``URLLENGTH_LIMIT`` (Scrapy would drop
        them after the frontier made them due), each recorded as an error row instead."""
        spider = self.crawler.spider
        if not self.max_url_length or spider is None:
            return requests
        kept = []
        for request in requests:
            if len(request.url) <= self.max_url_length:
                kept.append(request)
                continue
            message = (
                f"URL of {len(request.url)} characters, over URLLENGTH_LIMIT"
                f" ({self.max_url_length}): not fetched"
            )
            site = getattr(spider, "site", spider.name)
            kind = request.meta.get("newsbot_kind", "page")
            refuse(self.crawler, Refusal(request.url, site, "url_too_long", message, kind))
        return kept

    def gate(self, requests: list[Request]) -> list[Request]:
        """Record ``requests`` in the frontier; return those due (asked-for ones always).
        A URL over ``URLLENGTH_LIMIT`` is recorded as an error instead."""
        requests = self._short_enough(requests)
        archive = self._archive()
        spider = self.crawler.spider
        stats = self.crawler.stats
        if not self.enabled or archive is None or spider is None or not requests or stats is None:
            return requests
        site = getattr(spider, "site", spider.name)
        try:
            due = {
                d.url: d
                for d in archive.frontier.record_listed([entry_for(r, site) for r in requests])
            }
        except ArchiveError as exc:
            # Not recorded, so not fetched: the listing that named them lists them again.
            sink = sink_of(self.crawler)
            if sink is not None:
                sink.not_saved(exc, "discovered_urls", len(requests))
            return []
        self.seen.update(url_key(r.url) for r in requests)
        stats.set_value("newsbot/frontier/discovered", len(self.seen))
        out = [
            with_due(r, due[r.url]) if r.url in due else r
            for r in requests
            if r.url in due or r.meta.get("newsbot_force")
        ]
        stats.inc_value("newsbot/frontier/not_due", len(requests) - len(out))
        self.requested.update(url_key(r.url) for r in out)
        return out

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        requests = [r async for r in start]
        for request in self.gate([r for r in requests if isinstance(r, Request)]):
            yield request
        for other in requests:
            if not isinstance(other, Request):
                yield other
        for request in self._resumed():
            yield request
        async for request in self._fed():
            yield request

    def _resumed(self) -> Iterable[Request]:
        """What earlier runs left due (never fetched, failed, scheduled), as requests."""
        archive, spider, stats = self._archive(), self.crawler.spider, self.crawler.stats
        make = getattr(spider, "request_for", None)
        if not self.enabled or archive is None or spider is None or make is None or stats is None:
            return
        if getattr(spider, "urls", None):
            return  # a crawl of named articles fetches those, not the backlog
        for due in archive.frontier.due(getattr(spider, "site", spider.name)):
            if url_key(due.url) in self.requested:
                continue
            request = make(due.url, due.kind)
            if request is not None:
                if due.kind == "sitemap":
                    set_depth(request, resumed_depth(due.priority))
                stats.inc_value("newsbot/frontier/resumed")
                self.requested.add(url_key(due.url))
                yield with_due(request, due)

    def _queued(self) -> int:
        """Requests waiting in the scheduler (0 when it cannot tell)."""
        engine = self.crawler.engine
        try:
            return len(engine.scheduler) if engine is not None else 0  # type: ignore[arg-type]
        except TypeError:
            return 0

    def _scheduled(self, request: Request) -> None:
        """(``request_scheduled``) An article let through reached the scheduler: its room is
        now counted by the queue itself."""
        if request.meta.pop(RESERVED, False):
            self.reserved -= 1

    def let_through(self, requests: list[Request], queued: int | None = None) -> list[Request]:
        """``requests`` as the gate lets them through, but for the articles past the room left
        in the queue (:data:`HOLD_AT` less the ``queued`` requests, by default the scheduler's
        count, and less the articles let through that it has not had yet): those wait in the
        frontier, due, and :meth:`_fed` feeds them as the queue drains. With no archive (a node
        of a distributed crawl) there is no frontier to wait in: every request goes on.
        Each article let through holds its room until the scheduler has it."""
        holds = self.enabled and self._archive() is not None
        room = HOLD_AT - (self._queued() if queued is None else queued) - self.reserved
        out = []
        for request in self.gate(requests):
            if (
                not holds
                or request.meta.get("newsbot_kind") != "article"
                or request.meta.get("newsbot_force")
            ):
                out.append(request)
            elif room > 0:
                room -= 1
                self.reserved += 1
                request.meta[RESERVED] = True
                out.append(request)
            else:
                self.held = True
                self.requested.discard(url_key(request.url))
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value("newsbot/frontier/held")
        return out

    async def _handed_on(self, requests: list[Request]) -> AsyncIterator[Request]:
        """:meth:`let_through` of ``requests``, yielded; what is never yielded (the crawl
        stopped reading this output) gives its room back."""
        out = self.let_through(requests)
        sent = 0
        try:
            for request in out:
                yield request
                sent += 1
        finally:
            for request in out[sent:]:
                self._scheduled(request)

    def _idle(self) -> bool:
        """Whether the crawl has nothing left to do but what waits in the frontier."""
        engine = self.crawler.engine
        if engine is None:
            return True
        scheduler = engine.scheduler
        return (
            not engine.downloader.active
            and (engine.scraper.slot is None or engine.scraper.slot.is_idle())
            and (scheduler is None or not scheduler.has_pending_requests())
        )

    async def _fed(self) -> AsyncIterator[Request]:
        """Due articles left in the frontier by :meth:`let_through`, fed as the queue drains.
        They are start requests (Scrapy reads those only when it has room), so the crawl does
        not end while some wait."""
        archive, spider = self._archive(), self.crawler.spider
        make = getattr(spider, "request_for", None)
        if not self.enabled or archive is None or spider is None or make is None:
            return
        site = getattr(spider, "site", spider.name)
        while True:
            engine = self.crawler.engine
            slot = getattr(engine, "_slot", None)
            if engine is None or not engine.running or getattr(slot, "closing", None):
                return
            scraper = engine.scraper.slot
            if self.reserved and scraper is not None and scraper.is_idle():
                # No spider output is being read, so nothing let through is on its way to the
                # scheduler: what a later middleware dropped (a depth limit) holds no room.
                self.reserved = 0
            # (Articles let through that the scheduler has not had yet count as queued.)
            if self.held and self._queued() + self.reserved < FEED_BELOW:
                batch = []
                for due in archive.frontier.due(site):
                    key = url_key(due.url)
                    if key in self.requested or due.kind != "article":
                        continue
                    self.requested.add(key)
                    if (request := make(due.url, due.kind, due.found_in)) is not None:
                        batch.append(with_due(request, due))
                        if len(batch) >= GATE_BATCH:
                            break
                self.held = len(batch) >= GATE_BATCH
                for request in batch:
                    yield request
                continue
            if not self.held and self._idle():
                return
            await asyncio.sleep(FEED_POLL)

    def _sitemap_reading(self, response: Response) -> SitemapReading | None:
        """The bounds on what ``response`` lists, when it is a sitemap."""
        spider = self.crawler.spider
        if response.meta.get("newsbot_kind") != "sitemap" or spider is None:
            return None
        return SitemapReading(
            response.url,
            getattr(spider, "site", spider.name),
            response.meta.get(DEPTH_META, 0),
            self.sitemap_bounds,
        )

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        # Discoveries are recorded before the listing's own capture is kept: a crawl killed in
        # between refetches the listing rather than lose what it listed. They are recorded in
        # batches, so that a sitemap of 50,000 URLs not due is never 50,000 requests at once.
        requests: list[Request] = []
        items: list[Any] = []
        reading = self._sitemap_reading(response)
        async for out in result:
            if not isinstance(out, Request):
                items.append(out)
            elif reading is None or reading.admit(out):
                requests.append(out)
                if len(requests) >= GATE_BATCH:
                    async for request in self._handed_on(requests):
                        yield request
                    requests = []
        if reading is not None:
            for refusal in reading.refusals():
                refuse(self.crawler, refusal)
        async for request in self._handed_on(requests):
            yield request
        for item in items:
            yield item
