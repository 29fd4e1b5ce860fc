"""When a young article is fetched again: a decaying schedule counted from its publication.

``NEWSBOT_RECRAWL_SCHEDULE = "1h,1d,7d"`` fetches an article again one hour, one day and seven
days after it was published (corrections and updates come early), then never on schedule again —
only when its sitemap lastmod or news publication date changes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_STEP = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_schedule(value: str) -> tuple[timedelta, ...]:
    """``"1h, 1d, 7d"`` → its steps, ascending; ValueError naming the step that is wrong."""
    steps = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        match = _STEP.match(part)
        if not match:
            raise ValueError(f"recrawl step {part!r} is not a number with m, h, d or w")
        steps.append(timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
    return tuple(sorted(steps))


def next_due(
    published_at: str | None, fetched_at: str, schedule: tuple[timedelta, ...]
) -> str | None:
    """The first step of ``schedule`` after ``fetched_at``, counted from ``published_at`` (or from
    ``fetched_at`` when the date is unknown); None once the schedule is over."""
    fetched = datetime.fromisoformat(fetched_at)
    try:
        base = datetime.fromisoformat(published_at) if published_at else fetched
    except ValueError:
        base = fetched
    if base.tzinfo is None:
        # A day or a local time without a zone (as the page gave it): read in the fetch's zone.
        base = base.replace(tzinfo=fetched.tzinfo)
    for step in schedule:
        when = base + step
        if when > fetched:
            return when.isoformat(timespec="seconds")
    return None
