"""newsbot export warc: the archive's captures as a WARC file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import click

from newsbot.cli.common import archive_option, export, fail, iso_moment, json_option, progress_bar


@export.command("warc")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--site",
    "sites",
    multiple=True,
    help="Only captures of this site (profile slug); repeat for several (default: every site).",
)
@click.option(
    "--captured-since",
    callback=iso_moment,
    help="Only captures fetched at or after this ISO 8601 date or time (UTC unless a zone "
    "is given).",
)
@click.option(
    "--captured-until",
    callback=iso_moment,
    help="Only captures fetched before this ISO 8601 date or time (UTC unless a zone is given).",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="Only captures of this URL (requested or final); repeat for several.",
)
@archive_option
@json_option
def export_warc(
    out: Path,
    sites: tuple[str, ...],
    captured_since: str | None,
    captured_until: str | None,
    urls: tuple[str, ...],
    archive: str,
    as_json: bool,
) -> None:
    """Write the archive's captures to OUT as a gzipped WARC/1.1 file (warcio check, warcio
    index, pywb read it): request and response records with each capture's headers and time,
    revisit records for bodies fetched again, payload digests. Captures without an answer are
    skipped and counted. Streamed (any archive size); OUT appears only once complete."""
    from newsbot.archive import Archive, ArchiveError
    from newsbot.archive.exporting import CaptureFilter
    from newsbot.warc.export import WarcExportError, export_warc, selected_count

    selection = CaptureFilter(
        sites=sites, urls=urls, captured_since=captured_since, captured_until=captured_until
    )
    started = time.monotonic()
    try:
        with Archive.open(archive, readonly=True) as db, progress_bar("export", " captures") as bar:
            advance = bar(selected_count(db, selection), 0)
            summary = export_warc(db, out, selection, progress=lambda: advance(1))
    except (ArchiveError, WarcExportError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        # A file damaged past its header opens fine and fails on the first real read.
        fail(f"cannot read archive at {archive}: {exc}")
    if not as_json:
        click.echo(summary.line())
        return
    from dataclasses import asdict

    from newsbot.report import json_document

    document = {
        "archive": archive,
        **asdict(summary),
        "path": str(summary.path),
        "seconds": round(time.monotonic() - started, 3),
    }
    click.echo(json_document(document))
