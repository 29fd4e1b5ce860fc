"""The distributed crawl's own part of each crawler process: takes work from the queue
promptly, keeps its leases alive and its counts published, and, in the coordinator, drains
the results stream into the archive (:mod:`newsbot.distributed.writer`).

Off (``NotConfigured``) without ``NEWSBOT_REDIS_URL``. ``NEWSBOT_REDIS_ROLE``: ``coordinator``
or ``node``; ``NEWSBOT_REDIS_EXIT_WHEN_IDLE`` (a node; seconds, 0: never): end once the queue
stayed empty that long (a node also ends, idle, once the run it helps with has finished);
``NEWSBOT_REDIS_LEASE`` (seconds): how long a request taken by a process that stopped
answering waits before it is queued again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.spiders import Spider
from twisted.internet.task import LoopingCall

from newsbot.distributed.channel import channel_of

logger = logging.getLogger(__name__)

#: Seconds between two looks at the queue and the stream (Scrapy's own is 5 s).
TICK = 0.2
#: Seconds the writer spends writing a backlog before the event loop gets its turn.
DRAIN_SLICE = 0.5


class DistributedExtension:
    """See the module's docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.role = settings.get("NEWSBOT_REDIS_ROLE", "coordinator")
        self.exit_when_idle = settings.getfloat("NEWSBOT_REDIS_EXIT_WHEN_IDLE", 0.0)
        lease = settings.getfloat("NEWSBOT_REDIS_LEASE", 60.0)
        self.renew_every = max(TICK, min(lease / 4, 10.0))
        self.renewed_at = 0.0
        self.idle_since: float | None = None
        self.loop = LoopingCall(self.tick)
        self.writer: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.busy, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedExtension:
        if not crawler.settings.get("NEWSBOT_REDIS_URL"):
            raise NotConfigured("no Redis: a local crawl")
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        engine = self.crawler.engine
        if engine is not None:
            # A node learns of queued requests by asking the queue: every TICK, not every 5 s.
            setattr(engine, "_SLOT_HEARTBEAT_INTERVAL", TICK)  # noqa: B010
        channel = channel_of(self.crawler)
        if self.role == "coordinator":
            from newsbot.distributed.writer import Writer

            self.writer = Writer(self.crawler, channel)
            channel.set_spec(self.crawler.settings.getdict("NEWSBOT_REDIS_SPEC"))
        self.loop.start(TICK, now=False)

    def tick(self) -> None:
        try:
            self._renew()
            if self.writer is not None:
                # A backlog (nodes worked while the writer was down) is written a slice at a
                # time, renewing between: this process's own leases must not run out meanwhile.
                until = time.monotonic() + DRAIN_SLICE
                while self.writer.drain() and time.monotonic() < until:
                    self._renew()
        except Exception:
            # (A Redis that stops answering: said, and tried again next tick.)
            logger.exception("distributed crawl: Redis")

    def _renew(self) -> None:
        now = time.monotonic()
        if now - self.renewed_at >= self.renew_every:
            self.renewed_at = now
            channel_of(self.crawler).renew()
            self.publish()

    def publish(self) -> None:
        """This process's counts, under its name (the coordinator's as ``coordinator``)."""
        from newsbot.distributed.leases import counts_of, node_name

        counts: dict[str, Any] = dict(counts_of(self.crawler))
        name = node_name(self.crawler) if self.role == "node" else "coordinator"
        channel_of(self.crawler).report(name, counts)

    def busy(self, **_: Any) -> None:
        self.idle_since = None

    def spider_idle(self, spider: Spider) -> None:
        if self.role != "node":
            return
        if not channel_of(self.crawler).running():
            return  # the run finished (its keys are gone): this node's work is done
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if not self.exit_when_idle or now - self.idle_since < self.exit_when_idle:
            raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        channel = channel_of(self.crawler)
        if self.role == "node":
            self.publish()
            return
        if self.writer is not None:
            self.writer.drain_all()
        self.publish()
        stats = self.crawler.stats
        nodes = channel.nodes()
        if stats is not None:
            stats.set_value("newsbot/redis/nodes", nodes)
            stats.set_value("newsbot/redis/queued", channel.queued())
        if reason == "finished" and not channel.busy():
            channel.clear([*channel.keys.run_keys(), channel.keys.nodes])
