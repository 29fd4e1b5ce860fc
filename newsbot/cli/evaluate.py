"""newsbot eval: extraction quality over fixture cases and real pages, against a floor that only
rises; reviewed updates of expected output as diffs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsbot.cli.common import cli, fail, json_option, progress_bar

if TYPE_CHECKING:
    from newsbot.evaluate import FolderEvaluation


@cli.command("eval")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1 when a score of newsbot falls below a folder's recorded floor (floor.json).",
)
@click.option(
    "--raise-floor",
    is_flag=True,
    help="Record newsbot's scores in each folder's floor.json where they beat it (never lowers).",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff for each fixture case whose output differs from its "
    "expected.json (to read, then apply by hand with git apply); scores nothing.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also list each real page's body F1 per extractor, why newsbot refused a page, where "
    "the truth may miss text both extractors found, and the fixture cases newsbot gets wrong.",
)
@json_option
def evaluate_command(
    folders: tuple[Path, ...],
    check: bool,
    raise_floor: bool,
    show_diff: bool,
    verbose: bool,
    as_json: bool,
) -> None:
    """Score newsbot beside plain trafilatura (its default options, and the options newsbot
    hands it) over each FOLDER: fixture cases (page.html, meta.json, expected.json) and real
    pages (page.html.gz, truth.json). Default: tests/fixtures/extract and
    tests/fixtures/realpages of the repository newsbot runs from, whatever the current
    folder."""
    from newsbot import evaluate as ev

    if check and raise_floor:
        fail("--check and --raise-floor go in separate runs")
    if show_diff and (check or raise_floor or as_json):
        fail("--diff only prints diffs: run --check, --raise-floor or --json without it")
    try:
        folders = folders or ev.default_folders()
        if show_diff:
            _print_diffs(folders)
            return
        with progress_bar("eval") as progress:
            results = [ev.evaluate(folder, progress) for folder in folders]
        floors = {r.folder: ev.read_floor(r.folder) for r in results}
    except ev.EvalError as exc:
        fail(str(exc))
    if not as_json:
        _print_tables(results, verbose)
    if raise_floor:
        for result in results:
            path = result.folder / ev.FLOOR_FILE
            floors[result.folder] = ev.raised_floor(result.summary(), floors[result.folder])
            try:
                ev.write_floor(result.folder, floors[result.folder])
            except OSError as exc:
                fail(f"cannot write {path}: {exc.strerror or exc}")
            if not as_json:
                click.echo(f"floor recorded in {path}")
    failed = False
    if check:
        for result in results:
            floor = floors[result.folder]
            if not floor:
                click.echo(
                    f"{result.folder}: no floor recorded (newsbot eval {result.folder} "
                    "--raise-floor)",
                    err=True,
                )
                failed = True
                continue
            problems = ev.below_floor(result.summary(), floor)
            if problems:
                click.echo(f"{result.folder}: below the floor: " + "; ".join(problems), err=True)
                failed = True
    if as_json:
        from newsbot.report import json_document

        document: dict[str, Any] = {"folders": [_document(r, floors[r.folder]) for r in results]}
        if check:
            document["check"] = "failed" if failed else "passed"
        click.echo(json_document(document))
    if failed:
        sys.exit(1)
    if check and not as_json:
        click.echo("every score is at or above the floor")


def _print_tables(results: list[FolderEvaluation], verbose: bool) -> None:
    from newsbot import evaluate as ev
    from newsbot.evaluate_real import format_real_pages, format_real_table

    blocks = []
    for result in results:
        if result.cases:
            blocks.append(ev.format_table(result.cases, result.folder))
            if verbose and result.cases.misses:
                blocks.append(ev.format_misses(result.cases))
        if result.real:
            blocks.append(format_real_table(result.real))
            if verbose:
                blocks.append(format_real_pages(result.real))
    click.echo("\n\n".join(blocks))


def _document(result: FolderEvaluation, floor: dict[str, float]) -> dict[str, Any]:
    """One folder in ``--json``: what its tables show, its floor (as written by
    --raise-floor), and the scores below it (None: no floor recorded)."""
    from newsbot import evaluate as ev
    from newsbot.evaluate_runs import EXTRACTORS

    return {
        "folder": str(result.folder),
        "fixture_cases": _cases_document(result, EXTRACTORS),
        "real_pages": _real_document(result, EXTRACTORS),
        "floor": floor,
        "below_floor": ev.below_floor(result.summary(), floor) if floor else None,
    }


def _cases_document(result: FolderEvaluation, extractors: tuple[str, ...]) -> Any:
    cases = result.cases
    if cases is None:
        return None
    return {
        "cases": cases.cases,
        "articles": cases.newsbot.articles,
        "scores": {name: cases.scores[name].summary() for name in extractors},
        "cpu_seconds": {name: round(cases.scores[name].cpu, 3) for name in extractors},
        "misses": cases.misses,
    }


def _real_document(result: FolderEvaluation, extractors: tuple[str, ...]) -> Any:
    real = result.real
    if real is None:
        return None
    scores = {}
    for name in extractors:
        own = real.scores[name]
        scores[name] = {
            **own.summary(),
            "real:body_precision": round(own.mean("precision"), 4),
            "real:body_recall": round(own.mean("recall"), 4),
        }
    return {
        "pages": len(real.pages),
        "scores": scores,
        "cpu_seconds": {name: round(real.scores[name].cpu, 3) for name in extractors},
    }


def _print_diffs(folders: tuple[Path, ...]) -> None:
    from newsbot import evaluate as ev

    cases = [case for folder in folders for case in ev.find_cases(folder)]
    if not cases:
        fail(
            f"{', '.join(map(str, folders))}: no fixture cases (page.html, meta.json, "
            "expected.json) to compare"
        )
    changed = []
    for name, diff in ev.expected_diffs(cases):
        click.echo(diff, nl=False)
        changed.append(name)
    click.echo(
        f"{len(changed)} of {len(cases)} expected.json differ from newsbot's output"
        + (
            ": read the diff, then `git apply` what is right from the repository's top folder"
            if changed
            else ""
        ),
        err=True,
    )
