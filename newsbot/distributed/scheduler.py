"""scrapy-redis's scheduler with newsbot's queue: requests as JSON, each taken under a lease
(:mod:`newsbot.distributed.channel`), and on a node no enqueueing of its own: what a node
discovers goes to the coordinator, whose frontier decides what is due and queues it.

Settings: ``SCHEDULER = "newsbot.distributed.scheduler.RedisScheduler"`` with
``SCHEDULER_QUEUE_CLASS = "newsbot.distributed.scheduler.LeasedQueue"`` and
``SCHEDULER_SERIALIZER = "newsbot.distributed.serializer"`` (set by
:func:`newsbot.distributed.settings.distributed_settings`); ``NEWSBOT_REDIS_ROLE``:
``coordinator`` or ``node``.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from newsbot.distributed import serializer
from newsbot.distributed.channel import Channel, channel_of
from newsbot.distributed.keys import LEASE_META
from newsbot.distributed.leases import leased
from newsbot.distributed.serializer import UnsafeRequest, request_document

logger = logging.getLogger(__name__)


class LeasedQueue(Base):  # type: ignore[misc]
    """A priority queue whose pop leases the request instead of removing it."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.channel: Channel = channel_of(spider.crawler)

    def _encode_request(self, request: Request) -> str:
        return serializer.dumps(request_document(request, self.spider))

    def __len__(self) -> int:
        return self.channel.queued()

    def push(self, request: Request) -> None:
        self.channel.push(self._encode_request(request), request.priority)

    def push_new(self, fingerprint: str, request: Request) -> bool:
        """Queue ``request`` unless ``fingerprint`` is in the duplicate filter (one step)."""
        return self.channel.push_new(fingerprint, self._encode_request(request), request.priority)

    def pop(self, timeout: int = 0) -> Request | None:
        while (taken := self.channel.pop()) is not None:
            lease, data = taken
            try:
                request = serializer.request_from_document(serializer.loads(data), self.spider)
            except (UnsafeRequest, ValueError) as exc:
                # Not one newsbot queued: dropped, never run.
                logger.error("refused a queued request: %s", exc)
                self.channel.release(lease)
                continue
            return leased(request, lease, self.spider.crawler)
        return None

    def clear(self) -> None:
        self.channel.clear([self.channel.keys.requests])


class RedisScheduler(Scheduler):  # type: ignore[misc]
    """See the module's docstring. A leased request that comes back to the scheduler (a
    retry) stays in this process, under its lease."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = "coordinator"
        self.crawler: Crawler | None = None
        self.local: deque[Request] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.role = crawler.settings.get("NEWSBOT_REDIS_ROLE", "coordinator")
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        if self.role == "coordinator":
            channel_of(spider.crawler).open_results()

    def close(self, reason: str) -> None:
        # The queue outlives the process: nodes, a restarted writer or the next run need it
        # (the coordinator deletes a finished run's keys itself).
        return None

    def enqueue_request(self, request: Request) -> bool:
        if LEASE_META in request.meta:
            self.local.append(request)
            return True
        if self.role == "node":
            from newsbot.distributed.node import discovered

            assert self.crawler is not None
            discovered(self.crawler, request)
            return True
        if request.dont_filter:
            self.queue.push(request)
        elif not self.queue.push_new(self.df.request_fingerprint(request), request):
            self.df.log(request, self.spider)
            return False
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        request: Request | None = self.queue.pop()
        if request is not None and self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)

    def has_pending_requests(self) -> bool:
        if self.local:
            return True
        if self.role == "coordinator":
            # Not idle while a node holds work or the writer has not saved what came back.
            assert self.crawler is not None
            return channel_of(self.crawler).busy()
        return len(self.queue) > 0
