"""newsbot reextract: the crawl's extraction run again over the archive, offline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from newsbot.cli.common import (
    archive_option,
    capture_filter,
    capture_filter_options,
    cli,
    fail,
    json_option,
    progress_bar,
    workers_option,
)


def write_report(path: str, data: dict[str, Any]) -> None:
    from newsbot.report import json_document

    try:
        Path(path).write_text(json_document(data) + "\n")
    except OSError as exc:
        fail(f"cannot write report {path}: {exc.strerror or exc}")


@cli.command()
@archive_option
@capture_filter_options
@click.option(
    "--all-captures", is_flag=True, help="Every capture of each URL, not only the latest."
)
@click.option(
    "--stale",
    is_flag=True,
    help="Only captures last extracted by another extractor version than today's.",
)
@workers_option
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option(
    "--report",
    "report_path",
    metavar="FILE",
    help="Also write the report as JSON (the document --json prints).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0),
    default=20.0,
    show_default=True,
    help="Seconds one page may take (0: no limit).",
)
@json_option
def reextract(
    archive: str,
    all_captures: bool,
    stale: bool,
    workers: int,
    dry_run: bool,
    report_path: str | None,
    timeout: float,
    as_json: bool,
    **filters: Any,
) -> None:
    """Extract stored pages again with today's extractor, offline, and report what changed.

    Takes the latest capture of each article URL (--all-captures: each), reads it by the site
    profile's rules of its capture date, and writes only what changed: a new version of a
    changed article with its links, articles that are new or no longer articles. Killed, the
    same command continues where it stopped.
    """
    from newsbot.archive import ArchiveError
    from newsbot.archive.reextraction import Selection
    from newsbot.reextract import reextract as run

    chosen = capture_filter(filters)
    check_sites(chosen.sites)
    selection = Selection(**vars(chosen), all_captures=all_captures, stale=stale)
    if not Path(archive).exists():
        fail(f"no archive at {archive}")
    if report_path and not Path(report_path).resolve().parent.is_dir():
        fail(f"cannot write report {report_path}: no such folder")
    started = time.monotonic()
    try:
        with progress_bar("reextract") as progress:
            report, run_id = run(
                archive,
                selection,
                workers=workers,
                dry_run=dry_run,
                timeout=timeout,
                progress=progress,
            )
    except ArchiveError as exc:
        fail(str(exc))
    seconds = time.monotonic() - started
    data = {
        "archive": archive,
        "run_id": run_id,
        "dry_run": dry_run,
        "seconds": round(seconds, 3),
        **report.to_dict(),
    }
    if report_path:
        write_report(report_path, data)
    if as_json:
        from newsbot.report import json_document

        click.echo(json_document(data))
        return
    done = report.done
    rate = f" ({done / seconds:,.0f}/s)" if seconds > 0 and done else ""
    prefix = "dry run, nothing written: " if dry_run else ""
    click.echo(f"{prefix}re-extracted {done:,} captures in {seconds:,.1f} s{rate}")
    for line in report.lines():
        click.echo(line)


def check_sites(sites: tuple[str, ...]) -> None:
    """Fail in one line for a site no profile is known for."""
    from newsbot.sites import known_sites

    known = known_sites()
    for site in sites:
        if site not in known:
            fail(f"unknown site {site!r} (known: {', '.join(sorted(known))})")
