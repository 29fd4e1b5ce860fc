"""When a leased request is done: once everything its response made has been sent to the
writer (a node) or saved (the coordinator), its lease is released; until then a process that
dies leaves it to come back to the queue.

:class:`LeaseMiddleware` (a spider middleware, after the frontier's) counts the items each
leased response gives; each item's end (sent, saved, dropped, failed) counts one down, and the
last releases the lease, in the same Redis transaction as the message on a node.
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from newsbot.crawl.outcomes import Refusal
from newsbot.distributed.channel import channel_of
from newsbot.distributed.keys import LEASE_META
from newsbot.items import Capture

#: Counts of each node (``newsbot stats``): requests it discovered (``seen``), pages it fetched,
#: fetches that got no answer (``failed``), URLs it refused; published with every message.
_counts: dict[str, Counter[str]] = {}


def node_name(crawler: Crawler) -> str:
    """``NEWSBOT_REDIS_NODE``, else host name and process id."""
    return str(
        crawler.settings.get("NEWSBOT_REDIS_NODE") or f"{socket.gethostname()}:{os.getpid()}"
    )


def counts_of(crawler: Crawler) -> Counter[str]:
    return _counts.setdefault(node_name(crawler), Counter())


class LeaseBook:
    """Which lease each item in flight belongs to, and how many items each lease awaits."""

    def __init__(self) -> None:
        self.owner: dict[int, str] = {}
        self.waiting: dict[str, int] = {}

    def expect(self, lease: str, items: list[Any]) -> None:
        self.waiting[lease] = self.waiting.get(lease, 0) + len(items)
        for item in items:
            self.owner[id(item)] = lease

    def done(self, item: Any) -> tuple[str | None, bool]:
        """(the item's lease, whether it was the lease's last item)."""
        lease = self.owner.pop(id(item), None)
        if lease is None:
            return None, False
        self.waiting[lease] -= 1
        if self.waiting[lease] > 0:
            return lease, False
        del self.waiting[lease]
        return lease, True


_books: WeakKeyDictionary[Crawler, LeaseBook] = WeakKeyDictionary()


def book_of(crawler: Crawler) -> LeaseBook:
    book = _books.get(crawler)
    if book is None:
        book = _books[crawler] = LeaseBook()
    return book


def leased(request: Request, lease: str, crawler: Crawler) -> Request:
    """``request`` taken under ``lease``: what its errback yields is counted as its
    callbacks' output is (Scrapy hands an errback's output to no spider middleware)."""
    request.meta[LEASE_META] = lease
    if request.errback is not None:
        request.errback = _counted(request.errback, crawler)
    return request


def _counted(errback: Callable[..., Any], crawler: Crawler) -> Callable[..., Any]:
    def counted(failure: Any) -> list[Any]:
        out = list(errback(failure) or ())
        request = getattr(failure, "request", None)
        items = [x for x in out if not isinstance(x, Request)]
        _expect(crawler, request, items)
        return out

    return counted


def _expect(crawler: Crawler, request: Request | None, items: Iterable[Any]) -> None:
    """The lease of ``request`` awaits ``items``; none: it is released now."""
    lease = request.meta.get(LEASE_META) if request is not None else None
    if lease is None:
        return
    book = book_of(crawler)
    items = list(items)
    if items:
        book.expect(lease, items)
    elif lease not in book.waiting:
        channel_of(crawler).release(lease)


class LeaseMiddleware:
    """See the module's docstring. On a node it also drops the spider's start requests: a node
    fetches only what the coordinator queued."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.node = crawler.settings.get("NEWSBOT_REDIS_ROLE") == "node"
        self.book = book_of(crawler)
        crawler.signals.connect(self._ended, signal=signals.item_dropped)
        crawler.signals.connect(self._ended, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.node:
            return
        async for out in start:
            yield out

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items: list[Any] = []
        async for out in result:
            if isinstance(out, Request):
                yield out
            else:
                items.append(out)
        _expect(self.crawler, response.request, items)
        for item in items:
            yield item

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        _expect(self.crawler, response.request, [])

    def _ended(self, item: Any, **_: Any) -> None:
        lease, last = self.book.done(item)
        if lease is not None and last:
            channel_of(self.crawler).release(lease)


class LeasePipeline:
    """The coordinator's last pipeline: an item saved, its lease is released when it was the
    last its request made (and the coordinator's own fetches counted as a node's are)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.book = book_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        counts = counts_of(self.crawler)
        if isinstance(item, Capture):
            counts["fetched" if item.status else "failed"] += 1
        elif isinstance(item, Refusal):
            counts["refused"] += 1
        lease, last = self.book.done(item)
        if lease is not None and last:
            channel_of(self.crawler).release(lease)
        return item
