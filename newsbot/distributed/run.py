"""Starting the two roles from Python: the coordinator's settings for
:func:`newsbot.runner.run_crawl`, and a node's whole run (:func:`run_node`)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsbot.distributed.channel import read_spec
from newsbot.distributed.settings import distributed_settings

#: Seconds between two looks for a coordinator's crawl when a node starts first.
SPEC_POLL = 0.5


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
    settings: Settings,
    url: str,
    *,
    site: str,
    editions: Sequence[str] = (),
    base_url: str | None = None,
    urls: Sequence[str] = (),
) -> Settings:
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


@dataclass(frozen=True)
class NodeOutcome:
    site: str
    finish_reason: str
    stats: dict[str, Any]


def wait_for_spec(url: str, patience: float) -> dict[str, Any] | None:
    """The crawl published on ``url``, waiting for one up to ``patience`` seconds (0: for
    ever)."""
    started = time.monotonic()
    while True:
        spec = read_spec(url)
        if spec is not None:
            return spec
        if patience and time.monotonic() - started >= patience:
            return None
        time.sleep(SPEC_POLL)


def run_node(
    url: str,
    *,
    exit_when_idle: float = 0.0,
    node: str = "",
    settings: Mapping[str, Any] | None = None,
) -> NodeOutcome:
    """Fetch and extract from the queue at ``url`` until stopped (or, with
    ``exit_when_idle``, until the queue stayed empty that many seconds). Starts and stops the
    reactor: once per process."""
    from newsbot.runner import build_settings
    from newsbot.sites import ProfileError, load_profile
    from newsbot.spiders.loader import apply_profile_setting

    check_redis(url)
    merged = build_settings(settings)
    try:
        apply_profile_setting(merged)
    except ProfileError as exc:
        raise RedisSetupError(str(exc)) from None
    spec = wait_for_spec(url, exit_when_idle)
    if spec is None:
        return NodeOutcome("", "idle", {})
    site = str(spec.get("site", ""))
    try:
        load_profile(site)
    except ProfileError as exc:
        raise RedisSetupError(f"the coordinator crawls {site!r}: {exc}") from None
    distributed_settings(merged, url, "node", exit_when_idle=exit_when_idle, node=node)
    process = CrawlerProcess(merged)
    crawler = process.create_crawler(site)
    process.crawl(
        crawler,
        editions=",".join(str(e) for e in spec.get("editions", [])),
        base_url=str(spec.get("base_url", "")),
        urls=[str(u) for u in spec.get("urls", [])],
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return NodeOutcome(site, str(stats.get("finish_reason", "failed")), stats)
