"""newsbot crawl and newsbot demo: run crawls."""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections.abc import Callable, Iterator

import click

from newsbot.cli.common import (
    DEMO_ARCHIVE,
    Progress,
    archive_option,
    cli,
    fail,
    json_option,
    parse_editions,
    parse_settings,
    progress_bar,
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
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bar: the summary, and one line for each kind of warning or error.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Scrapy's own log on stderr (LOG_LEVEL INFO: what it fetched, its stats at the end).",
)
@click.option(
    "--log-file",
    default=None,
    metavar="PATH",
    help="Write the full log (Scrapy's LOG_FILE, at LOG_LEVEL INFO unless set) to PATH, "
    "appended to.",
)
@click.option(
    "--redis",
    "redis_url",
    default=None,
    envvar="NEWSBOT_REDIS_URL",
    metavar="URL",
    help="Coordinate a crawl spread over `newsbot node` processes through the Redis at URL "
    "(redis://HOST:PORT/DB; default: the NEWSBOT_REDIS_URL environment variable): queue there "
    "what is due, fetch like any node, and write everything the nodes send into the archive.",
)
@json_option
def crawl(
    site: str,
    archive: str,
    editions: str,
    base_url: str | None,
    pairs: tuple[str, ...],
    urls: tuple[str, ...],
    quiet: bool,
    verbose: bool,
    log_file: str | None,
    redis_url: str | None,
    as_json: bool,
) -> None:
    """Crawl SITE (a profile such as euronews) into the archive.

    On a terminal a progress bar counts the pages archived; then one summary line (--json:
    one JSON document) on stdout. Warnings and errors go to stderr as one line for each kind,
    without tracebacks (every page that failed is an error row in the archive); the full log,
    with them, goes to --log-file (Scrapy's LOG_FILE setting), and with --verbose to stderr
    as Scrapy writes it. Exit code 0 when the
    run completed, 1 when it could not, 2 for bad input, 130 after Ctrl-C and 143 after
    SIGTERM (the first lets the pages in flight finish, a second stops at once; either way
    the run is recorded as interrupted with what it saved).
    """
    from newsbot.report import format_run_line, json_document
    from newsbot.runner import CrawlSetupError, crawl_report, run_crawl

    if quiet and verbose:
        fail("--quiet and --verbose contradict each other: give one")
    settings = parse_settings(pairs)
    if log_file is not None:
        settings["LOG_FILE"] = log_file
    if settings.get("LOG_FILE"):
        # The file is where the detail goes: Scrapy's own INFO lines unless told otherwise.
        settings.setdefault("LOG_LEVEL", "INFO")
    elif not verbose:
        settings["LOG_ENABLED"] = False  # Scrapy writes nothing; one_line_per_kind does
    else:
        settings.setdefault("LOG_LEVEL", "INFO")
    if redis_url:
        settings["NEWSBOT_REDIS_URL"] = redis_url
    with (
        contextlib.nullcontext() if verbose else one_line_per_kind(),
        crawl_progress("crawl", shown=not quiet) as progress,
    ):
        try:
            outcome = run_crawl(
                site,
                archive=archive,
                editions=parse_editions(editions),
                base_url=base_url,
                urls=urls,
                settings=settings,
                progress=progress,
            )
        except CrawlSetupError as exc:
            fail(str(exc), exc.exit_code)
    report = crawl_report(archive, outcome)
    click.echo(json_document(report) if as_json else format_run_line(report))
    if not outcome.ok:
        sys.exit(outcome.exit_code)


#: Scrapy's lines for a page that could not be fetched: the page is an error row, counted by
#: kind in the summary, so they are left to the log file.
_PAGE_FAILURES = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


class _OneLinePerKind(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings and errors on stderr, the first of each kind (its logger and message
    template) in one line, without its traceback."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setLevel(logging.WARNING)
        self.seen: set[tuple[str, str]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_PAGE_FAILURES) and record.levelno < logging.CRITICAL:
            return
        kind = (record.name, str(record.msg))
        if kind in self.seen:
            return
        self.seen.add(kind)
        try:
            lines = record.getMessage().strip().splitlines() or [""]
        except Exception:  # a record whose arguments do not fit its message
            lines = [str(record.msg)]
        self.stream.write(f"{record.levelname.lower()}: {lines[0]}\n")
        self.flush()


@contextlib.contextmanager
def one_line_per_kind() -> Iterator[None]:
    """While it is open, the log's warnings and errors reach stderr as :class:`_OneLinePerKind`
    says (with Scrapy's own stderr log off: LOG_ENABLED False)."""
    handler = _OneLinePerKind()
    logging.root.addHandler(handler)
    try:
        yield
    finally:
        logging.root.removeHandler(handler)


@contextlib.contextmanager
def crawl_progress(what: str, shown: bool = True) -> Iterator[Progress | None]:
    """A crawl's progress bar on a terminal (:func:`~newsbot.cli.common.progress_bar`), with
    the log lines Scrapy writes meanwhile printed above it rather than through it; None when
    not ``shown``."""
    if not shown:
        yield None
        return
    with progress_bar(what) as progress, contextlib.ExitStack() as stack:

        def start(total: int | None, done: int) -> Callable[[int], None]:
            # Called once Scrapy has set up its log handler: that is the one to move.
            advance = progress(total, done)
            if sys.stderr.isatty():
                stack.enter_context(_log_above_bars())
            return advance

        yield start


class _AboveBars(io.TextIOBase):
    """A stream for log handlers: each line written above the progress bars on stderr."""

    def write(self, text: str) -> int:
        from tqdm import tqdm

        tqdm.write(text, file=sys.stderr, end="")
        return len(text)

    def flush(self) -> None:
        sys.stderr.flush()


@contextlib.contextmanager
def _log_above_bars() -> Iterator[None]:
    handlers = [
        handler
        for handler in logging.root.handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
    ]
    for handler in handlers:
        handler.setStream(_AboveBars())
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(sys.stderr)


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
@json_option
def demo(archive: str, serve: bool, port: int | None, as_json: bool) -> None:
    """Serve the bundled Euronews-style demo site on 127.0.0.1 and crawl it into the archive,
    then say what the archive holds and search it."""
    from newsbot.runner import demo_server

    if serve and as_json:
        fail("--serve prints no summary: run --json without it")

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
        with crawl_progress("demo crawl") as progress:
            summary = run_demo(archive, port=port, progress=progress)
    except CrawlSetupError as exc:
        fail(str(exc), exc.exit_code)
    except OSError as exc:
        fail(f"cannot serve the demo site on 127.0.0.1:{port}: {exc.strerror}")
    if as_json:
        from newsbot.report import json_document

        click.echo(json_document(summary.document()))
    else:
        click.echo(summary.text)
    if not summary.ok:
        sys.exit(1)
