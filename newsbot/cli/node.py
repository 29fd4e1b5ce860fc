"""``newsbot node``: one more crawler process for a distributed crawl."""

from __future__ import annotations

import click

from newsbot.cli.common import cli, fail, parse_settings


@cli.command()
@click.option(
    "--redis",
    "redis_url",
    required=True,
    envvar="NEWSBOT_REDIS_URL",
    metavar="URL",
    help="The Redis of the distributed crawl (redis://HOST:PORT/DB; default: the "
    "NEWSBOT_REDIS_URL environment variable).",
)
@click.option(
    "--exit-when-idle",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="SECONDS",
    help="End once the queue stayed empty this long (and wait at most this long for a crawl "
    "to start); 0 (the default): wait for a crawl as long as it takes, and end when it ends.",
)
@click.option("--name", default="", help="This node's name in `newsbot stats` (default: host:pid).")
@click.option(
    "--set", "-s", "pairs", multiple=True, metavar="NAME=VALUE",
    help="Override a Scrapy/NEWSBOT_ setting (CONCURRENT_REQUESTS, NEWSBOT_EXTRACT_WORKERS …).",
)  # fmt: skip
def node(redis_url: str, exit_when_idle: float, name: str, pairs: tuple[str, ...]) -> None:
    """Fetch and extract pages of the distributed crawl a `newsbot crawl SITE --redis URL`
    coordinates: what it queued, with the same spider, politeness and extraction as a local
    crawl; what the node fetches goes back to the coordinator, the one process that writes the
    archive. Any number of nodes, on any machine that reaches the Redis and the site; none
    needs an archive. A node ends when the crawl it helps with ends (under systemd,
    Restart=always starts it again to wait for the next). A node killed at any moment loses
    nothing: the pages it had taken are queued again once their lease (NEWSBOT_REDIS_LEASE,
    60 s) runs out.
    """
    try:
        from newsbot.distributed.run import run_node
        from newsbot.distributed.settings import RedisSetupError
    except ImportError as exc:
        fail(f"newsbot node needs the redis extra (pip install 'newsbot[redis]'): {exc}")
    settings = parse_settings(pairs)
    settings.setdefault("LOG_LEVEL", "WARNING")
    try:
        outcome = run_node(redis_url, exit_when_idle=exit_when_idle, node=name, settings=settings)
    except RedisSetupError as exc:
        fail(str(exc), 1)
    if not outcome.spider:
        click.echo(f"no crawl to help with at {redis_url}")
        return
    fetched = outcome.stats.get("response_received_count", 0)
    click.echo(f"node done: {outcome.spider}, {fetched} responses ({outcome.finish_reason})")
