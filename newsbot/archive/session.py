"""What the parts of an :class:`~newsbot.archive.db.Archive` share: one connection, one clock
and one way to write.

``archive.frontier``, ``archive.graph``, ``archive.history`` and the others each hold the
archive's :class:`Session`; none opens a connection or a transaction of its own. A write goes
through :meth:`Session.transaction`, so every write of every part is one ``BEGIN IMMEDIATE``
transaction (or part of the :meth:`Session.batch` around it) and every SQLite failure becomes an
:class:`~newsbot.archive.records.ArchiveError` with one line for the user.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsbot.archive.records import ArchiveError, archive_error


class Session:
    """The open connection of one archive, its path, its clock and its transaction helper."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, readonly: bool, clock: Callable[[], str]
    ) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        #: The times the archive sets itself (ISO 8601, UTC): runs, extractions, errors.
        self.clock = clock
        #: Inside :meth:`batch`: writes join its transaction (and whether one failed).
        self._batched = self._batch_failed = False

    @contextlib.contextmanager
    def transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any sqlite error becomes ArchiveError("cannot {what}: …"),
        a :class:`~newsbot.archive.records.StorageError` when the disk refused the write.
        Inside a :meth:`batch`, part of the batch's transaction instead."""
        if self.readonly:
            raise ArchiveError(f"cannot {what}: {self.path} is open read-only")
        conn = self.conn
        if self._batched:
            try:
                yield conn
            except sqlite3.Error as exc:
                self._batch_failed = True
                raise archive_error(f"cannot {what} in {self.path}: {exc}", exc) from exc
            except BaseException:
                self._batch_failed = True
                raise
            return
        try:
            # IMMEDIATE takes the write lock up front: a deferred transaction that reads first
            # fails at once (SQLITE_BUSY_SNAPSHOT) if another writer commits meanwhile.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise archive_error(f"cannot {what} in {self.path}: {exc}", exc) from exc

    @contextlib.contextmanager
    def batch(self, what: str) -> Iterator[None]:
        """The writes made inside, in one transaction committed at the end: all of them or,
        when one fails (even if its :class:`ArchiveError` is caught) or the process dies
        first, none."""
        if self._batched:
            yield
            return
        with self.transaction(what):
            self._batched, self._batch_failed = True, False
            try:
                yield
            finally:
                self._batched = False
            if self._batch_failed:
                raise ArchiveError(f"cannot {what} in {self.path}: a write failed")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """All rows of ``sql``, addressable by column name."""
        return rows(self.conn, sql, params)


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """All rows of ``sql`` on ``conn``, addressable by column name."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params).fetchall()


def rowid(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    found = cursor.lastrowid
    if found is None:  # only for statements that insert nothing; ours always insert
        raise sqlite3.OperationalError("insert returned no row id")
    return found


def where(filters: Mapping[str, Any], prefix: str) -> tuple[str, list[Any]]:
    """``AND {prefix}column = ?`` for each filter whose value is not None, and the values."""
    # Column names come from the archive's own keyword arguments, never from user input.
    given = {name: value for name, value in filters.items() if value is not None}
    return "".join(f" AND {prefix}{name} = ?" for name in given), list(given.values())


def grouped(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> dict[str, int]:
    """``{key: count}`` for a ``SELECT key, COUNT(*) FROM …`` query, largest first."""
    found = conn.execute(f"{sql} GROUP BY 1 ORDER BY 2 DESC, 1", params).fetchall()
    return {str(key): int(count) for key, count in found}
