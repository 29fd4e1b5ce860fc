"""Checking an archive for damage: SQLite's own integrity check, then every stored body.

:func:`check_archive` opens the file read-only on a connection of its own (a file too damaged
for :meth:`Archive.open` is still checked), runs ``PRAGMA integrity_check`` (``quick_check``
when ``quick``), and reads every body back through the archive's reader
(:func:`~newsbot.archive.bodies.decompress` with the archive's dictionaries), comparing the
sha256 of what comes out with the name it is stored under. Bodies are read in short batches
(keyset pagination), so memory stays flat on any size of archive. A body SQLite cannot read is
named all the same: its sha256 comes from the primary-key index, which lives in other pages.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

from newsbot.archive import dictionaries
from newsbot.archive.bodies import (
    MissingDictionaryError,
    UnknownCodecError,
    decompress,
    sha256_hex,
)
from newsbot.archive.records import ArchiveError

#: ``progress(total, done)`` starts a progress display and returns its ``advance(n)``.
Progress = Callable[[int | None, int], Callable[[int], None]]

#: The first bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Most problems SQLite's check lists (its own default).
MAX_SQLITE_PROBLEMS = 100
#: URLs named per damaged body (the count says how many captures use it).
MAX_URLS = 5

_NAME_BATCH = 500  # sha256 names per batch: 64 bytes each
_DATA_BATCH = 16  # bodies per batch: tens of KB each, compressed
_TREE = re.compile(r"\b(?:Tree|tree page|Page|page)\s+(\d+)")


class CheckInputError(ArchiveError):
    """The path is not something to check: missing, a folder, not SQLite, not an archive."""


@dataclass(frozen=True)
class SqliteProblem:
    """One line of SQLite's integrity check, with the table or index whose page it names
    (``""`` when SQLite names none or the owner cannot be read)."""

    message: str
    table: str = ""


@dataclass(frozen=True)
class DamagedBody:
    """A stored body that cannot be read back as the bytes it is named after."""

    sha256: str
    reason: str
    #: How many captures use it, and up to :data:`MAX_URLS` of their URLs (final URLs).
    captures: int = 0
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_archive` found. ``ok`` when SQLite found nothing and every body
    matched its sha256."""

    path: str
    quick: bool
    sqlite_problems: tuple[SqliteProblem, ...]
    bodies_checked: int
    damaged_bodies: tuple[DamagedBody, ...]
    seconds: float
    #: Bodies the scan could not reach at all (e.g. "bodies past rowid 812: <error>").
    unreadable: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not (self.sqlite_problems or self.damaged_bodies or self.unreadable)

    @property
    def pragma(self) -> str:
        return "quick_check" if self.quick else "integrity_check"


