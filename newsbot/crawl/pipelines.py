"""Item pipelines, in order: extract → related links → archive.

Spiders only fetch; these turn each capture into an article and its links and keep all of it.
Offline re-extraction runs the same extraction function over captures read from the archive.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.settings import Settings
from scrapy.spiders import Spider
from scrapy.utils.conf import build_component_list
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy.utils.reactor import is_reactor_installed

from newsbot import coding
from newsbot.archive import Archive, ArchiveError, CrawlLock, StorageError, crawl_lock
from newsbot.archive.dictionaries import MIN_BODIES, current_ids_at
from newsbot.extract.article import Extraction
from newsbot.items import Article, Capture, NotArticle
from newsbot.middlewares import FrontierMiddleware
from newsbot.pool import ExtractionPool, WorkerError
from newsbot.recrawl import next_due, parse_schedule
from newsbot.spiders.loader import apply_profile_setting
from newsbot.spiders.outcomes import Refusal
from newsbot.worker import TIMEOUT_REASON, Done, extract_capture, is_html

logger = logging.getLogger(__name__)

#: Settings (and their stats) that describe a run; recorded with it in the archive.
RUN_SETTINGS = (
    "BOT_NAME",
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_MAXSIZE",
    "NEWSBOT_ARCHIVE",
    "NEWSBOT_EXTRACT_WORKERS",
)


class ExtractPipeline:
    """Extracts the article of every fetched article page, off the reactor thread.

    ``NEWSBOT_EXTRACT_WORKERS``: size of the process pool (0 = one per core; -1 = extract in the
    crawler process itself, for debugging). Extraction is CPU-bound Python, so threads would not
    help. ``NEWSBOT_EXTRACT_TIMEOUT``: seconds one page may take in a worker (0 = no limit).
    Captures that are not article pages pass through untouched; a page no worker could extract
    (its worker died) is kept as a capture with the reason. ``NEWSBOT_PROFILES``: the folders
    of a user's site profiles, read here and in the workers alike. The workers compress each
    body with its site's dictionary in ``NEWSBOT_ARCHIVE``, when the site has one.
    """

    def __init__(
        self,
        crawler: Crawler,
        workers: int,
        timeout: float,
        profile_dirs: Sequence[Path] = (),
        archive: str | None = None,
    ) -> None:
        self.crawler = crawler
        self.workers = workers
        self.timeout = timeout
        self.profile_dirs = tuple(profile_dirs)
        self.archive = archive
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        workers = crawler.settings.getint("NEWSBOT_EXTRACT_WORKERS", 0)
        timeout = crawler.settings.getfloat("NEWSBOT_EXTRACT_TIMEOUT", 20.0)
        dirs = apply_profile_setting(crawler.settings)
        archive = crawler.settings.get("NEWSBOT_ARCHIVE", "archive/newsbot.db")
        count = (os.cpu_count() or 1) if workers == 0 else workers
        return cls(crawler, count, timeout, dirs, archive)

    def _pool(self) -> ExtractionPool:
        if self.pool is None:
            # The sites' dictionaries as the crawl starts (one made at its end serves the next).
            ids = current_ids_at(self.archive) if self.archive else {}
            self.pool = ExtractionPool(
                self.workers,
                profile_dirs=self.profile_dirs,
                dictionaries=(str(self.archive), ids) if ids else None,
            )
        return self.pool

    def open_spider(self) -> None:
        # The workers start importing while the spider reads robots.txt and the listings, so
        # they are ready when the first article page arrives (killed at close if none did).
        if self.workers > 0:
            self._pool().start()
            # A forced stop (a second Ctrl-C) never reaches close_spider: no worker outlives
            # the crawler all the same.
            at_forced_stop(self._kill_workers)

    def _kill_workers(self) -> None:
        if self.pool is not None:
            self.pool.kill()

    async def close_spider(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Capture) or item.kind != "article" or item.status not in (200, 304):
            return item
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
                coding.failed(item, done.error)
                stats.inc_value("newsbot/extract/bad_body")
                return item
            item.stored_body, extraction = done.stored, done.extraction
        elif not coding.decode(item):
            stats.inc_value("newsbot/extract/bad_body")
            return item
        elif coding.is_revisit(item):
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
            return item
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
        return item

    @staticmethod
    def in_workers(settings: Settings) -> bool:
        """Whether a crawl with these settings extracts in worker processes."""
        enabled = build_component_list(
            settings.get_component_priority_dict_with_base("ITEM_PIPELINES")
        )
        return settings.getint("NEWSBOT_EXTRACT_WORKERS", 0) >= 0 and any(
            isinstance(cls, type) and issubclass(cls, ExtractPipeline)
            for cls in map(load_object, enabled)
        )


class RelatedLinksPipeline:
    """Applies the crawl's link policy to each article's links and counts them per kind.

    ``NEWSBOT_LINK_KINDS``: which kinds of links to keep (default: all four).
    ``NEWSBOT_FOLLOW_RELATED_DEPTH``: how many related links deep to follow from listed
    articles (default 0: only what the site lists). Only articles of the crawled editions are
    fetched; off-site targets are recorded, never fetched.
    """

    FOLLOWED = ("related", "inline-related")

    def __init__(self, crawler: Crawler, kinds: set[str], depth: int) -> None:
        self.crawler = crawler
        self.kinds = kinds
        self.depth = depth

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RelatedLinksPipeline:
        kinds = crawler.settings.getlist(
            "NEWSBOT_LINK_KINDS", ["related", "inline-related", "translation", "inline"]
        )
        return cls(crawler, set(kinds), crawler.settings.getint("NEWSBOT_FOLLOW_RELATED_DEPTH", 0))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Capture) or item.article is None:
            return item
        stats = self.crawler.stats
        assert stats is not None
        links = [link for link in item.article.links if link.kind in self.kinds]
        for kind, count in Counter(link.kind for link in links).items():
            stats.inc_value(f"newsbot/links/{kind}", count)
        if len(links) != len(item.article.links):
            item.article = replace(item.article, links=links)
        depth = item.crawl_meta.get("newsbot_depth", 0)
        if depth < self.depth:
            self.follow(item.article, depth + 1)
        return item

    def follow(self, article: Article, depth: int) -> None:
        """Schedule the article's related targets that are articles of the crawled site."""
        spider, engine, stats = self.crawler.spider, self.crawler.engine, self.crawler.stats
        if spider is None or engine is None or stats is None:
            return
        make = getattr(spider, "article_request", None)
        requests = []
        for link in article.links:
            if link.kind not in self.FOLLOWED:
                continue
            request = make(link.url, found_in="related", depth=depth) if make else None
            if request is None:
                stats.inc_value("newsbot/links/not_followed")
            else:
                requests.append(request)
        # Through the frontier like everything discovered: recorded first, fetched when due.
        gate = self.crawler.get_spider_middleware(FrontierMiddleware)
        for request in gate.gate(requests) if gate else requests:
            stats.inc_value("newsbot/links/followed")
            engine.crawl(request)


