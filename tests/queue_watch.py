"""Test only: the most requests Scrapy's scheduler held at once in a crawl, as the stat
``queue_watch/max`` (tests/test_frontier_feed.py). Not part of newsbot."""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.crawler import Crawler

STAT = "queue_watch/max"


class QueueWatch:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QueueWatch:
        return cls(crawler)

    def scheduled(self, request: Request) -> None:
        # Sent as each request goes to the scheduler: it holds what it held, and this one.
        engine, stats = self.crawler.engine, self.crawler.stats
        if engine is not None and engine.scheduler is not None and stats is not None:
            stats.max_value(STAT, len(engine.scheduler) + 1)  # type: ignore[arg-type]
