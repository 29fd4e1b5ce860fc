"""newsbot stats, newsbot search and newsbot runs: read the archive."""

from __future__ import annotations

import sys
from typing import Any

import click

from newsbot.cli.common import (
    archive_option,
    article_filter,
    article_filter_options,
    cli,
    json_option,
    reading_archive,
)


@cli.command()
@archive_option
@json_option
def stats(archive: str, as_json: bool) -> None:
    """Print what the archive holds: articles per language, links per kind, captures, errors,
    the frontier (what a crawl started now would fetch) and the runs."""
    from newsbot.report import format_stats, json_document, stats_document

    with reading_archive(archive) as db:
        found = db.stats()
    click.echo(
        json_document(stats_document(archive, found)) if as_json else format_stats(archive, found)
    )


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
@click.option(
    "--offset",
    default=0,
    type=click.IntRange(0),
    help="Skip this many of the best hits first (the next page: --offset 10).",
)
@article_filter_options(query=False)
@json_option
def search(
    query: str, archive: str, limit: int, offset: int, as_json: bool, **filters: Any
) -> None:
    """Full-text search over the titles and texts of archived articles, best first: how many
    match, and a snippet of each hit on one line (matches highlighted on a terminal).
    QUERY takes FTS5 syntax (AND, OR, NOT, "a phrase", prefix*) or plain words."""
    from newsbot.report import format_hits, json_document, search_document

    selection = article_filter(filters, query=query)
    with reading_archive(archive) as db:
        found = db.search.page(query, selection, limit=limit, offset=offset)
    if as_json:
        click.echo(json_document(search_document(found)))
        return
    highlight = _highlight if sys.stdout.isatty() else None
    click.echo(format_hits(query, found, highlight))


def _highlight(term: str) -> str:
    return click.style(term, fg="yellow", bold=True)


@cli.command()
@archive_option
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1),
    help="Most runs to list (the newest).",
)
@json_option
def runs(archive: str, limit: int, as_json: bool) -> None:
    """List past runs (crawls, re-extractions, imports), newest first: spider, site, status,
    start, duration, pages fetched, new and changed articles, errors, captures."""
    from newsbot.report import format_runs, json_document, run_summary

    with reading_archive(archive) as db:
        every = db.crawl_runs.all()
    shown = every[:limit]
    if as_json:
        document = {"total": len(every), "runs": [run_summary(run) for run in shown]}
        click.echo(json_document(document))
        return
    click.echo(format_runs(shown, len(every)))
