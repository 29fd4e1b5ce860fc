"""The command group, its shared options and the one-line error exit of the newsbot command."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from newsbot import __version__

if TYPE_CHECKING:
    from newsbot.archive import Archive
    from newsbot.archive.articles import ArticleFilter
    from newsbot.archive.exporting import CaptureFilter

DEFAULT_ARCHIVE = "archive/newsbot.db"
DEMO_ARCHIVE = "archive/demo.db"

archive_option = click.option(
    "--archive",
    "archive",
    default=DEFAULT_ARCHIVE,
    show_default=True,
    help="Path of the SQLite archive.",
)


#: ``--json`` of every command a script may run: one JSON document on stdout instead of text.
json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document (keys documented in the README) instead of text.",
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


@contextmanager
def reading_archive(archive: str) -> Iterator[Archive]:
    """The archive at ``archive`` open read-only, for a command that only reads it.

    Any failure to open or read it ends the command in one line and exit 2: a missing file
    names the archives found nearby (:func:`missing_archive`), a damaged one says so."""
    from newsbot.archive import Archive, ArchiveError

    if not Path(archive).exists():
        fail(missing_archive(archive))
    try:
        with Archive.open(archive, readonly=True) as db:
            yield db
    except ArchiveError as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        # A file damaged past its header opens fine and fails on the first real read.
        fail(database_error(exc, archive))


def database_error(exc: sqlite3.DatabaseError, archive: str | None) -> str:
    """One line for a SQLite error reading the archive at ``archive`` (None: the default
    one): damage surfaces in whichever query reaches it, and a damaged text column must not
    put its random bytes on the terminal."""
    from newsbot.archive.check import describe_sqlite_error, is_damage

    if is_damage(exc):
        where = "" if archive is None else f" --archive {shlex.quote(archive)}"
        return (
            f"archive damaged: {describe_sqlite_error(exc)}"
            f" (run `newsbot check{where}` for details)"
        )
    at = "" if archive is None else f" at {archive}"
    return f"cannot read archive{at}: {describe_sqlite_error(exc)}"


#: The first bytes of every SQLite 3 database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


def missing_archive(archive: str) -> str:
    """What to tell a user whose ``--archive`` (or the default one) does not exist: the
    archives nearby (beside it, in ./archive, in the current folder) and how to use one.

    ``no archive at archive/newsbot.db; found archive/demo.db — pass --archive archive/demo.db``
    """
    message = f"no archive at {archive}"
    found = nearby_archives(Path(archive))
    if not found:
        return f"{message} (run `newsbot demo` or `newsbot crawl SITE` to make one)"
    if len(found) == 1:
        return f"{message}; found {found[0]} — pass --archive {found[0]}"
    shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return f"{message}; found {shown} — pass --archive with one of them"


def nearby_archives(missing: Path) -> list[str]:
    """SQLite files named ``*.db`` beside ``missing``, in ./archive and in the current folder,
    as paths relative to the current folder when they are inside it."""
    folders = dict.fromkeys(p.resolve() for p in (missing.parent, Path("archive"), Path(".")))
    found: list[str] = []
    for folder in folders:
        try:
            candidates = sorted(folder.glob("*.db"))
        except OSError:
            continue
        for candidate in candidates:
            if _is_sqlite(candidate):
                shown = _shown_path(candidate)
                if shown not in found:
                    found.append(shown)
    return found


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _shown_path(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


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


_CAPTURE_FILTERS = (
    click.option(
        "--site",
        "sites",
        multiple=True,
        help="Only captures of this site (profile slug); repeat for several (default: every site).",
    ),
    click.option(
        "--url",
        "urls",
        multiple=True,
        help="Only captures of this URL (requested, final, or the canonical URL of the "
        "article read from it); repeat for several.",
    ),
    click.option(
        "--captured-since",
        callback=iso_moment,
        help="Only captures fetched at or after this ISO 8601 date or time (UTC unless a zone "
        "is given).",
    ),
    click.option(
        "--captured-until",
        callback=iso_moment,
        help="Only captures fetched before this ISO 8601 date or time (UTC unless a zone is "
        "given).",
    ),
)


def capture_filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The capture selection options (--site, --url, --captured-since, --captured-until) of
    the commands that read captures; read them back with :func:`capture_filter`."""
    for option in reversed(_CAPTURE_FILTERS):
        command = option(command)
    return command


def capture_filter(options: dict[str, Any]) -> CaptureFilter:
    """The :class:`~newsbot.archive.exporting.CaptureFilter` of a command's keyword arguments
    (popped from ``options``)."""
    from newsbot.archive.exporting import CaptureFilter

    return CaptureFilter(
        sites=tuple(options.pop("sites", ())),
        urls=tuple(options.pop("urls", ())),
        captured_since=options.pop("captured_since", None),
        captured_until=options.pop("captured_until", None),
    )
