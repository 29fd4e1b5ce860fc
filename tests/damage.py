"""Damaging a copy of an archive on purpose, the same way on every run (seeded).

Pages are found with SQLite's ``dbstat`` table (which table or index each page belongs to) and
overwritten whole with random bytes in the file itself, as a failing disk would.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path


def copy_archive(source: Path, target: Path) -> Path:
    """A copy of the archive at ``source`` as one file (its write-ahead log folded in)."""
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))
    return target


def pages_of(archive: Path, name: str | None = None) -> list[tuple[int, str, str]]:
    """``(page number, owner, owner's table)`` of the pages ``dbstat`` lists (of table or
    index ``name`` only when given), page 1 (the file header and schema) left out. The owner
    is a table or an index; the owner's table is the table itself or the index's table."""
    with closing(sqlite3.connect(archive)) as conn:
        found = conn.execute(
            "SELECT d.pageno, d.name, coalesce(m.tbl_name, d.name) FROM dbstat d"
            " LEFT JOIN sqlite_master m ON m.name = d.name"
            " WHERE d.pageno > 1 ORDER BY d.pageno"
        ).fetchall()
    return [
        (int(page), str(owner), str(table)) for page, owner, table in found if name in (None, owner)
    ]


def overwrite_page(archive: Path, page: int, rng: random.Random) -> None:
    """Replace page ``page`` of the file with random bytes (a whole page: 4 KiB here)."""
    with closing(sqlite3.connect(archive)) as conn:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with archive.open("r+b") as stream:
        stream.seek((page - 1) * size)
        stream.write(rng.randbytes(size))


def damage_table(archive: Path, table: str, seed: int, pages: int = 1) -> list[int]:
    """Overwrite ``pages`` random pages of ``table`` in ``archive``; the pages damaged."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample([page for page, _, _ in pages_of(archive, table)], pages))
    for page in chosen:
        overwrite_page(archive, page, rng)
    return chosen


def copied(source: Path, folder: Path, name: str) -> Path:
    """``source`` copied to ``folder/name`` as is (bytes, no SQLite involved)."""
    target = folder / name
    shutil.copyfile(source, target)
    return target
