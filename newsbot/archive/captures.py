"""Reading captures and their bodies (``archive.captures``).

A capture is one fetch as it was answered; its body is stored once per distinct sha256
(:mod:`~newsbot.archive.bodies`) and read back byte-identical. Nothing here writes: captures are
saved by ``Archive.save_capture``. The iterators read in short batches (keyset pagination on
``id``), so a long export or re-extraction never pins one snapshot, which would keep the
write-ahead log from being checkpointed while a crawl writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import cast

from newsbot.archive import dictionaries, exporting
from newsbot.archive.bodies import decompress, sha256_hex
from newsbot.archive.records import from_json
from newsbot.archive.session import rows, where
from newsbot.items import Capture, CaptureKind

#: Captures per batch of :meth:`Captures.iter`: they carry compressed bodies, tens of KB each.
CAPTURE_BATCH = 64

_CAPTURE_SELECT = """
    SELECT c.id, c.url, c.final_url, c.status, c.headers, c.fetched_at, c.site, c.kind,
           c.error, c.sha256, b.codec, b.data, b.size
    FROM captures c LEFT JOIN bodies b ON b.sha256 = c.sha256
"""


def has_body(conn: sqlite3.Connection, sha256: str) -> bool:
    """Whether a body with this sha256 is stored."""
    query = "SELECT 1 FROM bodies WHERE sha256 = ?"
    return conn.execute(query, (sha256,)).fetchone() is not None


def read_body(conn: sqlite3.Connection, sha256: str) -> bytes:
    """The raw bytes stored under ``sha256`` on ``conn``; KeyError if none."""
    row = conn.execute(
        "SELECT codec, data, size FROM bodies WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is None:
        raise KeyError(sha256)
    # A body's dictionary is loaded once per connection (MissingDictionaryError without it).
    return decompress(row[1], row[0], row[2], dictionaries.loader(conn))


class Captures:
    """The captures of one archive (``archive.captures``), bodies included."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def body(self, sha256: str) -> bytes:
        """The raw bytes stored under ``sha256``, byte-identical to what was fetched.

        KeyError if no body has that hash."""
        return read_body(self._conn, sha256)

    def body_of(self, url: str, fetched_at: str | None = None) -> bytes | None:
        """The body of the latest capture answered by ``url`` (fetched at ``fetched_at`` when
        one was; else any), None if the archive holds none."""
        sql = "SELECT sha256 FROM captures WHERE final_url = ? AND sha256 IS NOT NULL"
        found = None
        if fetched_at is not None:
            dated = f"{sql} AND fetched_at = ? ORDER BY id DESC LIMIT 1"
            found = self._conn.execute(dated, (url, fetched_at)).fetchone()
        if found is None:
            found = self._conn.execute(f"{sql} ORDER BY id DESC LIMIT 1", (url,)).fetchone()
        return None if found is None else read_body(self._conn, found[0])

    def exists(self, url: str, fetched_at: str, content: bytes) -> bool:
        """Whether a capture of ``url`` fetched at ``fetched_at`` with body ``content`` is
        already stored (an import met it before)."""
        found = self._conn.execute(
            "SELECT sha256 FROM captures WHERE url = ? AND fetched_at = ?", (url, fetched_at)
        ).fetchall()
        if not found:
            return False
        sha = sha256_hex(content) if content else None
        return any(row[0] == sha for row in found)

    def get(self, capture_id: int) -> Capture:
        """Capture ``capture_id`` as stored, body included and ``capture_id`` set.

        KeyError if unknown."""
        found = rows(self._conn, f"{_CAPTURE_SELECT} WHERE c.id = ?", (capture_id,))
        if not found:
            raise KeyError(capture_id)
        return self._from_row(found[0])

    def iter(
        self, *, kind: str | None = None, site: str | None = None, status: int | None = None
    ) -> Iterator[Capture]:
        """Every capture matching the filters, oldest first, bodies included, streamed in
        batches (captures saved while iterating may or may not be included)."""
        only, values = where({"kind": kind, "site": site, "status": status}, prefix="c.")
        sql = f"{_CAPTURE_SELECT} WHERE c.id > ?{only} ORDER BY c.id LIMIT {CAPTURE_BATCH}"
        last_id = 0
        while batch := rows(self._conn, sql, (last_id, *values)):
            for row in batch:
                yield self._from_row(row)
            last_id = batch[-1]["id"]

    def has_later(self, capture_id: int, url: str, selection: exporting.CaptureFilter) -> bool:
        """Whether ``selection`` holds a capture of ``url`` (as requested) with a body, made
        after capture ``capture_id``: ``export captures --latest`` skips those that do."""
        only, values = exporting.filter_sql(selection, "c")
        sql = (
            "SELECT 1 FROM captures c WHERE c.url = ? AND c.id > ? AND c.sha256 IS NOT NULL"
            f"{only} LIMIT 1"
        )
        return self._conn.execute(sql, (url, capture_id, *values)).fetchone() is not None

    def _from_row(self, row: sqlite3.Row) -> Capture:
        body = (
            b""
            if row["sha256"] is None
            else decompress(row["data"], row["codec"], row["size"], dictionaries.loader(self._conn))
        )
        return Capture(
            url=row["url"],
            final_url=row["final_url"],
            status=row["status"],
            headers=[(name, value) for name, value in from_json(row["headers"])],
            body=body,
            fetched_at=row["fetched_at"],
            site=row["site"],
            kind=cast(CaptureKind, row["kind"]),
            error=row["error"],
            capture_id=row["id"],
        )
