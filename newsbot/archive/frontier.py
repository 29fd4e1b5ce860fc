"""The crawl frontier: every discovered URL, when it is due, and what its last fetch said.

One ``frontier`` row per URL (canonical, as requested: the ``url`` of its captures), set by the
rules of :mod:`~newsbot.archive.schedule`. :class:`Frontier` (``archive.frontier``) records what
listings name and reads what is due; the fetch bookkeeping is written by
``Archive.save_capture`` in the capture's own transaction (:meth:`Frontier.record_fetch`), so a
crawl killed at any moment resumes from :meth:`Frontier.due` and refetches at most what was in
flight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import fields, replace
from operator import attrgetter

from newsbot.archive.records import INSERT_ERROR, FrontierStats
from newsbot.archive.schedule import (
    DISCOVERY_KINDS,
    MAX_FAILURES,
    DueURL,
    FoundIn,
    FrontierEntry,
    FrontierRow,
    FrontierState,
    fetched,
    given_up,
    listed,
    revisit_of,
    utc_iso,
)
from newsbot.archive.session import Session, grouped, where
from newsbot.items import Capture, CaptureKind

__all__ = [
    "DISCOVERY_KINDS",
    "DUE_BATCH",
    "MAX_FAILURES",
    "DueURL",
    "FoundIn",
    "Frontier",
    "FrontierEntry",
    "FrontierRow",
    "FrontierState",
    "revisit_of",
]

#: Rows read per query by :meth:`Frontier.due`.
DUE_BATCH = 500

_COLUMNS = tuple(f.name for f in fields(FrontierRow))
#: A row's values in column order (``dataclasses.astuple`` deep-copies: 50 times slower).
_VALUES = attrgetter(*_COLUMNS)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM frontier"
_SELECT_ONE = f"{_SELECT} WHERE url = ?"
_UPSERT = (
    f"INSERT INTO frontier ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    f" ON CONFLICT (url) DO UPDATE SET"
    f" {', '.join(f'{name} = excluded.{name}' for name in _COLUMNS[1:])}"
)
# Both read through the partial index frontier_due: one priority level at a time, oldest due
# first, keyset-paginated so a long resume never pins one snapshot of the file.
_TOP_PRIORITY = "SELECT MAX(priority) FROM frontier WHERE site = ? AND due_at IS NOT NULL"
_NEXT_PRIORITY = f"{_TOP_PRIORITY} AND priority < ?"
_DUE_PAGE = (
    f"{_SELECT} WHERE site = ? AND priority = ? AND due_at IS NOT NULL AND due_at <= ?"
    f" AND (due_at, url) > (?, ?) ORDER BY due_at, url LIMIT {DUE_BATCH}"
)


def load_row(conn: sqlite3.Connection, url: str) -> FrontierRow | None:
    """The frontier row of ``url``, or None."""
    found = conn.execute(_SELECT_ONE, (url,)).fetchone()
    return None if found is None else FrontierRow(*found)


def store_row(conn: sqlite3.Connection, row: FrontierRow) -> None:
    """Insert or overwrite the frontier row of ``row.url`` (inside the caller's transaction)."""
    conn.execute(_UPSERT, _VALUES(row))


class Frontier:
    """The frontier of one archive (``archive.frontier``): what listings name, what is due."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.conn
        #: Failed fetches in a row after which a URL is no longer due by itself; a crawl may
        #: set its own (e.g. from a setting) right after opening the archive.
        self.max_failures = MAX_FAILURES

    def record_listed(
        self, entries: Sequence[FrontierEntry], *, now: str | None = None
    ) -> list[DueURL]:
        """Record the URLs a listing (or a page's links) names and return those to fetch now,
        in one transaction.

        New URLs are added (``first_seen_at`` = ``now``); known ones get the listing's
        ``found_in``, and its ``lastmod``, ``published_at`` and ``priority`` where given.
        Returned, once each and in listing order: discovery documents (the spider requests
        them every run, conditionally), unless they failed :attr:`max_failures` times in a row
        and are not start listings, and every other URL due at ``now`` (default: the archive's
        clock). Call it before saving the capture of the listing itself: the
        listing's ETag is stored with its capture, and a crash in between must not leave a
        304-answering listing whose URLs were never recorded.
        """
        at = self._now(now)
        due: dict[str, DueURL] = {}
        with self._session.transaction(f"record {len(entries)} discovered URLs") as conn:
            for entry in entries:
                before = load_row(conn, entry.url)
                row = listed(before, entry, at)
                if row != before:
                    store_row(conn, row)
                listing = row.kind in DISCOVERY_KINDS and (
                    entry.found_in == "start" or not given_up(row, self.max_failures)
                )
                if listing or (row.due_at is not None and row.due_at <= at):
                    due[row.url] = row.as_due()
                else:
                    due.pop(row.url, None)
        return list(due.values())

    def due(
        self, site: str, *, now: str | None = None, limit: int | None = None
    ) -> Iterator[DueURL]:
        """What a run of ``site`` must fetch: every URL due at ``now`` (default: the archive's
        clock, read once), highest priority first, then longest waiting first.

        That is: URLs discovered and never fetched (a killed run's leftovers), failures under
        the retry cap, listings that changed, schedules that came due, and the discovery
        documents seen before (child sitemaps, section pages). Read in short batches, so the
        crawl can write while it iterates; a URL fetched meanwhile may still come out.
        """
        at = self._now(now)
        left = limit
        if left is not None and left <= 0:
            return
        priority: int | None = self._conn.execute(_TOP_PRIORITY, (site,)).fetchone()[0]
        while priority is not None:
            after = ("", "")
            while batch := self._conn.execute(_DUE_PAGE, (site, priority, at, *after)).fetchall():
                for values in batch:
                    yield FrontierRow(*values).as_due()
                    if left is not None:
                        left -= 1
                        if left == 0:
                            return
                last = FrontierRow(*batch[-1])
                after = (last.due_at or "", last.url)
            priority = self._conn.execute(_NEXT_PRIORITY, (site, priority)).fetchone()[0]

    def fetch_count(self, url: str) -> int | None:
        """How many times ``url`` has been fetched and saved (None: not in the frontier)."""
        row = self._conn.execute("SELECT fetch_count FROM frontier WHERE url = ?", (url,))
        found = row.fetchone()
        return None if found is None else int(found[0])

    def stats(self, site: str | None = None, *, now: str | None = None) -> FrontierStats:
        """URLs of ``site`` (or every site) by state and kind, and how many are due at ``now``
        (default: the archive's clock)."""
        return frontier_stats(self._conn, site, self._now(now))

    def record_fetch(
        self,
        conn: sqlite3.Connection,
        known: FrontierRow | None,
        capture: Capture,
        capture_id: int,
        sha256: str | None,
        next_due_at: str | None,
    ) -> None:
        """Update the frontier for a capture, inside ``save_capture``'s transaction (``conn``)."""
        row = fetched(
            known,
            capture,
            capture_id=capture_id,
            sha256=sha256,
            next_due_at=next_due_at,
            max_failures=self.max_failures,
        )
        store_row(conn, row)

    def block(
        self,
        url: str,
        site: str,
        kind: CaptureKind,
        *,
        now: str | None = None,
        error: tuple[int | None, str, str] | None = None,
    ) -> bool:
        """Mark ``url`` ``blocked`` (robots.txt forbids it): not due until a listing gives it a
        new date. True when it was not blocked before, so the reason is recorded once:
        ``error`` (run id, kind, message) is then its ``fetch`` error row, written in the same
        transaction (never the one without the other)."""
        at = self._now(now)
        with self._session.transaction(f"block {url}") as conn:
            row = load_row(conn, url)
            if row is not None and row.state == "blocked":
                if row.due_at is not None:
                    store_row(conn, replace(row, due_at=None))
                return False
            if row is None:
                row = FrontierRow(url=url, site=site, kind=kind, found_in="start", first_seen_at=at)
            # The listing dates seen now count as seen: only a new one makes it due again.
            store_row(
                conn,
                replace(
                    row,
                    state="blocked",
                    due_at=None,
                    listed_lastmod=row.lastmod,
                    listed_published_at=row.published_at,
                ),
            )
            if error is not None:
                run_id, error_kind, message = error
                conn.execute(INSERT_ERROR, (run_id, None, url, "fetch", error_kind, message, at))
        return True

    def _now(self, now: str | None) -> str:
        return utc_iso(now if now is not None else self._session.clock())


def frontier_stats(conn: sqlite3.Connection, site: str | None, now: str) -> FrontierStats:
    """Frontier URLs by state and kind, and those due at ``now`` (UTC ISO 8601), of ``site``
    or of every site. Run inside a read transaction when it must agree with other counts."""
    only, values = where({"site": site}, prefix="")
    by_state = grouped(conn, f"SELECT state, COUNT(*) FROM frontier WHERE 1{only}", values)
    by_kind = grouped(conn, f"SELECT kind, COUNT(*) FROM frontier WHERE 1{only}", values)
    due_by_kind = grouped(
        conn,
        f"SELECT kind, COUNT(*) FROM frontier WHERE due_at IS NOT NULL AND due_at <= ?{only}",
        (now, *values),
    )
    (next_due_at,) = conn.execute(
        f"SELECT MIN(due_at) FROM frontier WHERE due_at > ?{only}", (now, *values)
    ).fetchone()
    return FrontierStats(
        urls=sum(by_state.values()),
        by_state=by_state,
        by_kind=by_kind,
        due_now=sum(due_by_kind.values()),
        due_now_by_kind=due_by_kind,
        next_due_at=next_due_at,
    )
