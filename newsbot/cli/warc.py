"""newsbot export warc: the archive's captures as a WARC file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from newsbot.cli.common import (
    archive_option,
    capture_filter,
    capture_filter_options,
    export,
    fail,
    json_option,
    progress_bar,
    reading_archive,
)


@export.command("warc")
@click.argument("out", type=click.Path(path_type=Path))
@capture_filter_options
@archive_option
@json_option
def export_warc(out: Path, archive: str, as_json: bool, **filters: Any) -> None:
    """Write the archive's captures to OUT as a gzipped WARC/1.1 file (warcio check, warcio
    index, pywb read it): request and response records with each capture's headers and time,
    revisit records for bodies fetched again, payload digests. Captures without an answer are
    skipped and counted. Streamed (any archive size); OUT appears only once complete."""
    from newsbot.warc.export import WarcExportError, export_warc, selected_count

    selection = capture_filter(filters)
    started = time.monotonic()
    with reading_archive(archive) as db, progress_bar("export", " captures") as bar:
        advance = bar(selected_count(db, selection), 0)
        try:
            summary = export_warc(db, out, selection, progress=lambda: advance(1))
        except WarcExportError as exc:
            fail(str(exc))
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
