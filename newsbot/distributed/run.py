"""A node's whole run from Python (:func:`run_node`); the coordinator's settings are
:func:`newsbot.distributed.settings.coordinator_settings`, applied by
:func:`newsbot.runner.run_crawl`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy.crawler import CrawlerProcess

from newsbot.distributed.channel import read_spec
from newsbot.distributed.settings import RedisSetupError, check_redis, distributed_settings

if TYPE_CHECKING:
    from newsbot.runner import CrawlOutcome

#: Seconds between two looks for a coordinator's crawl when a node starts first.
SPEC_POLL = 0.5


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
) -> CrawlOutcome:
    """Fetch and extract from the queue at ``url`` until stopped (or, with
    ``exit_when_idle``, until the queue stayed empty that many seconds). Starts and stops the
    reactor: once per process. The outcome's ``spider`` is the site it crawled ("" when no
    crawl came)."""
    from newsbot.runner import CrawlOutcome, build_settings
    from newsbot.sites import ProfileError, load_profile
    from newsbot.spiders.loader import apply_profile_setting

    started = time.monotonic()
    check_redis(url)
    merged = build_settings(settings)
    try:
        apply_profile_setting(merged)
    except ProfileError as exc:
        raise RedisSetupError(str(exc)) from None
    spec = wait_for_spec(url, exit_when_idle)
    if spec is None:
        return CrawlOutcome("idle", time.monotonic() - started, {})
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
    return CrawlOutcome(
        str(stats.get("finish_reason", "failed")), time.monotonic() - started, stats, site
    )