def check_archive(
    path: str | Path, *, quick: bool = False, progress: Progress | None = None
) -> CheckReport:
    """Check the archive at ``path`` (see the module docstring). Raises
    :class:`CheckInputError` for a path that holds no archive to check (missing, a folder, a
    file that is not SQLite, a SQLite file without a ``bodies`` table and no damage found);
    damage is never raised, always reported."""
    path = Path(path)
    _refuse_non_archive(path)
    started = time.monotonic()
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise CheckInputError(f"cannot open archive at {path}: {exc}") from exc
    with closing(conn):
        problems = sqlite_check(conn, quick=quick)
        tables = _tables(conn)
        if tables is not None and "bodies" not in tables and not problems:
            raise CheckInputError(f"{path} is not a newsbot archive (no bodies table)")
        scan = _BodyScan(conn)
        if tables is None or "bodies" in tables:
            scan.run(progress)
    return CheckReport(
        path=str(path),
        quick=quick,
        sqlite_problems=tuple(problems),
        bodies_checked=scan.checked,
        damaged_bodies=tuple(scan.damaged.values()),
        seconds=time.monotonic() - started,
        unreadable=tuple(scan.unreadable),
    )


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """The problems ``PRAGMA quick_check`` finds on ``conn`` (at most 10; [] when none):
    what a crawl runs before it writes. An error raised by the check itself is one problem."""
    try:
        return _pragma_lines(conn, "PRAGMA quick_check(10)")
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def quick_check_at(path: str | Path) -> list[str]:
    """:func:`quick_check` of the archive file at ``path``, read-only ([] when there is no
    file yet, or it is not SQLite: opening the archive says what is wrong with those)."""
    path = Path(path)
    try:
        _refuse_non_archive(path)
    except CheckInputError:
        return []
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            return quick_check(conn)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def sqlite_check(conn: sqlite3.Connection, *, quick: bool = False) -> list[SqliteProblem]:
    """SQLite's ``integrity_check`` (``quick_check``) of ``conn`` as problems, each with the
    table or index that owns the page it names; [] when SQLite finds nothing. When the check
    of the whole file stops on an error (SQLite does on some damaged rows), each table is
    checked on its own, so that the problems still name their tables."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        lines = _pragma_lines(conn, f"PRAGMA {pragma}({MAX_SQLITE_PROBLEMS})")
    except sqlite3.DatabaseError as exc:
        return _check_each_table(conn, pragma, exc)
    owners = _page_owners(conn) if lines else {}
    problems = [SqliteProblem(line, _owner(line, owners)) for line in lines]
    if any(not problem.table for problem in problems):
        # A page dbstat could not reach (past the damage): the table whose own check
        # reports the same line is its owner.
        found = _lines_by_table(conn, pragma)
        problems = [SqliteProblem(p.message, p.table or found.get(p.message, "")) for p in problems]
    return problems


def _pragma_lines(conn: sqlite3.Connection, sql: str) -> list[str]:
    found = [str(row[0]) for row in conn.execute(sql)]
    if found == ["ok"]:
        return []
    lines = [line for text in found for line in text.splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("*** in database")]


def _check_each_table(
    conn: sqlite3.Connection, pragma: str, error: sqlite3.DatabaseError
) -> list[SqliteProblem]:
    try:
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError:
        return [SqliteProblem(f"{pragma} failed: {error}", "sqlite_master")]
    problems: list[SqliteProblem] = []
    owners: dict[int, str] | None = None
    for table in tables:
        try:
            lines = _pragma_lines(conn, f"PRAGMA {pragma}({_quoted(table)})")
        except sqlite3.DatabaseError as exc:
            problems.append(SqliteProblem(f"{pragma} stops on an unreadable row: {exc}", table))
            continue
        if lines and owners is None:
            owners = _page_owners(conn)
        problems.extend(SqliteProblem(line, _owner(line, owners or {}) or table) for line in lines)
    return problems or [SqliteProblem(f"{pragma} failed: {error}")]


def _lines_by_table(conn: sqlite3.Connection, pragma: str) -> dict[str, str]:
    """Each line SQLite's check of one table reports -> that table."""
    found: dict[str, str] = {}
    try:
        tables = [
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            try:
                lines = _pragma_lines(conn, f"PRAGMA {pragma}({_quoted(table)})")
            except sqlite3.DatabaseError:
                continue
            for line in lines:
                found.setdefault(line, table)
    except sqlite3.DatabaseError:
        pass
    return found


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _refuse_non_archive(path: Path) -> None:
    if path.is_dir():
        raise CheckInputError(f"cannot check {path}: it is a folder, not a file")
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise CheckInputError(f"no archive at {path}") from None
    except OSError as exc:
        raise CheckInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise CheckInputError(f"{path} is not a newsbot archive (not a SQLite file)")


def _tables(conn: sqlite3.Connection) -> set[str] | None:
    """The tables of ``conn``, None when its schema cannot be read."""
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return None


def _page_owners(conn: sqlite3.Connection) -> dict[int, str]:
    """Page number -> the table or index it belongs to: root pages from the schema, the other
    pages from SQLite's ``dbstat`` table when it has one, read tree by tree (a damaged tree is
    read up to its damage; the others whole)."""
    owners: dict[int, str] = {}
    try:
        names = [
            (str(name), int(root or 0))
            for name, root in conn.execute("SELECT name, rootpage FROM sqlite_master")
        ]
    except sqlite3.DatabaseError:
        return owners
    for name, root in names:
        if root:
            owners[root] = name
    for name, root in names:
        if not root:
            continue
        try:
            for (page,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,)):
                owners.setdefault(int(page), name)
        except sqlite3.DatabaseError:
            continue  # damaged past here, or no dbstat in this SQLite
    return owners


def _owner(line: str, owners: dict[int, str]) -> str:
    if match := re.search(r"\bindex (\w+)", line):
        return match.group(1)
    for number in _TREE.findall(line):
        if int(number) in owners:
            return owners[int(number)]
    return ""


class _BodyScan:
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