class ArchivePipeline:
    """Keeps every capture, article and link in the SQLite archive (``NEWSBOT_ARCHIVE``).

    Each item is one transaction: the capture, its body (stored once per sha256), the article
    and its links, its frontier row and any error rows land together or not at all. The crawl
    holds the archive's crawl lock (a second crawl closes at once with ``archive_locked``); the
    run is recorded when the spider opens and finished, with its counts and Scrapy's stats,
    when it closes. ``NEWSBOT_RECRAWL_SCHEDULE`` ("1h,1d,7d") fetches young articles again.
    ``NEWSBOT_DICTIONARY_AFTER`` (default 10; 0: never): when the crawl ends, a site with at
    least that many stored bodies and no body dictionary gets one, so that the next crawls
    store its pages several times smaller (``newsbot compress`` rewrites the older ones).

    A write the disk refuses (:class:`~newsbot.archive.StorageError`: full, failing) stops
    the crawl, and no page or error row is saved after it: the run is recorded as
    ``failed`` with the reason (``newsbot/run/failure`` in its stats) and counts of what was
    not saved (``not_saved:pages``, ``not_saved:discovered_urls``, ``not_saved:error_rows``).
    Nothing of a page that was not saved is kept, its frontier row included, so it is due
    again for the next crawl.
    """

    #: The close reason (Scrapy's ``finish_reason``) of a crawl stopped by a storage fault.
    UNWRITABLE = "archive_unwritable"

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.archive: Archive | None = None
        self.lock: CrawlLock | None = None
        self.run_id: int | None = None
        self.counts: Counter[str] = Counter()
        self.refused: set[tuple[str, str]] = set()  # (url, kind) recorded in this run
        self.failure: str | None = None  # the first write the disk refused, in a line
        self.finished = False
        self.schedule = parse_schedule(crawler.settings.get("NEWSBOT_RECRAWL_SCHEDULE") or "")
        self.dictionary_after = crawler.settings.getint("NEWSBOT_DICTIONARY_AFTER", MIN_BODIES)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler, crawler.settings.get("NEWSBOT_ARCHIVE", "archive/newsbot.db"))

    def open_spider(self) -> Coroutine[Any, Any, None] | None:
        """Take the lock, open the archive and start the run; when that fails, return a
        coroutine that raises CloseSpider (``archive_locked``, ``archive_unwritable``)."""
        spider = self.crawler.spider
        assert spider is not None
        try:
            self.lock = crawl_lock(self.path)
        except ArchiveError as exc:
            logger.error("%s", exc)
            return _close_spider("archive_locked")
        try:
            # Checkpoints off the event loop: fetching and the workers never wait for an fsync.
            self.archive = Archive.open(self.path, background_checkpoints=True)
            self.archive.max_failures = self.crawler.settings.getint("NEWSBOT_MAX_FAILURES", 3)
            settings = {name: self.crawler.settings.get(name) for name in RUN_SETTINGS}
            settings["roots"] = getattr(spider, "roots", {})
            # A run whose end could not be written (disk full, killed) ended before this one.
            self.archive.end_unfinished_runs(spider.name)
            self.run_id = self.archive.start_run(
                spider=spider.name, site=getattr(spider, "site", spider.name), settings=settings
            )
        except ArchiveError as exc:
            # Not a run the archive knows of: the summary and the exit code say why.
            logger.error("%s", exc)
            self.failure = failure_reason(exc, self.path)
            self._record_failure()
            stats = self.crawler.stats
            assert stats is not None
            stats.set_value("newsbot/run/unrecorded", str(exc))
            self._finish_run("failed", None)
            return _close_spider(self.UNWRITABLE)
        at_forced_stop(self.forced_stop)
        return None

    def record_refusal(self, refusal: Refusal) -> None:
        """An error row for a URL the crawl did not fetch; for a robots.txt block only the
        first time (the frontier then holds it as ``blocked``, no longer due); anything else
        once a run."""
        if self.archive is None or (refusal.url, refusal.kind) in self.refused:
            return
        self.refused.add((refusal.url, refusal.kind))
        if self.failure is not None:
            self.counts["not_saved:error_rows"] += 1
            return
        try:
            if refusal.block:
                error = (self.run_id, refusal.kind, refusal.message)
                if not self.archive.block(
                    refusal.url, refusal.site, refusal.page_kind, error=error
                ):
                    return
            else:
                self.archive.record_error(
                    run_id=self.run_id,
                    url=refusal.url,
                    stage="fetch",
                    kind=refusal.kind,
                    message=refusal.message,
                )
        except StorageError as exc:
            self.not_saved(exc, "error_rows")
            return
        except ArchiveError as exc:
            logger.error("%s", exc)
            return
        self.counts["errors"] += 1
        self.counts[f"errors:{refusal.kind}"] += 1

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Refusal):
            self.record_refusal(item)
            return item
        if not isinstance(item, Capture) or self.archive is None:
            return item
        if self.failure is not None:
            # Nothing more is written once the disk refused a write (a related link this
            # page made due may not have been recorded): it comes back whole next time.
            self.counts["not_saved:pages"] += 1
            raise DropItem(f"not saved ({self.failure})", log_level="INFO")
        stats = self.crawler.stats
        assert stats is not None
        if item.content_encoding and item.stored_body is None:
            coding.decode(item)  # left for a worker that never saw it: decoded here
        errors = capture_errors(item)
        try:
            saved = self.archive.save_capture(
                item,
                run_id=self.run_id,
                article=item.article,
                errors=errors,
                next_due_at=self._next_due(item),
            )
        except StorageError as exc:
            # Never saved without its article instead: the page stays due, to come back whole.
            self.not_saved(exc, "pages")
            raise DropItem(str(exc), log_level="INFO") from None
        except ArchiveError as exc:
            logger.error("%s", exc)
            stats.inc_value("newsbot/archive/refused")
            if item.article is None:
                raise DropItem(str(exc)) from None
            # Keep the page even when its article is refused: the capture is what matters.
            item.not_article, item.article = f"archive refused the article: {exc}", None
            return self.process_item(item)
        item.capture_id = saved.capture_id
        self._count(item, saved.body_stored, saved.revisit, saved.article, errors)
        if saved.article:
            stats.inc_value(f"newsbot/archive/articles_{saved.article}")
        return item

    def not_saved(self, exc: ArchiveError, what: str, count: int = 1) -> None:
        """``count`` of ``what`` (``pages``, ``discovered_urls``, ``error_rows``) were not
        saved because of ``exc``; the first write the disk refuses stops the crawl."""
        self.counts[f"not_saved:{what}"] += count
        if not isinstance(exc, StorageError):
            logger.error("%s", exc)
            return
        if self.failure is not None:
            logger.info("not saved either: %s", exc)
            return
        self.failure = failure_reason(exc, self.path)
        logger.error(
            "%s: the crawl stops; what it could not save is due again for the next crawl", exc
        )
        self._record_failure()
        engine = self.crawler.engine
        if engine is not None and not self.finished:
            # The pages in flight still come through here (and are counted) before it closes.
            deferred_from_coro(engine.close_spider_async(reason=self.UNWRITABLE))

    def _record_failure(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("newsbot/run/status", "failed")
        stats.set_value("newsbot/run/failure", self.failure)

    def _next_due(self, item: Capture) -> str | None:
        if not self.schedule or item.kind != "article" or item.status not in (200, 304):
            return None
        published = item.article.published_at if item.article else None
        return next_due(published, item.fetched_at, self.schedule)

    def _count(
        self,
        item: Capture,
        body_stored: bool,
        revisit: bool,
        article: str | None,
        errors: list[tuple[str, str, str]],
    ) -> None:
        counts = self.counts
        # Fetched: the server answered. A connection that failed is an error, not a fetch.
        counts["fetched" if item.status else "connection_failed"] += 1
        counts["bodies_stored" if body_stored else "bodies_not_stored"] += 1
        if revisit:
            counts["not_modified"] += 1
        if 200 <= item.status < 300 or item.status == 304:
            counts["answered"] += 1
        if article:
            counts[f"articles_{article}"] += 1
        if item.live_blog:
            counts["live_blogs"] += 1
        for _, kind, _ in errors:
            counts["errors"] += 1
            counts[f"errors:{kind}"] += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        # "shutdown": Scrapy's word for a stop asked by a signal (Ctrl-C, SIGTERM).
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, reason)
        tried = self.counts["fetched"] + self.counts["connection_failed"]
        if status == "finished" and tried and not self.counts["answered"]:
            status = "unreachable"  # not one answer from the site: nothing was crawled
        # (No body dictionary after a storage fault: it would not fit either.)
        site = None if self.failure else getattr(spider, "site", spider.name)
        self._finish_run(status, site)

    def forced_stop(self) -> None:
        """The event loop stops before the spider closed (a second Ctrl-C or SIGTERM): the
        run is recorded as ``interrupted`` with what it saved, the lock released."""
        if self.archive is not None:
            logger.warning("crawl stopped at once: the run is recorded as interrupted")
        self._finish_run("interrupted", None)

    def _finish_run(self, status: str, site: str | None) -> None:
        """Record the run's end (once) and close the archive; ``site``: give it a body
        dictionary if it has none (None: not now, the crawl is being stopped). A storage
        fault makes the run ``failed``. When even its end cannot be written, the run stays
        ``running`` in the archive and the crawl's stats say so instead
        (``newsbot/run/unrecorded``: why; ``newsbot/run/counts``: what it counted)."""
        self.finished = True
        try:
            if self.archive is None:
                return
            stats = self.crawler.stats
            assert stats is not None
            if self.failure is not None:
                status = "failed"
            stats.set_value("newsbot/run/status", status)
            if self.run_id is not None:
                self.counts["discovered"] = stats.get_value("newsbot/frontier/discovered", 0)
                self.counts["not_due"] = stats.get_value("newsbot/frontier/not_due", 0)
                try:
                    self.archive.finish_run(
                        self.run_id,
                        status=status,
                        stats=stats.get_stats(),
                        counts=dict(self.counts),
                    )
                except ArchiveError as exc:
                    logger.error("%s: the run stays 'running' in the archive", exc)
                    self.failure = self.failure or failure_reason(exc, self.path)
                    self._record_failure()
                    stats.set_value("newsbot/run/unrecorded", str(exc))
                    stats.set_value("newsbot/run/counts", dict(self.counts))
                    site = None
            if site is not None:
                self._train_dictionary(site)
            self.archive.close()
            self.archive = None
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def _train_dictionary(self, site: str) -> None:
        """A body dictionary for ``site`` if it has enough bodies and none yet."""
        if self.archive is None or self.dictionary_after <= 0:
            return
        try:
            if site in self.archive.dictionary_ids():
                return
            made = self.archive.train_dictionary(site, min_bodies=self.dictionary_after)
        except StorageError as exc:  # every page is saved: only the dictionary waits
            logger.warning("no body dictionary for %s yet (%s): a later crawl makes it", site, exc)
            return
        except ArchiveError as exc:  # the crawl is kept all the same
            logger.error("%s", exc)
            return
        if made is not None:
            logger.info(
                "body dictionary %d for %s: %d pages, %d bytes", made.id, site, made.samples,
                made.size,
            )  # fmt: skip


