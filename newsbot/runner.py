"""Running a crawl from Python: settings from newsbot.settings plus overrides, checked inputs.

Bad inputs (unknown site or edition, a broken profile, unusable archive, malformed base URL)
raise :class:`CrawlSetupError` before Scrapy starts, so the command line can say so in one line.
A site is any profile, bundled or in a folder of ``NEWSBOT_PROFILES`` (the setting, else the
environment variable).
"""

from __future__ import annotations

import shlex
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsbot import settings as default_settings
from newsbot.archive import Archive, ArchiveError, StorageError, crawl_lock, utc_now
from newsbot.items import Capture
from newsbot.sites import ProfileError, load_profile
from newsbot.spiders.loader import apply_profile_setting
from newsbot.spiders.local import LOCAL_SETTINGS as LOCAL_SETTINGS  # for benches and tests

if TYPE_CHECKING:
    from newsbot.archive import ArchiveStats, SearchResult
    from newsbot.demo import DemoServer

#: ``progress(total, done)`` starts a progress display and returns its ``advance(n)``.
Progress = Callable[[int | None, int], Callable[[int], None]]


class CrawlSetupError(ValueError):
    """The crawl cannot start; the message is one line for the user."""

    #: Exit code for the command line: 2 for bad input, 1 for a crawl that cannot run now.
    exit_code = 2


class ArchiveBusyError(CrawlSetupError):
    """Another crawl holds the archive's crawl lock."""

    exit_code = 1


class RedisUnreachableError(CrawlSetupError):
    """A distributed crawl's Redis does not answer (or its package is not installed)."""

    exit_code = 1


class ArchiveUnwritableError(CrawlSetupError):
    """The disk refused to write the archive (full, failing): not the user's input."""

    exit_code = 1


@dataclass(frozen=True)
class CrawlOutcome:
    finish_reason: str
    seconds: float
    stats: dict[str, Any]
    #: The spider's name (its runs' ``spider``) and when it started (UTC, to the second).
    spider: str = ""
    started_at: str = ""
    #: The signal that stopped the crawl (SIGINT for Ctrl-C, SIGTERM), if one did.
    stopped_by: int | None = None

    @property
    def status(self) -> str:
        """The run's status as recorded in the archive: finished, unreachable, archive_locked …"""
        return str(self.stats.get("newsbot/run/status", self.finish_reason))

    @property
    def ok(self) -> bool:
        """True when the run completed: the crawl finished and the site answered."""
        return self.finish_reason == "finished" and self.status == "finished"

    @property
    def exit_code(self) -> int:
        """The command line's exit code: 0 when the run completed; 128 + the signal's number
        when a signal stopped it (130 for Ctrl-C, 143 for SIGTERM, as a shell reports a
        command the signal killed), whether it finished its pages in flight or not; else 1."""
        if self.ok:
            return 0
        if self.stopped_by is not None:
            return 128 + self.stopped_by
        return 1


class _CrawlerProcess(CrawlerProcess):
    """Scrapy's CrawlerProcess (a first signal stops gracefully, a second at once) that
    remembers the first signal it was sent."""

    stopped_by: int | None = None

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.stopped_by = signum
        super()._signal_shutdown(signum, frame)


