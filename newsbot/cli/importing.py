"""newsbot import warc: WARC files from any crawler read into the archive."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from newsbot.cli.common import archive_option, cli, fail, json_option, progress_bar, workers_option
from newsbot.cli.reextract import check_sites


@cli.group("import")
def import_group() -> None:
    """Read pages fetched by other tools into the archive."""


@import_group.command("warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
@click.option(
    "--site",
    help="Read every page with this site profile (default: newsbot's own mark in the file, "
    "else the profile of each URL's host).",
)
@workers_option
@json_option
def import_warc(
    files: tuple[Path, ...], archive: str, site: str | None, workers: int, as_json: bool
) -> None:
    """Read WARC files (wget, warcio, Heritrix, Browsertrix, Common Crawl …) into the archive
    and extract their articles.

    HTTP responses and revisits become captures (each body stored once); everything else is
    skipped and counted. A damaged record is reported with its offset and reading goes on;
    the command then exits with status 1.
    """
    from newsbot.archive import ArchiveError
    from newsbot.importing import import_warc as run
    from newsbot.report import json_document, plural

    if site:
        check_sites((site,))
    for file in files:
        if not file.is_file():
            fail(f"no WARC file at {file}")
    started = time.monotonic()
    try:
        with progress_bar("import", " records") as progress:
            read, report, run_id = run(
                archive, files, site=site, workers=workers, progress=progress
            )
    except ArchiveError as exc:
        fail(str(exc))
    seconds = time.monotonic() - started
    if as_json:
        for damage in read.damaged:
            click.echo(f"damaged: {damage}", err=True)
        document = {
            "archive": archive,
            "run_id": run_id,
            "seconds": round(seconds, 3),
            **read.to_dict(),
            "articles": report.to_dict(),
        }
        click.echo(json_document(document))
    else:
        rate = f" ({read.records / seconds:,.0f} records/s)" if seconds and read.records else ""
        read_from = plural(len(files), "WARC file")
        click.echo(f"imported {read_from} into {archive} in {seconds:,.1f} s{rate}")
        for line in read.lines():
            click.echo(line, err=line.startswith("damaged: "))
        click.echo("articles: " + report.lines()[0])
        for line in report.lines()[1:]:
            click.echo(line)
    if read.damaged:
        sys.exit(1)  # imported what could be read; the damage is worth a look