async def _close_spider(reason: str) -> None:
    # Raised from open_spider itself, CloseSpider would leave the awaitables Scrapy made of the
    # other pipelines' open_spider never awaited (and Python warning so on stderr).
    raise CloseSpider(reason)


def failure_reason(exc: ArchiveError, path: str) -> str:
    """Why a crawl failed, in a line: ``cannot write archive/x.db: database or disk is full``
    (the page the disk refused is left out: any page would have been)."""
    cause = exc.__cause__
    if isinstance(exc, StorageError) and cause is not None:
        return f"cannot write {path}: {cause}"
    return str(exc)


def not_recorded(crawler: Crawler, exc: ArchiveError, what: str, count: int) -> None:
    """Tell the crawl's archive pipeline that ``count`` of ``what`` could not be saved (see
    :meth:`ArchivePipeline.not_saved`); logged when there is none."""
    pipeline = crawler.get_item_pipeline(ArchivePipeline)
    if pipeline is None:
        logger.error("%s", exc)
    else:
        pipeline.not_saved(exc, what, count)


def at_forced_stop(callback: Callable[[], None]) -> None:
    """Call ``callback`` when the reactor stops, also when it is stopped before the spider
    closed (which then never closes: Scrapy's second Ctrl-C stops the reactor at once). It
    must do nothing once the spider closed normally."""
    from twisted.internet import reactor

    if is_reactor_installed():
        # (Any: without the zope plugin mypy reads the interface's methods as unbound.)
        core: Any = reactor
        core.addSystemEventTrigger("before", "shutdown", callback)


