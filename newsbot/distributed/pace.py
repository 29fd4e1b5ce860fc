"""Per-host politeness across every process of a distributed crawl: the starts of requests to
one host are ``DOWNLOAD_DELAY`` apart across all nodes together, not per node (each node's own
Scrapy still keeps its per-host concurrency and its AutoThrottle). robots.txt is read and
obeyed by every node, as by a local crawl. Off when ``DOWNLOAD_DELAY`` is 0 (a site on this
machine).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler

from newsbot.distributed.channel import channel_of


class SharedPaceMiddleware:
    """Downloader middleware: waits for the host's next start reserved in Redis."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPaceMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        # Read per request: a spider crawling this machine drops its delays when it opens.
        delay = self.crawler.settings.getfloat("DOWNLOAD_DELAY", 0.0)
        host = urlsplit(request.url).hostname
        if delay <= 0 or not host:
            return None
        wait = channel_of(self.crawler).pace(host, delay)
        if wait > 0:
            await asyncio.sleep(wait)
        return None
