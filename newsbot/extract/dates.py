"""Dates as sites write them, to ISO 8601 at the precision the page gives.

A point in time has a zone (``2024-04-28T12:25:38+02:00``). Pages also give a local time without
a zone (``2023-04-28 13:53:25``) or only a day (``2024-04-30``); those are kept as written, in
ISO 8601 (``2023-04-28T13:53:25``, ``2024-04-30``), never given a zone the page did not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_EPOCH = re.compile(r"^\d{9,11}(?:\.\d+)?$")
# "28.04.2023", "28.04.2023, 18:16 Uhr": day, month, year with dots (never month first).
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?:\s*Uhr)?)?$")
# "Fri, 28 Apr 2023 13:53:25 GMT" (feeds, some meta tags).
_RFC_2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")

#: How much of a moment a value names: a day, a local time, a point in time.
DAY, LOCAL, ZONED = 0, 1, 2


def parse_date(value: str) -> tuple[str, int] | None:
    """``value`` in ISO 8601 and its precision (DAY, LOCAL or ZONED); None when it is not a
    date: ``2024-04-28 12:25:38 +02:00`` → ``2024-04-28T12:25:38+02:00``, epoch seconds → UTC,
    ``2024-04-28 12:25:38.0`` → ``2024-04-28T12:25:38``, ``2024-04-28`` → ``2024-04-28``."""
    value = value.strip()
    if _EPOCH.match(value):
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.isoformat(timespec="seconds"), ZONED
    match = _DATE_TIME.match(value)
    if match is None:
        return _dotted(value) or _rfc_2822(value)
    day, time, zone = match.groups()
    try:
        if time is None:
            return datetime.fromisoformat(day).date().isoformat(), DAY
        time = time.replace(",", ".")
        if zone is None:
            return datetime.fromisoformat(f"{day}T{time}").isoformat(timespec="seconds"), LOCAL
        if zone == "Z":
            zone = "+00:00"
        elif len(zone) == 3:
            zone += ":00"
        elif ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        moment = datetime.fromisoformat(f"{day}T{time}{zone}")
    except ValueError:
        return None
    return moment.isoformat(timespec="seconds"), ZONED


def _dotted(value: str) -> tuple[str, int] | None:
    match = _DOTTED.match(value)
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day)).date().isoformat(), DAY
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError:
        return None
    return moment.isoformat(timespec="seconds"), LOCAL


def _rfc_2822(value: str) -> tuple[str, int] | None:
    if not _RFC_2822.match(value):
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds"), LOCAL
    return moment.isoformat(timespec="seconds"), ZONED


def to_iso8601(value: str) -> str | None:
    """``value`` as a point in time (ISO 8601 with time and zone), or None when it has no time
    of day or no zone."""
    parsed = parse_date(value)
    return parsed[0] if parsed is not None and parsed[1] == ZONED else None


def most_precise(candidates: Iterable[str | None]) -> str | None:
    """The first date of ``candidates`` (most trusted first), or a later one that names the
    same day more precisely (a day, then a local time, then a point in time on it)."""
    best: tuple[str, int] | None = None
    for value in candidates:
        parsed = parse_date(value) if value else None
        if parsed is None:
            continue
        if best is None or (parsed[1] > best[1] and parsed[0][:10] == best[0][:10]):
            best = parsed
        if best[1] == ZONED:
            break
    return best[0] if best else None