def http_error_message(capture: Capture) -> str:
    """What an error status said: ``HTTP 429 Too Many Requests for URL``, then the Retry-After
    the server sent and how many times the URL was asked for, when it was retried."""
    try:
        phrase = f" {HTTPStatus(capture.status).phrase}"
    except ValueError:
        phrase = ""
    said = []
    if (retry_after := capture.header("Retry-After")) is not None:
        shown = " ".join(retry_after.split()) or "(empty)"
        said.append(f"Retry-After: {shown if len(shown) <= 60 else shown[:59] + '…'}")
    retries = capture.crawl_meta.get("retry_times")
    if isinstance(retries, int) and retries > 0:
        said.append(f"{retries + 1} tries")
    details = f" ({'; '.join(said)})" if said else ""
    return f"HTTP {capture.status}{phrase} for {capture.url}{details}"


def capture_errors(capture: Capture) -> list[tuple[str, str, str]]:
    """The error rows a capture deserves: (stage, kind, message)."""
    errors = []
    if capture.error:
        kind = capture.error.split(":", 1)[0].strip() or "fetch_error"
        errors.append(("fetch", kind, capture.error))
    elif capture.status >= 400:
        errors.append(("fetch", f"http_{capture.status}", http_error_message(capture)))
    if capture.not_article and capture.kind == "article" and not capture.live_blog:
        # (A live blog its profile does not extract is what it is, not a failure.)
        reason = capture.not_article
        kind = "not_article"
        if reason.startswith(TIMEOUT_REASON):
            kind = "extract_timeout"
        elif reason.startswith("extraction failed"):
            kind = "extract_error"
        errors.append(("extract", kind, reason))
    return errors
