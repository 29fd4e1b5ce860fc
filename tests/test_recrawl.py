"""The decaying recrawl schedule for young articles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsbot.recrawl import next_due, parse_schedule

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_schedule_parses_and_sorts() -> None:
    assert parse_schedule("7d, 1h,1d") == (HOUR, DAY, 7 * DAY)
    assert parse_schedule("") == ()
    with pytest.raises(ValueError, match="'1y' is not a number with m, h, d or w"):
        parse_schedule("1h,1y")


def test_next_due_is_the_first_step_after_the_fetch_counted_from_publication() -> None:
    schedule = parse_schedule("1h,1d,7d")
    published = "2026-03-02T09:00:00+01:00"
    assert next_due(published, "2026-03-02T09:10:00+01:00", schedule) == "2026-03-02T10:00:00+01:00"
    assert next_due(published, "2026-03-02T10:00:00+01:00", schedule) == "2026-03-03T09:00:00+01:00"
    assert next_due(published, "2026-03-05T00:00:00+01:00", schedule) == "2026-03-09T09:00:00+01:00"
    assert next_due(published, "2026-03-10T00:00:00+01:00", schedule) is None
    # Without a publication date the schedule counts from the fetch itself.
    assert next_due(None, "2026-03-02T09:00:00+00:00", schedule) == "2026-03-02T10:00:00+00:00"
