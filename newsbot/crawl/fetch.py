"""Downloader middlewares: what a fetch honours and refuses.

robots.txt checked for every request (:class:`RobotsTxtMiddleware`), Retry-After on 429 and 503
(:class:`RetryAfterMiddleware`), a listing's stored body brought back with a 304
(:class:`ConditionalRequestMiddleware`), compression bombs refused as recorded failures
(:class:`HttpCompressionMiddleware`), and gzipped article pages left gzipped for the extraction
workers (:class:`DeferredDecodingMiddleware`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from datetime import UTC

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

from newsbot.content_coding import CODING_META, MAX_SIZE_META, gunzipped_size_over
from newsbot.crawl.outcomes import BodyTooLarge, RobotsBlocked
from newsbot.crawl.sink import archive_of
from newsbot.crawl.workers import decode_in_workers

logger = logging.getLogger(__name__)

#: The kinds of page read for links (the spider's discovery documents).
LISTING_KINDS = ("sitemap", "feed", "section")


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
        archive = archive_of(self.crawler)
        if archive is not None:
            try:
                request.meta["newsbot_stored_body"] = archive.captures.body(sha)
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
    crawls whose workers decode (:func:`newsbot.crawl.workers.decode_in_workers`), and only for
    200 answers to article requests; the capture then carries ``content_encoding`` and the
    decoding limit (``DOWNLOAD_MAXSIZE``), see :mod:`newsbot.content_coding`. Everything else
    is decoded by Scrapy as usual.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeferredDecodingMiddleware:
        # (Without a message: Scrapy would log a warning for what is simply not needed.)
        if not decode_in_workers(crawler.settings):
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
