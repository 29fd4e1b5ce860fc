"""The settings that make a crawl part of a distributed one (see :mod:`newsbot.distributed`).

``NEWSBOT_REDIS_URL`` (``redis://host:port/db``; the environment's ``NEWSBOT_REDIS_URL`` when
the command line names none) switches it on; without it nothing here is imported and a crawl
runs as always.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

ARCHIVE_EXTENSION = "newsbot.crawl.archive_extension.ArchiveExtension"


def distributed_settings(
    settings: BaseSettings,
    url: str,
    role: str,
    *,
    spec: dict[str, Any] | None = None,
    exit_when_idle: float = 0.0,
    node: str = "",
) -> None:
    """Make ``settings`` those of the coordinator (``role`` ``coordinator``: the archive's
    writer) or of a node (``node``: no archive; its items go to the writer)."""
    priority = "cmdline"
    settings.set("NEWSBOT_REDIS_URL", url, priority=priority)
    settings.set("NEWSBOT_REDIS_ROLE", role, priority=priority)
    settings.set("REDIS_URL", url, priority=priority)
    settings.set("SCHEDULER", "newsbot.distributed.scheduler.RedisScheduler", priority=priority)
    settings.set(
        "SCHEDULER_QUEUE_CLASS", "newsbot.distributed.scheduler.LeasedQueue", priority=priority
    )
    settings.set("SCHEDULER_SERIALIZER", "newsbot.distributed.serializer", priority=priority)
    settings.set("SCHEDULER_PERSIST", True, priority=priority)
    settings.set("SCHEDULER_QUEUE_KEY", "newsbot:%(spider)s:requests", priority=priority)
    settings.set("SCHEDULER_DUPEFILTER_KEY", "newsbot:%(spider)s:dupefilter", priority=priority)
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=priority)
    extensions = {"newsbot.distributed.extension.DistributedExtension": 10}
    spider_mw = {"newsbot.distributed.leases.LeaseMiddleware": 100}
    downloader_mw = {"newsbot.distributed.pace.SharedPaceMiddleware": 990}
    pipelines: dict[str, int | None] = {}
    if role == "node":
        extensions[ARCHIVE_EXTENSION] = None  # type: ignore[assignment]
        extensions["newsbot.distributed.node.NodeSink"] = 0
        settings.set("NEWSBOT_ARCHIVE", "", priority=priority)
        # No frontier here: every discovery goes to the writer's, which holds what waits.
        settings.set("NEWSBOT_INCREMENTAL", False, priority=priority)
        settings.set("NEWSBOT_REDIS_EXIT_WHEN_IDLE", exit_when_idle, priority=priority)
        if node:
            settings.set("NEWSBOT_REDIS_NODE", node, priority=priority)
    else:
        pipelines["newsbot.distributed.leases.LeasePipeline"] = 1000
        settings.set("NEWSBOT_REDIS_SPEC", spec or {}, priority=priority)
    for name, added in (
        ("EXTENSIONS", extensions),
        ("SPIDER_MIDDLEWARES", spider_mw),
        ("DOWNLOADER_MIDDLEWARES", downloader_mw),
        ("ITEM_PIPELINES", pipelines),
    ):
        merged = dict(settings.getdict(name))
        merged.update(added)
        settings.set(name, merged, priority=priority)
