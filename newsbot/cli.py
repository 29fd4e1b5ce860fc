"""The newsbot command: parse arguments, call the library, print the result. Nothing else here.

Errors a user can cause end in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from newsbot import __version__

DEFAULT_ARCHIVE = "archive/newsbot.db"
DEMO_ARCHIVE = "archive/demo.db"

archive_option = click.option(
    "--archive",
    "archive",
    default=DEFAULT_ARCHIVE,
    show_default=True,
    help="Path of the SQLite archive.",
)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"newsbot: error: {message}", err=True)
    sys.exit(code)


def parse_settings(pairs: Sequence[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--set takes NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def parse_editions(value: str) -> list[str]:
    editions = [code.strip() for code in value.split(",")] if value else []
    if any(not code for code in editions):
        fail(f"--editions takes comma-separated edition codes, not {value!r}")
    return editions


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsbot")
def cli() -> None:
    """Crawl Euronews-style news sites into a local SQLite archive of raw pages, clean
    articles and the links between them."""


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
@click.option("--quiet", "-q", is_flag=True, help="Log warnings and errors only.")
def crawl(
    site: str,
    archive: str,
    editions: str,
    base_url: str | None,
    pairs: tuple[str, ...],
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
            settings=settings,
        )
    except CrawlSetupError as exc:
        fail(str(exc))
    _print_run_line(archive, outcome.finish_reason, outcome.seconds)
    if not outcome.ok:
        sys.exit(1)


def _print_run_line(archive: str, reason: str, seconds: float) -> None:
    from newsbot.archive import Archive

    with Archive.open(archive, readonly=True) as db:
        stats = db.stats()
    run = stats.last_run or {}
    counts = run.get("counts") or {}
    new = counts.get("articles_new", 0)
    changed = counts.get("articles_changed", 0)
    click.echo(
        f"crawl {reason} in {seconds:.1f} s: {counts.get('captures', 0)} pages fetched, "
        f"{new} new and {changed} changed articles, {counts.get('errors', 0)} errors; "
        f"archive holds {stats.articles} articles ({archive})"
    )


@cli.command()
@click.option(
    "--archive", default=DEMO_ARCHIVE, show_default=True, help="Path of the SQLite archive."
)
@click.option("--serve", is_flag=True, help="Only serve the demo site until interrupted.")
@click.option(
    "--port", default=0, type=click.IntRange(0, 65535), help="Port to serve on (0: any free port)."
)
def demo(archive: str, serve: bool, port: int) -> None:
    """Serve the bundled Euronews-style demo site on 127.0.0.1 and crawl it into the archive."""
    from newsbot.demo import DemoServer

    if serve:
        try:
            server = DemoServer(port=port)
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
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot serve the demo site on 127.0.0.1:{port}: {exc.strerror}")
    click.echo(summary.text)
    if not summary.ok:
        sys.exit(1)


@cli.command()
@archive_option
def stats(archive: str) -> None:
    """Print what the archive holds."""
    from newsbot.archive import Archive, ArchiveError
    from newsbot.report import format_stats

    try:
        with Archive.open(archive, readonly=True) as db:
            click.echo(format_stats(archive, db.stats()))
    except ArchiveError as exc:
        fail(str(exc))


@cli.command()
@click.argument("query")
@archive_option
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Most hits to show.",
)
def search(query: str, archive: str, limit: int) -> None:
    """Full-text search over the titles and texts of archived articles."""
    from newsbot.archive import Archive, ArchiveError
    from newsbot.report import format_hits

    try:
        with Archive.open(archive, readonly=True) as db:
            click.echo(format_hits(query, db.search(query, limit=limit)))
    except ArchiveError as exc:
        fail(str(exc))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``newsbot`` console script."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if not args:
        click.echo(cli.get_help(click.Context(cli, info_name="newsbot")))
        sys.exit(2)
    try:
        code = cli.main(args=args, prog_name="newsbot", standalone_mode=False)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "newsbot"
        fail(f"{exc.format_message()} (see '{command} --help')")
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Abort:
        fail("interrupted", code=130)
    if isinstance(code, int) and code:
        sys.exit(code)
