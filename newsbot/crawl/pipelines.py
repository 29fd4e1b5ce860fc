"""Item pipelines, in order: the link kinds kept → the crawl's sink.

Items arrive finished: the spider's side fetched the page and read its article
(:mod:`newsbot.crawl.extraction`). These keep what the crawl keeps of its links and hand each
item to whatever keeps it (:mod:`newsbot.crawl.sink`: the archive in this process by default).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.sink import CrawlSink, sink_of
from newsbot.items import Capture

#: Every kind of link an article has (:data:`newsbot.items.LinkKind`).
LINK_KINDS = ("related", "inline-related", "translation", "inline")


def link_kinds(settings: BaseSettings) -> frozenset[str]:
    """The kinds of links a crawl keeps (``NEWSBOT_LINK_KINDS``, default: all four)."""
    return frozenset(settings.getlist("NEWSBOT_LINK_KINDS", list(LINK_KINDS)))


class LinkKindsPipeline:
    """Keeps the kinds of links ``NEWSBOT_LINK_KINDS`` names in each article, drops the others,
    and counts the kept ones per kind (``newsbot/links/<kind>``)."""

    def __init__(self, crawler: Crawler, kinds: frozenset[str]) -> None:
        self.crawler = crawler
        self.kinds = kinds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkKindsPipeline:
        return cls(crawler, link_kinds(crawler.settings))

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
        return item


class SinkPipeline:
    """Hands each finished item to the crawl's sink: a capture to be kept with its article,
    links and error rows, a refusal to be kept as an error row. Without a sink, items pass."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sink: CrawlSink | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SinkPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.sink = sink_of(self.crawler)

    def process_item(self, item: Any) -> Any:
        if self.sink is None:
            return item
        if isinstance(item, Refusal):
            self.sink.refuse(item)
        elif isinstance(item, Capture):
            return self.sink.save(item)
        return item
