"""The archive's side of a crawl: one Scrapy extension opens the archive, holds its lock,
records the run and writes every item (:class:`ArchiveExtension`, the crawl's
:class:`~newsbot.crawl.sink.CrawlSink`).

Middlewares and pipelines reach it through :func:`newsbot.crawl.sink.sink_of`: the frontier
gate reads and records what is due in its archive, the last pipeline hands it each finished
item (:meth:`ArchiveExtension.save`), and refusals (robots.txt, refused redirects, over-long
URLs) become error rows through :meth:`ArchiveExtension.refuse`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.spiders import Spider
from scrapy.utils.defer import deferred_from_coro

from newsbot.archive import Archive, ArchiveError, CrawlLock, StorageError, crawl_lock
from newsbot.archive.dictionaries import MIN_BODIES, current_ids_at
from newsbot.content_coding import decode
from newsbot.crawl.error_rows import capture_errors
from newsbot.crawl.frontier import FETCH_COUNT_META
from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.reactor import at_forced_stop
from newsbot.crawl.sink import CrawlSink
from newsbot.items import Capture
from newsbot.recrawl import next_due, parse_schedule

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


class ArchiveExtension(CrawlSink):
    """Owns the crawl's SQLite archive (``NEWSBOT_ARCHIVE``): opens it when the spider opens,
    holds its crawl lock and records the run, writes every item handed to it, and records the
    run's end when the spider closes (or when the reactor stops first: ``interrupted``).

    Each item is one transaction: the capture, its body (stored once per sha256), the article
    and its links, its frontier row and any error rows land together or not at all. A second
    crawl of the same archive closes at once (``archive_locked``); the run's end is recorded
    with its counts and Scrapy's stats. ``NEWSBOT_RECRAWL_SCHEDULE`` ("1h,1d,7d") fetches
    young articles again. ``NEWSBOT_DICTIONARY_AFTER`` (default 10; 0: never): when the crawl
    ends, a site with at least that many stored bodies and no body dictionary gets one, so
    that the next crawls store its pages several times smaller (``newsbot compress`` rewrites
    the older ones).

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
        super().__init__()
        self.crawler = crawler
        self.path = path
        self.archive = None
        self.lock: CrawlLock | None = None
        self.run_id: int | None = None
        self.counts: Counter[str] = Counter()
        self.refused: set[tuple[str, str]] = set()  # (url, kind) recorded in this run
        self.failure: str | None = None  # the first write the disk refused, in a line
        self.finished = False
        self.schedule = parse_schedule(crawler.settings.get("NEWSBOT_RECRAWL_SCHEDULE") or "")
        self.dictionary_after = crawler.settings.getint("NEWSBOT_DICTIONARY_AFTER", MIN_BODIES)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        return cls(crawler, crawler.settings.get("NEWSBOT_ARCHIVE", "archive/newsbot.db"))

    def dictionaries(self) -> tuple[str, Mapping[str, int]] | None:
        # The sites' dictionaries as the crawl starts (one made at its end serves the next).
        ids = current_ids_at(self.path)
        return (str(self.path), ids) if ids else None

    def spider_opened(self, spider: Spider) -> None:
        """Take the lock, open the archive and start the run; raise CloseSpider
        (``archive_locked``, ``archive_unwritable``) when that fails."""
        try:
            self.lock = crawl_lock(self.path)
        except ArchiveError as exc:
            logger.error("%s", exc)
            raise CloseSpider("archive_locked") from None
        try:
            # Checkpoints off the event loop: fetching and the workers never wait for an fsync.
            self.archive = Archive.open(self.path, background_checkpoints=True)
            self.archive.frontier.max_failures = self.crawler.settings.getint(
                "NEWSBOT_MAX_FAILURES", 3
            )
            settings = {name: self.crawler.settings.get(name) for name in RUN_SETTINGS}
            settings["roots"] = getattr(spider, "roots", {})
            # A run whose end could not be written (disk full, killed) ended before this one.
            self.archive.crawl_runs.end_unfinished(spider.name)
            self.run_id = self.archive.crawl_runs.start(
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
            raise CloseSpider(self.UNWRITABLE) from None
        at_forced_stop(self.forced_stop)

    def refuse(self, refusal: Refusal) -> None:
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
                if not self.archive.frontier.block(
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

    def save(self, item: Capture) -> Capture:
        """Write the capture, its article, links, error rows and frontier update in one
        transaction; raise DropItem when it is not saved (after a storage fault: none is)."""
        if self.archive is None:
            return item
        if self.failure is not None:
            # Nothing more is written once the disk refused a write (a related link this
            # page made due may not have been recorded): it comes back whole next time.
            self.counts["not_saved:pages"] += 1
            raise DropItem(f"not saved ({self.failure})", log_level="INFO")
        stats = self.crawler.stats
        assert stats is not None
        if self._saved_since_queued(item):
            stats.inc_value("newsbot/archive/fetched_again")
            raise DropItem(f"{item.url} was saved since it was queued: not again", log_level="INFO")
        if item.content_encoding and item.stored_body is None:
            decode(item)  # left for a worker that never saw it: decoded here
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
            return self.save(item)
        item.capture_id = saved.capture_id
        self._count(item, saved.body_stored, saved.revisit, saved.article, errors)
        if saved.article:
            stats.inc_value(f"newsbot/archive/articles_{saved.article}")
        return item

    def _saved_since_queued(self, item: Capture) -> bool:
        """Whether the archive saved a fetch of ``item``'s URL after the frontier let the
        request through: a request fetched twice (in a distributed crawl, a lease that came back
        to the queue while the page it had given was being written) is archived once."""
        queued_at = item.crawl_meta.get(FETCH_COUNT_META)
        if self.archive is None or not isinstance(queued_at, int):
            return False
        try:
            now = self.archive.frontier.fetch_count(item.url)
        except ArchiveError:
            return False
        return now is not None and now > queued_at

    def not_saved(self, exc: Exception, what: str, count: int = 1) -> None:
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
                    self.archive.crawl_runs.finish(
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
            if site in self.archive.dictionaries.ids():
                return
            made = self.archive.dictionaries.train(site, min_bodies=self.dictionary_after)
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


def failure_reason(exc: ArchiveError, path: str) -> str:
    """Why a crawl failed, in a line: ``cannot write archive/x.db: database or disk is full``
    (the page the disk refused is left out: any page would have been)."""
    cause = exc.__cause__
    if isinstance(exc, StorageError) and cause is not None:
        return f"cannot write {path}: {cause}"
    return str(exc)
