"""Export's reads: the captures of a selection in id order, in short pages, each with what a
WARC writer needs to decide between a full response and a revisit.

Nothing here holds more than one page of rows: which capture is the first of its body in the
selection is asked of SQLite (the ``captures_sha256`` index), not remembered in Python, so an
export's memory does not grow with the archive. Bodies are read one at a time through
:meth:`~newsbot.archive.captures.Captures.body`, never here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsbot.archive.records import from_json

if TYPE_CHECKING:
    from newsbot.archive.db import Archive

#: Rows per page: rows carry headers only (bodies are read one by one), so pages can be long.
EXPORT_BATCH = 200


@dataclass(frozen=True)
class CaptureFilter:
    """Which captures to export. Empty filters select everything.

    ``captured_since`` (inclusive) and ``captured_until`` (exclusive) are compared with the
    captures' ``fetched_at`` as stored: pass them as UTC ISO 8601 to the second
    (``2026-12-04T18:03:44+00:00``, :func:`~newsbot.archive.records.utc_now`'s form).
    ``urls`` match a capture's requested URL, the final URL that answered, or the canonical
    URL of the article extracted from it.
    """

    sites: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    captured_since: str | None = None
    captured_until: str | None = None


@dataclass(frozen=True)
class ExportedCapture:
    """One capture as an export sees it (no body: ``archive.captures.body(sha256)`` reads it)."""

    capture_id: int
    url: str
    final_url: str
    status: int
    #: Response headers as received, in order, repeats kept.
    headers: list[tuple[str, str]]
    fetched_at: str
    site: str
    #: What the capture was to the crawl (article, sitemap, feed, section, page).
    kind: str
    #: None for a capture without a body of its own (a 304, an empty answer, no answer).
    sha256: str | None
    #: Length of the body (0 without one).
    size: int
    #: The capture holding the body of a 304 or of an unchanged re-fetch (see the archive).
    revisit_of: int | None
    #: The first capture of the selection with the same body: this one when it is the first.
    first_of_body: int | None
    #: The USER_AGENT recorded with the capture's crawl run, when known.
    user_agent: str | None


@dataclass(frozen=True)
class CaptureRef:
    """What a revisit record names of the capture it refers to."""

    capture_id: int
    final_url: str
    fetched_at: str
    sha256: str | None
    size: int


def filter_sql(selection: CaptureFilter, alias: str) -> tuple[str, list[object]]:
    """SQL conditions (each starting with `` AND ``) on captures aliased ``alias`` for the
    filters of ``selection``: the export's and re-extraction's selections alike. A URL matches
    a capture's requested URL, the final URL that answered, or the canonical URL of the article
    last extracted from it."""
    sql = ""
    values: list[object] = []
    if selection.sites:
        sql += f" AND {alias}.site IN ({', '.join('?' * len(selection.sites))})"
        values.extend(selection.sites)
    if selection.urls:
        marks = ", ".join("?" * len(selection.urls))
        sql += (
            f" AND ({alias}.url IN ({marks}) OR {alias}.final_url IN ({marks}) OR {alias}.id IN"
            f" (SELECT capture_id FROM extractions WHERE canonical_url IN ({marks})))"
        )
        values.extend(selection.urls * 3)
    sql += window_sql(selection, alias)
    values.extend(v for v in (selection.captured_since, selection.captured_until) if v)
    return sql, values


def window_sql(selection: CaptureFilter, alias: str) -> str:
    """The conditions of ``selection``'s capture-time window alone (values: since, until)."""
    sql = ""
    if selection.captured_since:
        sql += f" AND {alias}.fetched_at >= ?"
    if selection.captured_until:
        sql += f" AND {alias}.fetched_at < ?"
    return sql


def count(conn: sqlite3.Connection, selection: CaptureFilter) -> int:
    """How many captures :func:`iter_selected` yields."""
    where, values = filter_sql(selection, "c")
    return int(
        conn.execute(f"SELECT COUNT(*) FROM captures c WHERE 1{where}", values).fetchone()[0]
    )


def iter_selected(
    conn: sqlite3.Connection, selection: CaptureFilter, batch: int = EXPORT_BATCH
) -> Iterator[ExportedCapture]:
    """The selected captures in id order, read in pages of ``batch`` (keyset pagination: no
    snapshot is held between pages, so a crawl writing meanwhile is never blocked)."""
    where, values = filter_sql(selection, "c")
    first_where, first_values = filter_sql(selection, "f")
    # The first of a body: the index on sha256 keeps its captures in id order, so the subquery
    # stops at the first one the filters keep (cheap even for a body fetched a thousand times).
    sql = f"""
        SELECT c.id, c.url, c.final_url, c.status, c.headers, c.fetched_at, c.site, c.sha256,
               COALESCE(b.size, 0), c.revisit_of,
               CASE WHEN c.sha256 IS NULL THEN NULL ELSE
                   (SELECT f.id FROM captures f
                    WHERE f.sha256 = c.sha256{first_where} ORDER BY f.id LIMIT 1) END,
               json_extract(r.settings, '$.USER_AGENT'), c.kind
        FROM captures c
        LEFT JOIN bodies b ON b.sha256 = c.sha256
        LEFT JOIN crawl_runs r ON r.id = c.run_id
        WHERE c.id > ?{where}
        ORDER BY c.id LIMIT {int(batch)}
    """
    last_id = 0
    while found := conn.execute(sql, (*first_values, last_id, *values)).fetchall():
        for row in found:
            yield ExportedCapture(
                capture_id=row[0],
                url=row[1],
                final_url=row[2],
                status=row[3],
                headers=[(str(name), str(value)) for name, value in from_json(row[4]) or []],
                fetched_at=row[5],
                site=row[6],
                sha256=row[7],
                size=int(row[8]),
                revisit_of=row[9],
                first_of_body=row[10],
                user_agent=row[11] if isinstance(row[11], str) else None,
                kind=row[12],
            )
        last_id = found[-1][0]


def capture_ref(conn: sqlite3.Connection, capture_id: int) -> CaptureRef | None:
    """The URL, time and body of capture ``capture_id``, or None if there is no such capture."""
    row = conn.execute(
        "SELECT c.id, c.final_url, c.fetched_at, c.sha256, COALESCE(b.size, 0)"
        " FROM captures c LEFT JOIN bodies b ON b.sha256 = c.sha256 WHERE c.id = ?",
        (capture_id,),
    ).fetchone()
    return None if row is None else CaptureRef(row[0], row[1], row[2], row[3], int(row[4]))


def sites(conn: sqlite3.Connection) -> list[str]:
    """Every site that has captures in the archive, sorted."""
    return [row[0] for row in conn.execute("SELECT DISTINCT site FROM captures ORDER BY site")]


class CaptureExport:
    """Export's reads on one open :class:`~newsbot.archive.db.Archive`."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._conn = archive.session.conn

    def count(self, selection: CaptureFilter) -> int:
        """How many captures :meth:`captures` yields (those without an answer included)."""
        return count(self._conn, selection)

    def captures(self, selection: CaptureFilter) -> Iterator[ExportedCapture]:
        """The selected captures in id order, streamed in pages."""
        return iter_selected(self._conn, selection)

    def ref(self, capture_id: int) -> CaptureRef | None:
        """The URL, time and body of one capture (what a revisit record refers to)."""
        return capture_ref(self._conn, capture_id)

    def sites(self) -> list[str]:
        """Every site with captures in the archive."""
        return sites(self._conn)

    def missing_sites(self, selection: CaptureFilter) -> str | None:
        """What to tell a user who named sites the archive has no captures of, or None."""
        if not selection.sites:
            return None  # (listing the sites reads every capture row: only when named)
        there = self.sites()
        unknown = sorted(set(selection.sites) - set(there))
        if not unknown:
            return None
        return (
            f"no captures of site {', '.join(map(repr, unknown))} in {self.archive.path}"
            f" (sites there: {', '.join(there) or 'none'})"
        )

    def body(self, sha256: str) -> bytes:
        """A body, read through the archive's own reader (whatever codec stored it)."""
        return self.archive.captures.body(sha256)
