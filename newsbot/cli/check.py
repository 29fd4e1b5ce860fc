"""newsbot check: SQLite's integrity check and every stored body against its sha256."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsbot.cli.common import archive_option, cli, fail, json_option, missing_archive, progress_bar

if TYPE_CHECKING:
    from newsbot.archive.check import CheckReport


@cli.command()
@archive_option
@click.option(
    "--quick",
    is_flag=True,
    help="SQLite's quick_check instead of integrity_check (skips index contents; faster).",
)
@json_option
def check(archive: str, quick: bool, as_json: bool) -> None:
    """Look for damage in the archive: SQLite's integrity check of every table and index,
    then every stored page read back and compared with its sha256. Prints one line per damaged
    thing (a body with the captures and URLs that use it, a table's page as SQLite reports it)
    and a summary line. Exit code 0 when the archive is intact, 1 when damage was found.
    Only reads the archive: run it while a crawl writes, or on a copy."""
    from newsbot.archive.check import CheckInputError, check_archive

    if not Path(archive).exists():
        fail(missing_archive(archive))
    try:
        with progress_bar("check", " bodies") as bar:
            report = check_archive(archive, quick=quick, progress=bar)
    except CheckInputError as exc:
        fail(str(exc))
    if as_json:
        from newsbot.report import json_document

        click.echo(json_document(check_document(report)))
    else:
        for line in report_lines(report):
            click.echo(line)
    if not report.ok:
        raise SystemExit(1)


def check_document(report: CheckReport) -> dict[str, Any]:
    """``newsbot check --json``: ``archive``, ``ok``, ``seconds``, ``sqlite`` (``check``:
    integrity_check or quick_check, ``problems``: ``message`` and ``table``), ``bodies``
    (``checked``, ``damaged``: ``sha256``, ``reason``, ``captures``, ``urls``; ``unreadable``:
    parts of the bodies table that could not be read at all)."""
    return {
        "archive": report.path,
        "ok": report.ok,
        "seconds": round(report.seconds, 3),
        "sqlite": {
            "check": report.pragma,
            "problems": [asdict(problem) for problem in report.sqlite_problems],
        },
        "bodies": {
            "checked": report.bodies_checked,
            "damaged": [
                {**asdict(body), "urls": list(body.urls)} for body in report.damaged_bodies
            ],
            "unreadable": list(report.unreadable),
        },
    }


def report_lines(report: CheckReport) -> list[str]:
    """One line per damaged thing, then the summary line."""
    from newsbot.report import plural

    lines = []
    for body in report.damaged_bodies:
        used = (
            f"; used by {plural(body.captures, 'capture')}: {', '.join(body.urls)}"
            + (" …" if body.captures > len(body.urls) else "")
            if body.captures
            else "; used by no capture"
        )
        lines.append(f"damaged body {body.sha256}: {body.reason}{used}")
    for text in report.unreadable:
        lines.append(f"unreadable: {text}")
    for problem in report.sqlite_problems:
        where = f" (in {problem.table})" if problem.table else ""
        lines.append(f"sqlite {report.pragma}: {problem.message}{where}")
    verified = plural(report.bodies_checked, "body", "bodies")
    if report.ok:
        lines.append(
            f"{report.path}: intact — SQLite {report.pragma} ok, {verified} match their sha256"
            f" ({report.seconds:.1f} s)"
        )
        return lines
    damaged = plural(len(report.damaged_bodies), "damaged body", "damaged bodies")
    unreadable = f", {len(report.unreadable)} unreadable part" if report.unreadable else ""
    lines.append(
        f"{report.path}: DAMAGED — {damaged} of {verified} read,"
        f" {plural(len(report.sqlite_problems), 'problem')} reported by SQLite {report.pragma}"
        f"{unreadable} ({report.seconds:.1f} s)"
    )
    return lines
