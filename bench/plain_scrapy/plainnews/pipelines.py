"""The raw page and the article trafilatura finds in it, kept with sqlite-utils."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
import trafilatura
from scrapy.crawler import Crawler

FIELDS = ("title", "author", "date", "description", "sitename", "categories", "tags", "text")


class SqlitePipeline:
    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SqlitePipeline:
        return cls(crawler.settings.get("ARCHIVE"))

    def open_spider(self) -> None:
        self.db = sqlite_utils.Database(self.path)
        self.db.enable_wal()

    def close_spider(self) -> None:
        self.db.close()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        found = trafilatura.bare_extraction(
            item["html"], url=item["url"], with_metadata=True, as_dict=True
        )
        page = self.db["pages"].insert(
            {
                "url": item["url"],
                "status": item["status"],
                "headers": json.dumps(item["headers"]),
                "fetched_at": item["fetched_at"],
                "body": item["body"],
            },
            pk="id",
        )
        if isinstance(found, dict) and found.get("text"):
            article = {name: found.get(name) for name in FIELDS}
            self.db["articles"].insert({"page_id": page.last_pk, "url": item["url"], **article})
        return item
