"""A site on this machine (a mirror, the demo site) is crawled without politeness delays.

:class:`~newsbot.spiders.site.SiteSpider` applies :data:`LOCAL_SETTINGS` itself when every root
it crawls is on a loopback address, so ``newsbot crawl``, ``scrapy crawl`` and scrapyd jobs
all do, whoever starts the crawler.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

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


def is_loopback(url: str) -> bool:
    """True for URLs on this machine (127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def apply_local_settings(settings: BaseSettings, roots: Iterable[str]) -> bool:
    """Give ``settings`` :data:`LOCAL_SETTINGS` (spider priority: a setting given on the
    command line, ``-s`` or ``--set``, still wins) when every root URL is on this machine.
    Returns whether it did."""
    urls = list(roots)
    if not urls or not all(is_loopback(url) for url in urls):
        return False
    settings.setdict(LOCAL_SETTINGS, priority="spider")
    return True
