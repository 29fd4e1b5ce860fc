"""Every page the site's sitemaps list (robots.txt names them), one item per page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response
from scrapy.spiders import SitemapSpider


class ArticlesSpider(SitemapSpider):
    name = "articles"

    def __init__(self, base_url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [base_url.rstrip("/") + "/robots.txt"]

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {
            "url": response.url,
            "status": response.status,
            "headers": dict(response.headers.to_unicode_dict()),
            "body": response.body,
            "html": response.text,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
