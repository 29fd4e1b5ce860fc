"""newsbot stats and newsbot search: read the archive."""

from __future__ import annotations

import click

from newsbot.cli.common import archive_option, cli, fail


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
