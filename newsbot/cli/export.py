"""newsbot export articles and newsbot export captures: the corpus as files for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from newsbot.cli.common import (
    archive_option,
    article_filter,
    article_filter_options,
    capture_filter,
    capture_filter_options,
    export,
    fail,
    json_option,
    progress_bar,
    reading_archive,
)
from newsbot.cli.output import to_stdout, writing
from newsbot.export.articles import FORMATS, ExportSummary


@export.command("articles")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=FORMATS[0],
    show_default=True,
    help="jsonl (one JSON object per line), csv (header row; lists as JSON text) or parquet "
    "(needs the parquet extra and --output).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (complete or not at all) instead of standard output.",
)
@click.option(
    "--fields",
    metavar="A,B,…",
    help="Only these fields, in this order (default: all but words and links; see the README).",
)
@click.option(
    "--with-words",
    is_flag=True,
    help="Add a words field: the number of words of the text (costs time: each text is "
    "counted on the way).",
)
@click.option(
    "--with-links",
    is_flag=True,
    help="Add a links field: each article's outgoing links (target, kind, anchor_text, "
    "label, position) in the order extraction found them.",
)
@article_filter_options(query=True)
@archive_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="With --output: print the summary as one JSON document (articles, path, bytes, "
    "seconds) on standard output instead of a line on standard error.",
)
def export_articles(
    fmt: str,
    output: Path | None,
    fields: str | None,
    with_words: bool,
    with_links: bool,
    archive: str,
    as_json: bool,
    **filters: Any,
) -> None:
    """Export the archive's articles, oldest first, as JSON Lines (default), CSV or Parquet:
    url, source_url, site, language, title, teaser, text, authors, published_at, modified_at,
    section, tags, image_url, sources, captions, extras, first_seen_at, extracted_at,
    extractor_version, content_hash, capture_id (and words, links if asked for). Times as
    stored (ISO 8601 with zone).
    Streamed: memory stays flat whatever the archive's size. A one-line summary goes to
    standard error."""
    from newsbot.archive.articles import UnknownFieldError, export_fields
    from newsbot.export.articles import ExportError, export_articles, require_pyarrow

    selection = article_filter(filters)
    try:
        names = None if fields is None else [name.strip() for name in fields.split(",")]
        added = [name for name, wanted in (("words", with_words), ("links", with_links)) if wanted]
        chosen = export_fields(names, added)
    except UnknownFieldError as exc:
        fail(f"--fields: {exc}")
    try:
        if fmt == "parquet":
            require_pyarrow()
            if output is None:
                fail("--format parquet writes a file: give --output FILE")
    except ExportError as exc:
        fail(str(exc))
    if as_json and output is None:
        fail("--json prints a summary of what was written: give --output FILE")
    with reading_archive(archive) as db, progress_bar("export", " articles") as bar:
        advance = bar(db.articles.count(selection), 0)
        try:
            if output is None:
                summary = to_stdout(
                    lambda stream: export_articles(db, stream, fmt, selection, chosen, advance)
                )
            else:
                with writing(output):
                    summary = export_articles(db, output, fmt, selection, chosen, advance)
        except ExportError as exc:
            fail(str(exc))
    report_export(summary, archive, as_json)


def report_export(summary: ExportSummary, archive: str, as_json: bool) -> None:
    """An export's summary: one line on standard error (standard output may be the data), or
    with ``--json`` one JSON document on standard output."""
    if not as_json:
        click.echo(summary.line(), err=True)
        return
    from newsbot.report import json_document

    click.echo(json_document({"archive": archive, **summary.document()}))


@export.command("captures")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created; must be new or empty).",
)
@capture_filter_options
@click.option(
    "--latest",
    is_flag=True,
    help="Only the latest capture with a body of each URL in the selection.",
)
@archive_option
@json_option
def export_captures(
    output: Path, latest: bool, archive: str, as_json: bool, **filters: Any
) -> None:
    """Write the raw pages of the archive's captures into a folder, one file per capture with
    the body exactly as fetched, named by URL (HOST/PATH/NAME@ID.html), and a manifest.jsonl
    mapping each file to its url, final_url, fetched_at, status, content_type and sha256.
    Captures without a body (304s, failed fetches) are skipped and counted."""
    from newsbot.archive.exporting import CaptureExport
    from newsbot.export.captures import CaptureExportError, export_captures

    selection = capture_filter(filters)
    with reading_archive(archive) as db, progress_bar("export", " captures") as bar:
        advance = bar(CaptureExport(db).count(selection), 0)
        try:
            with writing(output):
                summary = export_captures(
                    db, output, selection, latest=latest, progress=lambda: advance(1)
                )
        except CaptureExportError as exc:
            fail(str(exc))
    if not as_json:
        click.echo(summary.line())
        return
    from newsbot.report import json_document

    document = {"archive": archive, **summary.document()}
    click.echo(json_document(document))
