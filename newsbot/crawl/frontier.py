"""Middlewares that make crawls incremental and polite: the frontier gate, conditional requests,
Retry-After.

The frontier lives in the archive: every URL a spider discovers is recorded there (with where it
was found and its sitemap lastmod / news date) before anything is fetched, and only what is due
goes on — new, changed, failed or scheduled URLs. A run also starts from what earlier runs left
due, so a crawl killed at any moment resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import (
    HttpCompressionMiddleware as ScrapyHttpCompressionMiddleware,
)
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware,
)
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from newsbot.archive import Archive, ArchiveError, DueURL, FrontierEntry
from newsbot.coding import CODING_META, MAX_SIZE_META, gunzipped_size_over
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
#: The kinds of page read for links (the spider's discovery documents).
LISTING_KINDS = ("sitemap", "feed", "section")
#: Where a spider's request came from → the frontier's found_in.
FOUND_IN = {"listing": "sitemap", "sitemap": "sitemap", "feed": "feed", "section": "section"}


class RobotsBlocked(IgnoreRequest):
    """A request robots.txt forbids: the URL becomes ``blocked`` in the frontier."""


class BodyTooLarge(IgnoreRequest):
    """A response whose body decompresses past ``DOWNLOAD_MAXSIZE``: recorded as a failure."""


def _archive(crawler: Crawler) -> Archive | None:
    from newsbot.pipelines import ArchivePipeline

    pipeline = crawler.get_item_pipeline(ArchivePipeline)
    return pipeline.archive if pipeline is not None else None


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
        }
    )
    for name, value in due.conditional_headers().items():
        request.headers.setdefault(name, value)
    return request


class FrontierMiddleware:
    """Spider middleware: records every discovered URL in the archive's frontier and lets through
    only the requests that are due; adds what earlier runs left due to the start requests.
    A listing's due articles beyond what the queue has room for (:data:`HOLD_AT`) wait in the
    frontier and are fed from it, a batch at a time, as the queue drains: a sitemap of 50,000
    URLs is never 50,000 queued requests.

    Off (``NEWSBOT_INCREMENTAL = False``): every discovered URL is fetched, as in a first run.
    """

    def __init__(self, crawler: Crawler, enabled: bool) -> None:
        self.crawler = crawler
        self.enabled = enabled
        self.seen: set[str] = set()  # distinct URLs discovered in this run
        self.requested: set[str] = set()  # URLs this run has requested (so fed once each)
        self.held = False  # due articles were left in the frontier, to be fed from it
        self.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        self.sitemap_bounds = SitemapBounds.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        return cls(crawler, crawler.settings.getbool("NEWSBOT_INCREMENTAL", True))

    def _short_enough(self, requests: list[Request]) -> list[Request]:
        """``requests`` without those whose URL is over ``URLLENGTH_LIMIT`` (Scrapy would drop
        them after the frontier made them due), each recorded as an error row instead."""
        from newsbot.spiders.outcomes import Refusal, refuse

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
        archive = _archive(self.crawler)
        spider = self.crawler.spider
        stats = self.crawler.stats
        if not self.enabled or archive is None or spider is None or not requests or stats is None:
            return requests
        site = getattr(spider, "site", spider.name)
        try:
            due = {d.url: d for d in archive.discover([entry_for(r, site) for r in requests])}
        except ArchiveError as exc:
            from newsbot.pipelines import not_recorded

            # Not recorded, so not fetched: the listing that named them lists them again.
            not_recorded(self.crawler, exc, "discovered_urls", len(requests))
            return []
        self.seen.update(r.url for r in requests)
        stats.set_value("newsbot/frontier/discovered", len(self.seen))
        out = [
            with_due(r, due[r.url]) if r.url in due else r
            for r in requests
            if r.url in due or r.meta.get("newsbot_force")
        ]
        stats.inc_value("newsbot/frontier/not_due", len(requests) - len(out))
        self.requested.update(r.url for r in out)
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
        archive, spider, stats = _archive(self.crawler), self.crawler.spider, self.crawler.stats
        make = getattr(spider, "request_for", None)
        if not self.enabled or archive is None or spider is None or make is None or stats is None:
            return
        if getattr(spider, "urls", None):
            return  # a crawl of named articles fetches those, not the backlog
        for due in archive.due(getattr(spider, "site", spider.name)):
            if due.url in self.requested:
                continue
            request = make(due.url, due.kind)
            if request is not None:
                if due.kind == "sitemap":
                    set_depth(request, resumed_depth(due.priority))
                stats.inc_value("newsbot/frontier/resumed")
                self.requested.add(due.url)
                yield with_due(request, due)

    def _queued(self) -> int:
        """Requests waiting in the scheduler (0 when it cannot tell)."""
        engine = self.crawler.engine
        try:
            return len(engine.scheduler) if engine is not None else 0  # type: ignore[arg-type]
        except TypeError:
            return 0

    def _let_through(self, requests: list[Request], room: list[int]) -> Iterator[Request]:
        """``requests`` as the gate lets them through, but for the articles past ``room[0]``
        (the room left in the queue, counted down): those wait in the frontier, due, and
        :meth:`_fed` feeds them as the queue drains."""
        for request in self.gate(requests):
            if (
                not self.enabled
                or request.meta.get("newsbot_kind") != "article"
                or request.meta.get("newsbot_force")
            ):
                yield request
            elif room[0] > 0:
                room[0] -= 1
                yield request
            else:
                self.held = True
                self.requested.discard(request.url)
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value("newsbot/frontier/held")

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
        """Due articles left in the frontier by :meth:`_let_through`, fed as the queue drains.
        They are start requests (Scrapy reads those only when it has room), so the crawl does
        not end while some wait."""
        archive, spider = _archive(self.crawler), self.crawler.spider
        make = getattr(spider, "request_for", None)
        if not self.enabled or archive is None or spider is None or make is None:
            return
        site = getattr(spider, "site", spider.name)
        while True:
            engine = self.crawler.engine
            slot = getattr(engine, "_slot", None)
            if engine is None or not engine.running or getattr(slot, "closing", None):
                return
            if self.held and self._queued() < FEED_BELOW:
                batch = []
                for due in archive.due(site):
                    if due.url in self.requested or due.kind != "article":
                        continue
                    self.requested.add(due.url)
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
        # Scrapy reads this output ahead of scheduling it, so the queue cannot tell how much of
        # it waits: what one response may add to the queue is counted here.
        room = [HOLD_AT - self._queued()]
        async for out in result:
            if not isinstance(out, Request):
                items.append(out)
            elif reading is None or reading.admit(out):
                requests.append(out)
                if len(requests) >= GATE_BATCH:
                    for request in self._let_through(requests, room):
                        yield request
                    requests = []
        if reading is not None:
            from newsbot.spiders.outcomes import refuse

            for refusal in reading.refusals():
                refuse(self.crawler, refusal)
        for request in self._let_through(requests, room):
            yield request
        for item in items:
            yield item


class ConditionalRequestMiddleware:
    """Downloader middleware: a 304 to a listing brings back the body stored for it, so its
    links are still read (and still come out not due) without fetching it again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        sha = request.meta.get("newsbot_previous_sha256")
        if response.status != 304 or not sha or request.meta.get("newsbot_kind") == "article":
            return response
        archive = _archive(self.crawler)
        if archive is not None:
            try:
                request.meta["newsbot_stored_body"] = archive.body(sha)
            except KeyError:
                logger.warning("no stored body %s for %s", sha, request.url)
        return response


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, honouring Retry-After on 429 and 503: the retry waits as long as the
    server asked (at most ``NEWSBOT_RETRY_AFTER_MAX`` seconds), and so does the rest of the
    crawl of that server."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        middleware.max_wait = crawler.settings.getfloat("NEWSBOT_RETRY_AFTER_MAX", 300.0)
        return middleware

    max_wait: float = 300.0

    # Async (Scrapy awaits coroutine middleware methods) so that the wait blocks nothing else.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        wait = None
        if response.status in (429, 503):
            header = response.headers.get("Retry-After")
            wait = retry_after_seconds(header.decode("latin-1") if header else None)
        result = super().process_response(request, response)
        if wait and isinstance(result, Request):
            wait = min(wait, self.max_wait)
            self._hold_slot(request, wait)
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value("newsbot/retry_after/waits")
            await asyncio.sleep(wait)
        return result

    def _hold_slot(self, request: Request, wait: float) -> None:
        """Keep the server's download slot quiet for ``wait`` seconds (best effort: Scrapy's
        slots are internal; without them only the retried request waits)."""
        try:
            engine = self.crawler.engine
            if engine is None:
                return
            downloader = engine.downloader
            key = downloader.get_slot_key(request)
            slot = downloader.slots.get(key)
            if slot is not None:
                slot.lastseen = max(slot.lastseen, time.time() + wait - slot.delay)
        except AttributeError:
            pass


