"""Dates as sites write them, to ISO 8601 with time and zone, or nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_SPACE_ZONE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_EPOCH = re.compile(r"^\d{9,11}(?:\.\d+)?$")


def to_iso8601(value: str) -> str | None:
    """``2024-04-28 12:25:38 +02:00``, ``2024-04-28T10:25:38Z``, epoch seconds … as
    ``2024-04-28T12:25:38+02:00``. None when the value has no time of day or no zone: a date
    without a zone is not a point in time, and a better candidate usually exists.
    """
    value = value.strip()
    if _EPOCH.match(value):
        try:
            return datetime.fromtimestamp(float(value), UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    match = _SPACE_ZONE.match(value)
    if not match:
        return None
    day, time, zone = match.groups()
    if zone is None:
        return None
    if zone == "Z":
        zone = "+00:00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        parsed = datetime.fromisoformat(f"{day}T{time}{zone}")
    except ValueError:
        return None
    return parsed.isoformat(timespec="seconds")
