"""Every stored body read back and compared with the sha256 it is stored under.

Part of ``newsbot check`` (:mod:`newsbot.archive.check`): bodies are read in short batches
(keyset pagination), so memory stays flat on any size of archive. A body SQLite cannot read
is named all the same: its sha256 comes from the primary-key index, which lives in other pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import zstandard

from newsbot.archive import dictionaries
from newsbot.archive.bodies import (
    MissingDictionaryError,
    UnknownCodecError,
    decompress,
    sha256_hex,
)

#: ``progress(total, done)`` starts a progress display and returns its ``advance(n)``.
Progress = Callable[[int | None, int], Callable[[int], None]]

#: URLs named per damaged body (the count says how many captures use it).
MAX_URLS = 5

_NAME_BATCH = 500  # sha256 names per batch: 64 bytes each
_DATA_BATCH = 16  # bodies per batch: tens of KB each, compressed


@dataclass(frozen=True)
class DamagedBody:
    """A stored body that cannot be read back as the bytes it is named after."""

    sha256: str
    reason: str
    #: How many captures use it, and up to :data:`MAX_URLS` of their URLs (final URLs).
    captures: int = 0
    urls: tuple[str, ...] = ()


class BodyScan:
    """Every body read back and hashed; what does not match is kept in :attr:`damaged`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.checked = 0
        self.damaged: dict[str, DamagedBody] = {}
        self.unreadable: list[str] = []
        self._dictionaries = dictionaries.loader(conn)

    def run(self, progress: Progress | None) -> None:
        total = self._count()
        advance = progress(total, 0) if progress is not None else (lambda n: None)
        try:
            for names in self._names_by_index():
                self._check_batch(names)
                advance(len(names))
        except sqlite3.DatabaseError as exc:
            # The primary-key index itself is damaged: read the table in rowid order instead.
            self.checked = 0
            self._scan_table(exc, advance)

    def _count(self) -> int | None:
        try:
            return int(self.conn.execute("SELECT count(*) FROM bodies").fetchone()[0])
        except sqlite3.DatabaseError:
            return None

    def _names_by_index(self) -> Iterator[list[tuple[int, str]]]:
        """(rowid, sha256) of every body in sha256 order, read from the primary-key index
        only (a covering index: no table page is touched)."""
        last = ""
        sql = (
            f"SELECT rowid, sha256 FROM bodies WHERE sha256 > ? ORDER BY sha256 LIMIT {_NAME_BATCH}"
        )
        while batch := self.conn.execute(sql, (last,)).fetchall():
            yield [(int(rowid), str(name)) for rowid, name in batch]
            last = batch[-1][1]

    def _scan_table(
        self, index_error: sqlite3.DatabaseError, advance: Callable[[int], None]
    ) -> None:
        last = 0
        sql = (
            "SELECT rowid, sha256 FROM bodies NOT INDEXED WHERE rowid > ?"
            f" ORDER BY rowid LIMIT {_NAME_BATCH}"
        )
        while True:
            try:
                batch = self.conn.execute(sql, (last,)).fetchall()
            except sqlite3.DatabaseError as exc:
                self.unreadable.append(f"bodies past rowid {last}: {exc}")
                return
            if not batch:
                return
            names = [(int(rowid), str(name)) for rowid, name in batch]
            self._check_batch(names)
            advance(len(names))
            last = names[-1][0]

    def _check_batch(self, names: list[tuple[int, str]]) -> None:
        for start in range(0, len(names), _DATA_BATCH):
            chunk = names[start : start + _DATA_BATCH]
            try:
                rows = self._read([rowid for rowid, _ in chunk])
            except sqlite3.DatabaseError:
                rows = None
            for rowid, name in chunk:
                self.checked += 1
                if rows is None:
                    row = self._read_one(rowid, name)
                    if row is None:
                        continue
                else:
                    row = rows.get(rowid)
                    if row is None:
                        self._damage(name, "listed in the sha256 index but missing from the table")
                        continue
                self._verify(name, *row)

    def _read(self, rowids: list[int]) -> dict[int, tuple[str, str, bytes, int]]:
        marks = ", ".join("?" * len(rowids))
        sql = f"SELECT rowid, sha256, codec, data, size FROM bodies WHERE rowid IN ({marks})"
        return {
            int(rowid): (str(sha), str(codec), bytes(data), int(size))
            for rowid, sha, codec, data, size in self.conn.execute(sql, rowids)
        }

    def _read_one(self, rowid: int, name: str) -> tuple[str, str, bytes, int] | None:
        try:
            found = self._read([rowid])
        except sqlite3.DatabaseError as exc:
            self._damage(name, f"SQLite cannot read it: {exc}")
            return None
        if rowid not in found:
            self._damage(name, "listed in the sha256 index but missing from the table")
            return None
        return found[rowid]

    def _verify(self, name: str, stored_name: str, codec: str, data: bytes, size: int) -> None:
        if stored_name != name:
            self._damage(name, f"its row is named {stored_name[:16]}… in the table")
            return
        try:
            raw = decompress(data, codec, size, self._dictionaries)
        except (zstandard.ZstdError, MissingDictionaryError, UnknownCodecError) as exc:
            self._damage(name, f"cannot be decompressed: {exc}")
            return
        except sqlite3.DatabaseError as exc:  # its dictionary's pages
            self._damage(name, f"its dictionary cannot be read: {exc}")
            return
        if sha256_hex(raw) != name:
            self._damage(name, "its content no longer matches its sha256")

    def _damage(self, name: str, reason: str) -> None:
        if name in self.damaged:
            return
        count = 0
        urls: tuple[str, ...] = ()
        try:
            count = int(
                self.conn.execute(
                    "SELECT count(*) FROM captures WHERE sha256 = ?", (name,)
                ).fetchone()[0]
            )
            urls = tuple(
                str(row[0])
                for row in self.conn.execute(
                    "SELECT DISTINCT final_url FROM captures WHERE sha256 = ? LIMIT ?",
                    (name, MAX_URLS),
                )
            )
        except sqlite3.DatabaseError:
            pass  # the captures' pages are damaged too; the body is named all the same
        self.damaged[name] = DamagedBody(name, reason, count, urls)
