"""A node: fetches and extracts what the coordinator queued, sends the results back.

It runs the site's spider, middlewares and extraction pipeline as a local crawl does, with no
archive: :class:`NodeSink` takes the archive's place as the crawl's sink, and what the spider
discovers goes to the writer (:func:`discovered`), whose frontier decides what is due.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.sink import CrawlSink
from newsbot.distributed import serializer
from newsbot.distributed.channel import channel_of
from newsbot.distributed.leases import book_of, counts_of, node_name
from newsbot.distributed.messages import capture_message, refusal_message
from newsbot.items import Capture


def discovered(crawler: Crawler, request: Request) -> None:
    """Send a request the node's spider made to the writer, for its frontier to decide."""
    spider = crawler.spider
    assert spider is not None
    data = serializer.dumps(serializer.request_document(request, spider))
    counts = counts_of(crawler)
    counts["seen"] += 1
    channel_of(crawler).send("request", data, node_name(crawler), counts=dict(counts))


class NodeSink(CrawlSink):
    """A node's sink (an extension, in the archive's place): each capture, extracted, and each
    refusal goes to the writer; the last item of a leased request releases its lease in the
    same Redis transaction."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.book = book_of(crawler)
        self.name = node_name(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NodeSink:
        if not crawler.settings.get("NEWSBOT_REDIS_URL"):
            raise NotConfigured("a node needs Redis")
        return cls(crawler)

    def save(self, capture: Capture) -> Capture:
        counts_of(self.crawler)["fetched" if capture.status else "failed"] += 1
        self._send(capture, "capture", capture_message(capture))
        return capture

    def refuse(self, refusal: Refusal) -> None:
        counts_of(self.crawler)["refused"] += 1
        self._send(refusal, "refusal", refusal_message(refusal))

    def _send(self, item: Any, kind: str, data: bytes) -> None:
        lease, last = self.book.done(item)
        counts = dict(counts_of(self.crawler))
        channel_of(self.crawler).send(kind, data, self.name, lease if last else None, counts)
