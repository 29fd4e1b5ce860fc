"""Opening an archive file: create it or refuse it, configure the connection, migrate it.

Everything a user can get wrong here (a path they cannot write, a file that is not an archive,
an archive from a newer newsbot) ends in an :class:`ArchiveError` with one line saying so, and
the file is left as it was found.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from newsbot.archive.migrations import ARCHIVE_MIGRATIONS, MIGRATION_NAMES, MIGRATION_SET
from newsbot.archive.records import ArchiveError, archive_error

#: How long a write waits for another writer's transaction before giving up. Readers never
#: wait in WAL mode; this covers a second writer (e.g. a CLI command during a crawl).
BUSY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class FileState:
    """What is in a SQLite file before we touch it: its tables and our applied migrations."""

    tables: frozenset[str]
    applied: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """No tables of anyone's. A bookkeeping table alone is left when a first migration
        failed: sqlite-utils creates it outside the migration's transaction."""
        return not self.tables - {ARCHIVE_MIGRATIONS.migrations_table} and not self.applied

    @property
    def unknown_migrations(self) -> tuple[str, ...]:
        """Migrations recorded in the file that this newsbot does not know (a newer wrote it)."""
        return tuple(name for name in self.applied if name not in MIGRATION_NAMES)

    @property
    def pending(self) -> tuple[str, ...]:
        return tuple(name for name in MIGRATION_NAMES if name not in self.applied)


def open_database(path: Path, *, readonly: bool) -> Database:
    """A sqlite-utils Database on ``path``, ready for the archive, or :class:`ArchiveError`.

    Writable: creates missing parent folders and the file, refuses files that are not SQLite or
    hold someone else's tables, switches to WAL with ``synchronous=NORMAL``, applies pending
    migrations (each in its own transaction). A file this call created is removed again if
    opening fails. Read-only: the file must be an archive that needs no migration.
    """
    if path.is_dir():
        raise ArchiveError(f"cannot open archive at {path}: it is a folder, not a file")
    if readonly:
        return _open_readonly(path)
    return _open_writable(path)


def _open_readonly(path: Path) -> Database:
    if not path.exists():
        raise ArchiveError(f"cannot open archive at {path}: no such file")
    # mode=ro: a reader must never create, migrate or otherwise change the file.
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = _connect(path, uri, uri=True)
    try:
        state = _inspect(conn, path)
        if state.is_empty:
            raise ArchiveError(f"{path} is not a newsbot archive (empty database)")
        if state.pending:
            raise ArchiveError(
                f"{path} was written by an older newsbot; open it once for writing to upgrade it"
            )
    except BaseException:
        conn.close()
        raise
    return Database(conn, execute_plugins=False)


def _open_writable(path: Path) -> Database:
    created = _create_file(path)
    with _removed_on_error(path, created):
        if not os.access(path, os.W_OK):
            raise ArchiveError(f"cannot write archive at {path}: Permission denied")
        conn = _connect(path, str(path), uri=False)
        try:
            state = _inspect(conn, path)
            if state.unknown_migrations:
                raise ArchiveError(
                    f"{path} was written by a newer newsbot "
                    f"(schema {state.unknown_migrations[-1]}); upgrade newsbot to write to it"
                )
            _configure_writer(conn, path)
            db = Database(conn, execute_plugins=False)
            if state.pending:
                _migrate(db, path)
        except BaseException:
            conn.close()
            raise
        return db


def _create_file(path: Path) -> bool:
    """Create ``path`` (and its folders) if missing; True if this call created the file."""
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise ArchiveError(
            f"cannot create archive at {path}: {blocker} is a file, not a folder"
        ) from exc
    except OSError as exc:
        raise archive_error(f"cannot create archive at {path}: {_reason(exc)}", exc) from exc
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False  # another process created it first; it will be inspected like any file
    except OSError as exc:
        raise archive_error(f"cannot create archive at {path}: {_reason(exc)}", exc) from exc
    os.close(fd)
    return True


@contextlib.contextmanager
def _removed_on_error(path: Path, created: bool) -> Iterator[None]:
    """Remove the file (and its WAL companions) if this call created it and opening fails."""
    try:
        yield
    except BaseException:
        if created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{path}{suffix}")
        raise


def _connect(path: Path, target: str, *, uri: bool) -> sqlite3.Connection:
    try:
        # isolation_level=None: the archive opens its transactions itself (BEGIN IMMEDIATE for
        # writes, sqlite-utils atomic() for migrations); no implicit ones from the driver.
        # check_same_thread=False: an archive may be opened on one thread and used on another
        # (one at a time), as Scrapy pipelines do.
        return sqlite3.connect(
            target,
            uri=uri,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open archive at {path}: {exc}") from exc


def _inspect(conn: sqlite3.Connection, path: Path) -> FileState:
    """Read what the file holds without writing to it; refuse what is not ours."""
    try:
        tables = frozenset(
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        applied: tuple[str, ...] = ()
        if ARCHIVE_MIGRATIONS.migrations_table in tables:
            applied = tuple(
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM {ARCHIVE_MIGRATIONS.migrations_table}"
                    " WHERE migration_set = ? ORDER BY rowid",
                    (MIGRATION_SET,),
                )
            )
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise ArchiveError(f"{path} is not a newsbot archive ({exc})") from exc
        raise ArchiveError(f"cannot open archive at {path}: {exc}") from exc
    state = FileState(tables=tables, applied=applied)
    others = sorted(tables - {ARCHIVE_MIGRATIONS.migrations_table})
    if others and not applied:
        shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
        raise ArchiveError(
            f"{path} is not a newsbot archive (a SQLite database with other tables: {shown})"
        )
    return state


def _configure_writer(conn: sqlite3.Connection, path: Path) -> None:
    try:
        # WAL: readers (CLI, Datasette) never block the crawl's writes, nor it their reads.
        # The mode is stored in the file, so readers opened later use it too.
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
        # NORMAL is durable in WAL mode except for the last commits on power loss; a crawl can
        # re-fetch those, and FULL would fsync on every page.
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise archive_error(f"cannot write archive at {path}: {exc}", exc) from exc


def _migrate(db: Database, path: Path) -> None:
    try:
        ARCHIVE_MIGRATIONS.apply(db)
    except sqlite3.Error as exc:
        raise archive_error(f"cannot upgrade archive at {path}: {exc}", exc) from exc


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