class DeferredDecodingMiddleware:
    """Leaves a gzipped article page gzipped, for its extraction worker to decode.

    Sees each response just before Scrapy's HttpCompressionMiddleware (590) does. Only in
    crawls that extract in worker processes, and only for 200 answers to article requests; the
    capture then carries ``content_encoding`` and the decoding limit (``DOWNLOAD_MAXSIZE``),
    see :mod:`newsbot.coding`. Everything else is decoded by Scrapy as usual.
    ``NEWSBOT_DECODE_IN_WORKERS = False`` turns it off.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeferredDecodingMiddleware:
        from newsbot.pipelines import ExtractPipeline  # (which imports this module)

        settings = crawler.settings
        # (Without a message: Scrapy would log a warning for what is simply not needed.)
        if not settings.getbool("NEWSBOT_DECODE_IN_WORKERS", True):
            raise NotConfigured
        if not ExtractPipeline.in_workers(settings):
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if (
            response.status != 200
            or request.method == "HEAD"
            or request.meta.get("newsbot_kind") != "article"
            or [v.strip().lower() for v in response.headers.getlist("Content-Encoding")]
            not in ([b"gzip"], [b"x-gzip"])
        ):
            return response
        request.meta[CODING_META] = "gzip"
        request.meta[MAX_SIZE_META] = request.meta.get("download_maxsize", self.max_size)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newsbot/decode/deferred")
        headers = response.headers.copy()
        del headers["Content-Encoding"]
        # A plain Response: gzip bytes are no text, and nothing should read them as such.
        return response.replace(cls=Response, headers=headers)


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiting request checked.

    Scrapy 2.19 makes all requests that arrive while a host's robots.txt is being fetched await
    the same Deferred; awaiting a Deferred consumes its result (Twisted's ``asFuture``), so only
    the first of them gets the parser and the others are let through unchecked. Each waiter
    here gets a Deferred of its own.
    """

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            host = urlparse_cached(request).netloc
            raise RobotsBlocked(f"forbidden by the robots.txt of {host}") from None

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[RobotParser | None] = Deferred()

        def share(parser: RobotParser | None) -> RobotParser | None:
            mine.callback(parser)
            return parser  # and leave it for the next waiter

        pending.addCallback(share)
        return await maybe_deferred_to_future(mine)


class HttpCompressionMiddleware(ScrapyHttpCompressionMiddleware):
    """Scrapy's decompression, with a body that inflates past ``DOWNLOAD_MAXSIZE`` (a
    compression bomb) refused as :class:`BodyTooLarge`, so the crawl records it as a failure
    rather than dropping it silently. A listing served as a gzip file (``sitemap.xml.gz``, no
    content coding: the spider inflates it) is measured here too, so that a bomb of that kind
    is a recorded failure as well, not a listing the spider only logs as unreadable."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except BodyTooLarge:
            raise
        except IgnoreRequest as exc:
            raise BodyTooLarge(str(exc)) from None
        if (
            isinstance(result, Response)
            and request.meta.get("newsbot_kind") in LISTING_KINDS
            and result.body[:2] == b"\x1f\x8b"
        ):
            max_size = request.meta.get("download_maxsize", self._max_size)
            if max_size and gunzipped_size_over(result.body, max_size):
                # (Said after "larger than DOWNLOAD_MAXSIZE (…):" in the error row.)
                raise BodyTooLarge(f"{result.url} is a gzip file that inflates past it")
        return result
