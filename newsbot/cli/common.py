"""The command group, its shared options and the one-line error exit of the newsbot command."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click

from newsbot import __version__

if TYPE_CHECKING:
    from newsbot.archive.articles import ArticleFilter

DEFAULT_ARCHIVE = "archive/newsbot.db"
DEMO_ARCHIVE = "archive/demo.db"

archive_option = click.option(
    "--archive",
    "archive",
    default=DEFAULT_ARCHIVE,
    show_default=True,
    help="Path of the SQLite archive.",
)


workers_option = click.option(
    "--workers",
    type=click.IntRange(0, 256),
    default=0,
    help="Extraction processes (default: one per core).",
)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"newsbot: error: {message}", err=True)
    sys.exit(code)


def iso_moment(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Option callback: an ISO 8601 date or time as the archive stores times (UTC, to the
    second); a value without a zone is UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date or time (e.g. 2026-03-01 or 2026-03-01T12:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


#: ``progress(total, done)`` starts a progress display and returns its ``advance(n)``.
Progress = Callable[[int | None, int], Callable[[int], None]]


@contextmanager
def progress_bar(what: str, unit: str = " pages") -> Iterator[Progress]:
    """A ``progress(total, done)`` for long commands: a tqdm bar with rate and time left on a
    terminal, nothing otherwise (the command prints its summary at the end)."""
    bars: list[Any] = []

    def start(total: int | None, done: int) -> Callable[[int], None]:
        if not sys.stderr.isatty():
            return lambda n: None
        from tqdm import tqdm

        bar = tqdm(total=total, initial=done, unit=unit, desc=what, dynamic_ncols=True)
        bars.append(bar)
        advance: Callable[[int], None] = bar.update
        return advance

    try:
        yield start
    finally:
        for bar in bars:
            bar.close()


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


@cli.group()
def export() -> None:
    """Export what the archive holds as files other tools read."""


_ARTICLE_FILTERS = (
    click.option(
        "--language",
        "languages",
        multiple=True,
        metavar="CODE",
        help="Only articles in this language (de also keeps de-AT); repeat for several.",
    ),
    click.option(
        "--site", "sites", multiple=True, metavar="SLUG", help="Only this site; repeatable."
    ),
    click.option(
        "--section",
        "sections",
        multiple=True,
        metavar="NAME",
        help="Only this section (as stored: world, my-europe …); repeatable.",
    ),
    click.option(
        "--published-since",
        metavar="DATE",
        callback=iso_moment,
        help="Only articles published at or after this ISO 8601 date or time (UTC if no zone).",
    ),
    click.option(
        "--published-until",
        metavar="DATE",
        callback=iso_moment,
        help="Only articles published before this ISO 8601 date or time (UTC if no zone).",
    ),
)


def article_filter_options(
    query: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The article selection options of ``export articles`` and ``search``, in that order;
    ``query`` adds ``--query`` (full text). Read them back with :func:`article_filter`."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = list(_ARTICLE_FILTERS)
        if query:
            options.append(
                click.option(
                    "--query",
                    metavar="TEXT",
                    help="Only articles matching this full-text query (as newsbot search).",
                )
            )
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def article_filter(options: dict[str, Any], query: str | None = None) -> ArticleFilter:
    """The :class:`~newsbot.archive.articles.ArticleFilter` of a command's keyword arguments
    (popped from ``options``); ``query`` when the command takes it as an argument."""
    from newsbot.archive.articles import ArticleFilter

    return ArticleFilter(
        languages=tuple(options.pop("languages", ())),
        sites=tuple(options.pop("sites", ())),
        sections=tuple(options.pop("sections", ())),
        published_since=options.pop("published_since", None),
        published_until=options.pop("published_until", None),
        query=options.pop("query", None) if query is None else query,
    )
