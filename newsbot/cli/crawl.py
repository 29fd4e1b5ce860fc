"""newsbot crawl and newsbot demo: run crawls."""

from __future__ import annotations

import contextlib
import sys

import click

from newsbot.cli.common import (
    DEMO_ARCHIVE,
    archive_option,
    cli,
    fail,
    parse_editions,
    parse_settings,
)


@cli.command()
@click.argument("site")
@archive_option
@click.option(
    "--editions", default="", help="Comma-separated edition codes (default: the site's own list)."
)
@click.option(
    "--base-url",
    default=None,
    help="Crawl a mirror (or the demo site) at this URL instead; on this machine "
    "(127.0.0.1, localhost) the politeness delays are off.",
)
@click.option(
    "--set",
    "-s",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy/NEWSBOT_ setting.",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="Fetch this article instead of discovering (repeatable); with "
    "-s NEWSBOT_FOLLOW_RELATED_DEPTH=N its related articles too.",
)
@click.option("--quiet", "-q", is_flag=True, help="Log warnings and errors only.")
def crawl(
    site: str,
    archive: str,
    editions: str,
    base_url: str | None,
    pairs: tuple[str, ...],
    urls: tuple[str, ...],
    quiet: bool,
) -> None:
    """Crawl SITE (a profile such as euronews) into the archive."""
    from newsbot.runner import CrawlSetupError, run_crawl

    settings = parse_settings(pairs)
    if quiet:
        settings["LOG_LEVEL"] = "WARNING"
    try:
        outcome = run_crawl(
            site,
            archive=archive,
            editions=parse_editions(editions),
            base_url=base_url,
            urls=urls,
            settings=settings,
        )
    except CrawlSetupError as exc:
        fail(str(exc), exc.exit_code)
    click.echo(run_line(archive, outcome.status, outcome.seconds))
    if not outcome.ok:
        sys.exit(1)


def run_line(archive: str, status: str, seconds: float) -> str:
    """The one-line summary of the last run, for logs and cron mail."""
    from newsbot.archive import Archive
    from newsbot.report import format_run_line

    with Archive.open(archive, readonly=True) as db:
        runs = db.runs()
        articles = db.stats().articles
    return format_run_line(status, seconds, runs[0] if runs else {}, articles, archive)


@cli.command()
@click.option(
    "--archive", default=DEMO_ARCHIVE, show_default=True, help="Path of the SQLite archive."
)
@click.option("--serve", is_flag=True, help="Only serve the demo site until interrupted.")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(0, 65535),
    help="Port to serve on [default: 8765 when free, else any; 0: any free port]. The same "
    "port from run to run is the same site: a second demo crawl fetches only what changed.",
)
def demo(archive: str, serve: bool, port: int | None) -> None:
    """Serve the bundled Euronews-style demo site on 127.0.0.1 and crawl it into the archive."""
    from newsbot.runner import demo_server

    if serve:
        try:
            server = demo_server(port)
        except OSError as exc:
            fail(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}")
        click.echo(f"serving the demo site at {server.base_url}/ (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        return

    from newsbot.runner import CrawlSetupError, run_demo

    try:
        summary = run_demo(archive, port=port)
    except CrawlSetupError as exc:
        fail(str(exc), exc.exit_code)
    except OSError as exc:
        fail(f"cannot serve the demo site on 127.0.0.1:{port}: {exc.strerror}")
    click.echo(summary.text)
    if not summary.ok:
        sys.exit(1)
