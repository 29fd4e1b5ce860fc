"""newsbot related, newsbot translations and newsbot export links: read the link graph."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, get_args

import click

from newsbot.cli.common import archive_option, cli, export, fail, json_option, reading_archive
from newsbot.cli.output import write_text
from newsbot.items import LinkKind

if TYPE_CHECKING:
    from newsbot.archive.graph import ClusterMember, Edge, RelatedView

_KINDS: tuple[str, ...] = get_args(LinkKind)


def _unknown(url: str, archive: str) -> str:
    return f"{url} is neither an archived article nor the target of a link in {archive}"


@cli.command()
@click.argument("url")
@archive_option
@json_option
def related(url: str, archive: str, as_json: bool) -> None:
    """Show an article's related articles and its backlinks (the archived articles linking
    to it). URL may be pasted as found: tracking parameters, fragments, http or https, a
    trailing slash or not."""
    from newsbot.report import json_document, related_document

    with reading_archive(archive) as db:
        view = db.graph.related_of(url)
    if view is None:
        fail(_unknown(url, archive))
    if as_json:
        click.echo(json_document(related_document(view)))
    else:
        click.echo("\n".join(_related_lines(view)))


@cli.command()
@click.argument("url")
@archive_option
@json_option
def translations(url: str, archive: str, as_json: bool) -> None:
    """List every language version of the story at URL, one per line: language, URL, title.
    Translations count both ways and across pages (A lists B, B lists C: one story)."""
    from newsbot.report import json_document, translations_document

    with reading_archive(archive) as db:
        known = db.graph.resolve_url(url)
        members = db.graph.translation_cluster(known) if known else []
    if not known or not members:
        fail(_unknown(url, archive))
    if as_json:
        click.echo(json_document(translations_document(known, members)))
    else:
        click.echo("\n".join(_cluster_lines(members)))


@export.command("links")
@archive_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="csv (header row; Gephi and pandas read it) or jsonl (one JSON object per line).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(_KINDS),
    help="Only links of this kind; repeat for several (default: every kind).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file (complete or not at all) instead of standard output.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="With --output: print the summary as one JSON document (links, path, bytes, "
    "seconds) on standard output instead of a line on standard error.",
)
def export_links(
    archive: str, fmt: str, kinds: tuple[str, ...], output: Path | None, as_json: bool
) -> None:
    """Export the link graph, one edge per row: source, target, kind, anchor_text, label,
    position, source_language, target_language, target_archived. Streamed: any archive size.
    A one-line summary goes to standard error."""
    from newsbot.cli.export import report_export
    from newsbot.export.articles import ExportSummary

    if as_json and output is None:
        fail("--json prints a summary of what was written: give --output FILE")
    started = time.perf_counter()
    with reading_archive(archive) as db:
        edges = db.graph.iter_edges(kinds or None)
        count = write_text(output, lambda stream: _write_edges(edges, fmt, stream))
    size = None if output is None else output.stat().st_size
    summary = ExportSummary(count, time.perf_counter() - started, output, size, what="links")
    report_export(summary, archive, as_json)


def _write_edges(edges: Iterable[Edge], fmt: str, stream: TextIO) -> int:
    """Write ``edges`` to ``stream``; how many were written."""
    from newsbot.archive.graph import EDGE_FIELDS

    count = 0
    if fmt == "jsonl":
        for edge in edges:
            record = {name: getattr(edge, name) for name in EDGE_FIELDS}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.writer(stream, lineterminator="\n")
    # The JSONL keys as the header: Gephi's spreadsheet import finds its "Source" and "Target"
    # columns (and "kind", "label") whatever their case, and makes the others edge attributes.
    writer.writerow(EDGE_FIELDS)
    for edge in edges:
        writer.writerow([_csv_value(getattr(edge, name)) for name in EDGE_FIELDS])
        count += 1
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _related_lines(view: RelatedView) -> Iterator[str]:
    yield view.title if view.title is not None else "(not archived)"
    yield f"  {view.url}" + (f"  [{view.language}]" if view.language else "")
    yield ""
    if not view.related:
        yield "related: none" if view.archived else "related: unknown (the page is not archived)"
    group: tuple[str, str] | None = None
    for link in view.related:
        if (link.kind, link.label) != group:
            group = (link.kind, link.label)
            yield f"{link.kind}" + (f" ({link.label})" if link.label else "") + ":"
        mark = "" if link.archived else "  [not archived]"
        yield f"  {link.position}. {link.title or link.url}{mark}"
        yield f"     {link.url}"
    yield ""
    if not view.backlinks:
        yield "backlinks: none"
        return
    # Backlinks come one per source and kind, sources together: one entry per source.
    kinds: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for back in view.backlinks:
        kinds.setdefault(back.source_url, []).append(back.kind)
        titles[back.source_url] = back.title
    count = len(kinds)
    yield f"backlinks: {count} archived article{'s' if count != 1 else ''} link here"
    for source, source_kinds in kinds.items():
        yield f"  {titles[source]} ({', '.join(source_kinds)})"
        yield f"     {source}"


def _cluster_lines(members: list[ClusterMember]) -> Iterator[str]:
    width = max(len(m.language or "?") for m in members)
    for m in members:
        title = m.title if m.title is not None else "(not archived)"
        yield f"{m.language or '?':<{width}}  {m.url}  {title}"
