"""Running a crawl from Python: settings from newsbot.settings plus overrides, checked inputs.

Bad inputs (unknown site or edition, a broken profile, unusable archive, malformed base URL)
raise :class:`CrawlSetupError` before Scrapy starts, so the command line can say so in one line.
A site is any profile, bundled or in a folder of ``NEWSBOT_PROFILES`` (the setting, else the
environment variable).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsbot import settings as default_settings
from newsbot.archive import Archive, ArchiveError, crawl_lock
from newsbot.sites import ProfileError, load_profile
from newsbot.spiders.loader import apply_profile_setting

if TYPE_CHECKING:
    from newsbot.demo import DemoServer

#: Settings for crawling a server on this machine: politeness delays are for real sites.
LOCAL_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    # Enough pages in flight that the extraction workers never wait for the event loop.
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    # Pages fetched but not yet archived, counted by the bytes Scrapy holds: article pages
    # wait for the workers still gzipped (~50 KB), so about sixty of them, enough to keep the
    # workers' queues full and few enough to fetch again after a crash.
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 3_000_000,
    "RETRY_TIMES": 1,
}
# (run_crawl applies these by itself when the base URL is on this machine.)


def is_loopback(url: str) -> bool:
    """True for URLs on this machine (127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CrawlSetupError(ValueError):
    """The crawl cannot start; the message is one line for the user."""

    #: Exit code for the command line: 2 for bad input, 1 for a crawl that cannot run now.
    exit_code = 2


class ArchiveBusyError(CrawlSetupError):
    """Another crawl holds the archive's crawl lock."""

    exit_code = 1


@dataclass(frozen=True)
class CrawlOutcome:
    finish_reason: str
    seconds: float
    stats: dict[str, Any]

    @property
    def status(self) -> str:
        """The run's status as recorded in the archive: finished, unreachable, archive_locked …"""
        return str(self.stats.get("newsbot/run/status", self.finish_reason))

    @property
    def ok(self) -> bool:
        """True when the run completed: the crawl finished and the site answered."""
        return self.finish_reason == "finished" and self.status == "finished"


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
        with Archive.open(archive):
            pass
    except (ProfileError, ArchiveError) as exc:
        raise CrawlSetupError(str(exc)) from None
    try:
        # Fail fast with one line; the crawl itself takes the lock for its whole run.
        crawl_lock(archive).release()
    except ArchiveError as exc:
        raise ArchiveBusyError(str(exc)) from None
    return roots


def run_crawl(
    site: str,
    *,
    archive: str,
    editions: Sequence[str] = (),
    base_url: str | None = None,
    urls: Sequence[str] = (),
    settings: Mapping[str, Any] | None = None,
) -> CrawlOutcome:
    """Crawl ``site`` into ``archive`` in this process (starts and stops the reactor: once per
    process, as always with Scrapy)."""
    merged = build_settings({**(settings or {}), "NEWSBOT_ARCHIVE": archive})
    try:
        apply_profile_setting(merged)
    except ProfileError as exc:
        raise CrawlSetupError(str(exc)) from None
    roots = check_crawl(site, archive=archive, editions=editions, base_url=base_url, urls=urls)
    if all(is_loopback(root) for root in roots.values()):
        # A site on this machine (a mirror, the demo site): no politeness delays. The caller's
        # own settings still win.
        merged.update(LOCAL_SETTINGS, priority="project")
    process = CrawlerProcess(merged)
    crawler = process.create_crawler(site)
    started = time.monotonic()
    process.crawl(crawler, editions=",".join(editions), base_url=base_url or "", urls=list(urls))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlOutcome(
        finish_reason=str(stats.get("finish_reason", "failed")),
        seconds=time.monotonic() - started,
        stats=stats,
    )


@dataclass(frozen=True)
class DemoSummary:
    ok: bool
    text: str


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


def run_demo(archive: str, *, port: int | None = None) -> DemoSummary:
    """Serve the demo site on 127.0.0.1, crawl every edition of it into ``archive``, stop the
    server, and summarise what the archive now holds."""
    from newsbot.report import format_hits, format_stats

    with demo_server(port) as server:
        outcome = run_crawl(
            "euronews",
            archive=archive,
            editions=server.site.editions,
            base_url=server.base_url,
            settings={"LOG_LEVEL": "WARNING"},
        )
    with Archive.open(archive, readonly=True) as db:
        stats = db.stats()
        hits = db.search(DEMO_QUERY, limit=3)
    text = "\n".join(
        [
            f"demo crawl of {server.base_url}/ {outcome.finish_reason} in {outcome.seconds:.1f} s",
            format_stats(archive, stats),
            format_hits(DEMO_QUERY, hits),
        ]
    )
    return DemoSummary(ok=outcome.ok, text=text)
