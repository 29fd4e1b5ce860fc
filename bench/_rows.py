"""The figures of the bench scripts as data, and the one table `python -m bench` prints.

Each bench script has ``rows(quick=False) -> list[Row]``: it measures (printing its details as
it goes) and returns one :class:`Row` per figure, each beside its baseline measured in the same
run. ``IN_QUICK`` says whether ``python -m bench --quick`` runs it (at the smaller sizes
``rows(quick=True)`` chooses). No newsbot import here: the table needs none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    """What the ratio should be: at least (``≥``) or at most (``≤``) ``bound``."""

    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in ("≥", "≤"):
            raise ValueError(f"a goal is ≥ or ≤ a bound, not {self.op!r}")

    def met(self, ratio: float) -> bool:
        return ratio >= self.bound if self.op == "≥" else ratio <= self.bound

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


def at_least(bound: float) -> Goal:
    return Goal("≥", bound)


def at_most(bound: float) -> Goal:
    return Goal("≤", bound)


@dataclass(frozen=True)
class Row:
    """One figure: ``value`` (in ``unit``) against ``baseline_value`` of ``baseline``, measured
    in the same run, and their ``ratio`` (given, not recomputed: a script may take the median
    of per-round ratios rather than the ratio of medians). ``goal`` None: for information.
    ``spread``: how far the ratio moved over the rounds, when there were several."""

    bench: str
    figure: str
    value: float
    baseline: str
    baseline_value: float
    unit: str
    ratio: float
    goal: Goal | None = None
    spread: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.goal.met(self.ratio)


HEADINGS = ("bench", "figure", "value", "baseline (same run)", "ratio", "goal", "met")


def number(value: float) -> str:
    """A figure with about three significant digits, thousands separated."""
    if value != value:  # NaN
        return "n/a"
    size = abs(value)
    if size >= 100 or value == int(value):
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if size >= 0.1 or size == 0 else f"{value:.3g}"


def cells(row: Row) -> tuple[str, ...]:
    met = {None: "info", True: "yes", False: "NO"}[row.met]
    ratio = f"{row.ratio:.2f}" + (f" ({row.spread})" if row.spread else "")
    return (
        row.bench,
        row.figure,
        f"{number(row.value)} {row.unit}".rstrip(),
        f"{row.baseline}: {number(row.baseline_value)} {row.unit}".rstrip(),
        ratio,
        str(row.goal) if row.goal else "-",
        met,
    )


def table(rows: Sequence[Row], *, markdown: bool = False) -> str:
    """The rows as one table: aligned plain text, or Markdown."""
    lines = [HEADINGS, *map(cells, rows)]
    if markdown:
        out = ["| " + " | ".join(HEADINGS) + " |", "|" + " --- |" * len(HEADINGS)]
        out += ["| " + " | ".join(line) + " |" for line in lines[1:]]
        return "\n".join(out)
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADINGS))]
    rule = "  ".join("-" * width for width in widths)
    text = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    ]
    return "\n".join([text[0], rule, *text[1:]])


def print_table(rows: Sequence[Row]) -> None:
    """What a bench script run on its own prints last: its rows as the table."""
    print()
    print(table(rows))


def summary(rows: Sequence[Row]) -> str:
    """One line: how many goals were met."""
    judged = [row for row in rows if row.met is not None]
    missed = [row for row in judged if not row.met]
    line = f"{len(judged) - len(missed)} of {len(judged)} goals met"
    if missed:
        line += "; missed: " + "; ".join(
            f"{row.bench}: {row.figure} vs {row.baseline}" for row in missed
        )
    return line
