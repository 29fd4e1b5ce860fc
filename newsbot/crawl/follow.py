"""Following related links: the spider's side yields requests for the articles an article
points to, to a depth, and they go through the frontier gate like everything discovered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsbot.crawl.pipelines import link_kinds
from newsbot.items import Capture

#: The kinds of links that name articles worth fetching.
FOLLOWED = ("related", "inline-related")


class FollowRelatedMiddleware:
    """Spider middleware: after each extracted article, requests for its related articles.

    ``NEWSBOT_FOLLOW_RELATED_DEPTH``: how many related links deep to follow from listed
    articles (default 0: only what the site lists; the middleware is then off). Only articles
    of the crawled editions are fetched (the spider's ``article_request`` says which); off-site
    targets are recorded as links, never fetched; a kind ``NEWSBOT_LINK_KINDS`` drops is not
    followed either. Sits between the extraction (above) and the frontier gate (below).
    """

    def __init__(self, crawler: Crawler, depth: int, kinds: frozenset[str]) -> None:
        self.crawler = crawler
        self.depth = depth
        self.kinds = kinds.intersection(FOLLOWED)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FollowRelatedMiddleware:
        depth = crawler.settings.getint("NEWSBOT_FOLLOW_RELATED_DEPTH", 0)
        if depth <= 0:
            raise NotConfigured
        return cls(crawler, depth, link_kinds(crawler.settings))

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for out in result:
            yield out
            if isinstance(out, Capture) and out.article is not None:
                depth = out.crawl_meta.get("newsbot_depth", 0)
                if depth < self.depth:
                    for request in self.requests(out, depth + 1):
                        yield request

    def requests(self, capture: Capture, depth: int) -> list[Request]:
        """Requests for the related targets of ``capture``'s article that are articles of the
        crawled site, at ``depth``."""
        spider, stats = self.crawler.spider, self.crawler.stats
        make = getattr(spider, "article_request", None)
        if capture.article is None or make is None or stats is None:
            return []
        requests = []
        for link in capture.article.links:
            if link.kind not in self.kinds:
                continue
            request = make(link.url, found_in="related", depth=depth)
            if request is None:
                stats.inc_value("newsbot/links/not_followed")
            else:
                stats.inc_value("newsbot/links/followed")
                requests.append(request)
        return requests