def build_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """newsbot's settings module, then ``overrides`` (command-line priority)."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(dict(overrides or {}), priority="cmdline")
    return settings


def _web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_crawl(
    site: str,
    *,
    archive: str,
    editions: Sequence[str],
    base_url: str | None,
    urls: Sequence[str] = (),
) -> dict[str, str]:
    """The root URL of each edition to crawl; raises CrawlSetupError unless the site, its
    profile, editions, URLs and archive are all usable."""
    try:
        profile = load_profile(site)
        if base_url is not None and not _web_url(base_url):
            raise CrawlSetupError(f"--base-url must be an http(s) URL, not {base_url!r}")
        for url in urls:
            if not _web_url(url):
                raise CrawlSetupError(f"--url must be an http(s) URL, not {url!r}")
        if profile.editions:
            roots = profile.edition_roots(editions, base_url)
        elif base_url:
            roots = {"site": base_url.rstrip("/")}
        else:
            raise CrawlSetupError(f"site {site!r} has no editions of its own: give --base-url")
        refuse_damaged(archive)
        with Archive.open(archive):
            pass
    except StorageError as exc:
        raise ArchiveUnwritableError(str(exc)) from None
    except (ProfileError, ArchiveError) as exc:
        raise CrawlSetupError(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise CrawlSetupError(f"cannot write archive at {archive}: {exc}") from None
    try:
        # Fail fast with one line; the crawl itself takes the lock for its whole run.
        crawl_lock(archive).release()
    except ArchiveError as exc:
        raise ArchiveBusyError(str(exc)) from None
    return roots


def refuse_damaged(archive: str) -> None:
    """Raise :class:`CrawlSetupError` when the archive at ``archive`` fails SQLite's
    ``quick_check``: a crawl never writes into a damaged file (about 1 s on a warm 1.2 GB
    archive of 20,000 articles, 12 s when none of it is in the page cache)."""
    from newsbot.archive.check import quick_check_at

    problems = quick_check_at(archive)
    if problems:
        raise CrawlSetupError(
            f"archive at {archive} is damaged ({problems[0]}); crawl not started"
            f" — run `newsbot check --archive {shlex.quote(archive)}` to see what"
        )


def run_crawl(
    site: str,
    *,
    archive: str,
    editions: Sequence[str] = (),
    base_url: str | None = None,
    urls: Sequence[str] = (),
    settings: Mapping[str, Any] | Settings | None = None,
    progress: Progress | None = None,
) -> CrawlOutcome:
    """Crawl ``site`` into ``archive`` in this process (starts and stops the reactor: once per
    process, as always with Scrapy). ``settings``: overrides of newsbot's settings, or whole
    Scrapy settings to start from (a ``scrapy`` command's: project, ``-s``). ``progress(None,
    0)`` is called once the spider has opened (and Scrapy set up its logging), its
    ``advance(1)`` with each page archived."""
    if isinstance(settings, Settings):
        merged = settings.copy()
        merged.set("NEWSBOT_ARCHIVE", archive, priority="cmdline")
    else:
        merged = build_settings({**(settings or {}), "NEWSBOT_ARCHIVE": archive})
    try:
        apply_profile_setting(merged)
    except ProfileError as exc:
        raise CrawlSetupError(str(exc)) from None
    check_crawl(site, archive=archive, editions=editions, base_url=base_url, urls=urls)
    if merged.get("NEWSBOT_REDIS_URL"):
        _coordinate(merged, site, editions, base_url, urls)
    process = _CrawlerProcess(merged)
    crawler = process.create_crawler(site)
    if progress is not None:
        _report_progress(crawler.signals, progress)
    started, started_at = time.monotonic(), utc_now()
    process.crawl(crawler, editions=",".join(editions), base_url=base_url or "", urls=list(urls))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlOutcome(
        finish_reason=str(stats.get("finish_reason", "failed")),
        seconds=time.monotonic() - started,
        stats=stats,
        spider=str(crawler.spidercls.name),
        started_at=started_at,
        stopped_by=process.stopped_by,
    )


def _coordinate(
    settings: Settings,
    site: str,
    editions: Sequence[str],
    base_url: str | None,
    urls: Sequence[str],
) -> None:
    """Make ``settings`` those of the coordinator of a distributed crawl (``NEWSBOT_REDIS_URL``:
    :mod:`newsbot.distributed`, imported only then)."""
    try:
        from newsbot.distributed.settings import RedisSetupError, coordinator_settings
    except ImportError as exc:
        raise RedisUnreachableError(
            f"a crawl with Redis needs the redis extra (pip install 'newsbot[redis]'): {exc}"
        ) from None
    url = str(settings.get("NEWSBOT_REDIS_URL"))
    try:
        coordinator_settings(
            settings, url, site=site, editions=editions, base_url=base_url, urls=urls
        )
    except RedisSetupError as exc:
        raise RedisUnreachableError(str(exc)) from None


def _report_progress(manager: Any, progress: Progress) -> None:
    advance: list[Callable[[int], None]] = []

    def opened() -> None:
        advance.append(progress(None, 0))

    def archived(item: Any) -> None:
        # Pages archived, not the refusals (robots.txt, refused redirects) the crawl records.
        if advance and isinstance(item, Capture):
            advance[0](1)

    # weak=False: the signal manager would drop these closures at once otherwise.
    manager.connect(opened, signal=signals.spider_opened, weak=False)
    manager.connect(archived, signal=signals.item_scraped, weak=False)


def crawl_report(archive: str | Path, outcome: CrawlOutcome) -> dict[str, Any]:
    """What a crawl did, as ``newsbot crawl --json`` prints it and its one line says
    (:func:`newsbot.report.crawl_document`): its run in ``archive`` (none when the crawl never
    started one, e.g. the archive was locked) and how many articles the archive holds."""
    from newsbot.report import crawl_document

    run: dict[str, Any] = {}
    articles: int | None = None
    try:
        with Archive.open(archive, readonly=True) as db:
            run = next(
                (
                    r
                    for r in db.crawl_runs.all()
                    if r["spider"] == outcome.spider and r["started_at"] >= outcome.started_at
                ),
                {},
            )
            articles = db.stats().articles
    except (ArchiveError, sqlite3.Error):
        pass  # the crawl's own stats still say what it did (an archive that could not be made)
    stats = outcome.stats
    unrecorded = "newsbot/run/unrecorded" in stats
    if unrecorded:
        # The archive's row still says 'running': what the crawl counted is in its stats.
        run = {**run, "status": outcome.status, "counts": stats.get("newsbot/run/counts", {})}
    return crawl_document(
        run,
        status=outcome.status,
        ok=outcome.ok,
        seconds=outcome.seconds,
        articles=articles,
        archive=str(archive),
        failure=stats.get("newsbot/run/failure"),
        recorded=not unrecorded,
    )


@dataclass(frozen=True)
class DemoSummary:
    """What ``newsbot demo`` did: the crawl (:func:`crawl_report`), what the archive holds,
    and a sample search."""

    base_url: str
    archive: str
    crawl: dict[str, Any]
    stats: ArchiveStats
    search: SearchResult

    @property
    def ok(self) -> bool:
        return bool(self.crawl["ok"])

    @property
    def text(self) -> str:
        from newsbot.report import format_hits, format_stats

        crawl = self.crawl
        return "\n".join(
            [
                f"demo crawl of {self.base_url}/ {crawl['status']} in {crawl['seconds']:.1f} s",
                format_stats(self.archive, self.stats),
                format_hits(
                    self.search.query,
                    self.search,
                    more=f"newsbot search {shlex.quote(self.search.query)}"
                    f" --archive {shlex.quote(self.archive)} --limit {self.search.total}",
                ),
            ]
        )

    def document(self) -> dict[str, Any]:
        """``newsbot demo --json``: ``base_url``, ``crawl`` (as ``crawl --json``), ``stats``
        (as ``stats --json``) and ``search`` (as ``search --json``)."""
        from newsbot.report import search_document, stats_document

        return {
            "base_url": self.base_url,
            "crawl": self.crawl,
            "stats": stats_document(self.archive, self.stats),
            "search": search_document(self.search),
        }


#: A word every edition of the demo site uses, for the summary's sample search.
DEMO_QUERY = "Europe"
#: Where the demo site is served when free: the same URLs run after run, so that a second demo
#: crawl into the same archive is an incremental one, not a crawl of another site.
DEMO_PORT = 8765


def demo_server(port: int | None = None) -> DemoServer:
    """The demo site served on 127.0.0.1:``port``; ``None``: on :data:`DEMO_PORT` when it is
    free (so that the demo site keeps its URLs from run to run), else on any free port."""
    from newsbot.demo import DemoServer

    if port is None:
        try:
            return DemoServer(port=DEMO_PORT)
        except OSError:
            port = 0
    return DemoServer(port=port)


def run_demo(
    archive: str, *, port: int | None = None, progress: Progress | None = None
) -> DemoSummary:
    """Serve the demo site on 127.0.0.1, crawl every edition of it into ``archive``, stop the
    server, and summarise what the archive now holds. ``progress`` as :func:`run_crawl`."""
    with demo_server(port) as server:
        outcome = run_crawl(
            "euronews",
            archive=archive,
            editions=server.site.editions,
            base_url=server.base_url,
            settings={"LOG_LEVEL": "WARNING"},
            progress=progress,
        )
    crawl = crawl_report(archive, outcome)
    with Archive.open(archive, readonly=True) as db:
        stats = db.stats()
        found = db.search.page(DEMO_QUERY, limit=3)
    return DemoSummary(server.base_url, archive, crawl, stats, found)
