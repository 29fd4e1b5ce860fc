"""A sink that keeps no archive: each finished item as a line of JSON in a file
(``NODE_SINK_FILE``), standing in for a node that sends its items elsewhere
(tests/test_crawl_sink.py). Not part of newsbot."""

from __future__ import annotations

import json
from typing import IO

from scrapy import signals
from scrapy.crawler import Crawler

from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.sink import CrawlSink
from newsbot.items import Capture


class JsonLinesSink(CrawlSink):
    def __init__(self, crawler: Crawler, path: str) -> None:
        self.out: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesSink:
        return cls(crawler, crawler.settings["NODE_SINK_FILE"])

    def save(self, capture: Capture) -> Capture:
        line = {
            "url": capture.url,
            "kind": capture.kind,
            "status": capture.status,
            "title": capture.article.title if capture.article else None,
            "links": len(capture.article.links) if capture.article else 0,
        }
        self.out.write(json.dumps(line) + "\n")
        return capture

    def refuse(self, refusal: Refusal) -> None:
        self.out.write(json.dumps({"url": refusal.url, "refused": refusal.kind}) + "\n")

    def spider_closed(self) -> None:
        self.out.close()
