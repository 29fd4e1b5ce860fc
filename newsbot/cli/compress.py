"""newsbot compress: per-site zstd dictionaries, and the stored bodies rewritten with them."""

from __future__ import annotations

import time

import click

from newsbot.cli.common import archive_option, cli, fail, json_option, progress_bar


@cli.command()
@archive_option
@click.option("--site", default=None, help="Only this site (its profile's slug).")
@click.option(
    "--retrain",
    is_flag=True,
    help="Make each site a new dictionary from its pages now, even if it has one.",
)
@click.option(
    "--level",
    type=click.IntRange(1, 22),
    default=None,
    help="zstd level of a new dictionary's bodies (default 9; 19 is ~8% smaller on real "
    "pages, ~14x the CPU, in the crawl too).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=32,
    show_default=True,
    help="Bodies rewritten per transaction.",
)
@json_option
def compress(
    archive: str,
    site: str | None,
    retrain: bool,
    level: int | None,
    batch_size: int,
    as_json: bool,
) -> None:
    """Store the archive's pages smaller: give each site a zstd dictionary made of its own
    pages (if it has none, or with --retrain) and rewrite its stored bodies with it.

    Every rewritten body is read back and checked (same sha256) before it is written, in
    batches of one transaction each: stop it at any moment and run it again to go on. Not
    while a crawl writes to the archive. Crawls give a site a dictionary by themselves once
    it has 10 stored pages (NEWSBOT_DICTIONARY_AFTER) and compress its new pages with it.
    """
    from pathlib import Path

    from newsbot.archive import Archive, ArchiveError, crawl_lock
    from newsbot.report import human_bytes

    if not Path(archive).is_file():
        fail(f"no archive at {archive}")
    started = time.monotonic()
    try:
        with (
            crawl_lock(archive),
            Archive.open(archive) as db,
            progress_bar("compress", " bodies") as bar,
        ):
            bodies_before, dicts_before = db.dictionaries.stored_bytes()
            try:
                results = db.dictionaries.compress_bodies(
                    site=site,
                    retrain=retrain,
                    level=level,
                    batch=batch_size,
                    progress=bar(None, 0),
                )
            except ValueError as exc:
                fail(str(exc))
            bodies_after, dicts_after = db.dictionaries.stored_bytes()
    except ArchiveError as exc:
        fail(str(exc))
    if as_json:
        from dataclasses import asdict

        from newsbot.report import json_document

        document = {
            "archive": archive,
            "seconds": round(time.monotonic() - started, 3),
            "sites": [asdict(result) for result in results],
            "bodies_bytes_before": bodies_before,
            "bodies_bytes_after": bodies_after,
            "dictionaries_bytes_before": dicts_before,
            "dictionaries_bytes_after": dicts_after,
        }
        click.echo(json_document(document))
        return
    for result in results:
        if result.dictionary is None:
            click.echo(f"{result.site}: no dictionary ({result.skipped})")
            continue
        made = "new" if result.trained else "current"
        line = (
            f"{result.site}: {made} dictionary {result.dictionary.id}"
            f" ({result.dictionary.samples} pages, level {result.dictionary.level}),"
            f" {result.rewritten} bodies rewritten"
            f" {human_bytes(result.bytes_before)} -> {human_bytes(result.bytes_after)}"
        )
        if result.kept:
            line += f", {result.kept} left as they were (no smaller)"
        if result.unreadable:
            line += f", {result.unreadable} unreadable left untouched"
        click.echo(line)
    before, after = bodies_before + dicts_before, bodies_after + dicts_after
    click.echo(
        f"stored bodies {human_bytes(bodies_before)} -> {human_bytes(bodies_after)},"
        f" dictionaries {human_bytes(dicts_before)} -> {human_bytes(dicts_after)};"
        f" together {human_bytes(before)} -> {human_bytes(after)}"
        + (f" ({after / before:.2f}x)" if before else "")
    )
