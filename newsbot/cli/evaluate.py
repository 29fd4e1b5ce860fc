"""newsbot eval: extraction quality over the fixture corpus, against a floor that only rises."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsbot.cli.common import cli, fail


@cli.command("eval")
@click.argument("fixtures", default="tests/fixtures/extract", type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Exit 1 when a score falls below the recorded floor.")
@click.option(
    "--raise-floor", is_flag=True, help="Record the scores that beat the floor (never lowers it)."
)
@click.option(
    "--regenerate",
    is_flag=True,
    help="Rewrite each expected.json from newsbot's current output, for review with git diff.",
)
def evaluate_command(fixtures: Path, check: bool, raise_floor: bool, regenerate: bool) -> None:
    """Score newsbot and plain trafilatura side by side over the FIXTURES cases: per-field
    accuracy, article detection, body precision/recall/F1, furniture leaks."""
    from newsbot import evaluate as ev

    try:
        if regenerate:
            changed = list(ev.regenerate(fixtures))
            click.echo(
                f"{len(changed)} expected.json rewritten" + "".join(f"\n  {n}" for n in changed)
            )
            return
        result = ev.evaluate(fixtures)
    except ev.EvalError as exc:
        fail(str(exc))
    click.echo(ev.format_table(result))
    scores, floor = result.newsbot.summary(), ev.read_floor(fixtures)
    if raise_floor:
        ev.write_floor(fixtures, ev.raised_floor(scores, floor))
        click.echo(f"floor recorded in {fixtures / ev.FLOOR_FILE}")
    elif check:
        problems = ev.below_floor(scores, floor)
        if problems:
            click.echo("below the floor: " + "; ".join(problems), err=True)
            sys.exit(1)
        click.echo("every score is at or above the floor")
