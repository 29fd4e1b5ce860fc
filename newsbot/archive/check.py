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
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.archive.check_bodies import BodyScan, DamagedBody, Progress
from newsbot.archive.records import ArchiveError

#: The first bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Most problems SQLite's check lists (its own default).
MAX_SQLITE_PROBLEMS = 100

_UNDECODABLE = re.compile(r"Could not decode to UTF-8 column '([^']*)'")
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
        scan = BodyScan(conn)
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


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    """SQLite's message for ``exc`` on one short line. A damaged page can put random bytes in a
    text column, which the driver quotes whole (newlines and all) in its message: the bytes are
    left out, the column named."""
    message = str(exc)
    if match := _UNDECODABLE.match(message):
        return f"column {match.group(1)} holds bytes that are not text"
    message = " ".join(message.split())
    return message if len(message) <= 200 else message[:199] + "…"


def is_damage(exc: sqlite3.Error) -> bool:
    """True for the errors SQLite (or the driver) raises on a damaged file."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or bool(
        _UNDECODABLE.match(str(exc))
    )


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
