"""newsbot stats and newsbot search: read the archive."""

from __future__ import annotations

import click

from newsbot.cli.common import archive_option, cli, reading_archive


@cli.command()
@archive_option
def stats(archive: str) -> None:
    """Print what the archive holds."""
    from newsbot.report import format_stats

    with reading_archive(archive) as db:
        click.echo(format_stats(archive, db.stats()))


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
    from newsbot.report import format_hits

    with reading_archive(archive) as db:
        click.echo(format_hits(query, db.search(query, limit=limit)))
