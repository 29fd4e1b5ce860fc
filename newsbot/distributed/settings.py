"""The settings that make a crawl part of a distributed one (see :mod:`newsbot.distributed`).

``NEWSBOT_REDIS_URL`` (``redis://host:port/db``; the environment's ``NEWSBOT_REDIS_URL`` when
the command line names none) switches it on; without it nothing here is imported and a crawl
runs as always.
"""

from __future__ import annotations

from collections.abc import Sequence
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


class RedisSetupError(ValueError):
    """A distributed crawl or node cannot start (no Redis there, an unknown site): one line."""


def check_redis(url: str) -> None:
    """Raise :class:`RedisSetupError` unless a Redis answers at ``url``."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10).ping()
    except ValueError as exc:  # (a URL redis-py cannot read)
        raise RedisSetupError(f"--redis: {exc}") from None
    except redis.RedisError as exc:
        raise RedisSetupError(f"no Redis answers at {url}: {exc}") from None


def coordinator_settings(
    settings: BaseSettings,
    url: str,
    *,
    site: str,
    editions: Sequence[str] = (),
    base_url: str | None = None,
    urls: Sequence[str] = (),
) -> BaseSettings:
    """``settings`` made the coordinator's of a distributed crawl of ``site``: what the nodes
    need to run the same spider is published with the run."""
    check_redis(url)
    spec = {
        "site": site,
        "editions": list(editions),
        "base_url": base_url or "",
        "urls": list(urls),
    }
    distributed_settings(settings, url, "coordinator", spec=spec)
    return settings
