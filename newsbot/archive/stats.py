"""Counts over a whole archive (``Archive.stats``), read in one snapshot so they agree."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from newsbot.archive.frontier import frontier_stats
from newsbot.archive.records import UNKNOWN_LANGUAGE, ArchiveStats, utc_now
from newsbot.archive.runs import Runs
from newsbot.archive.session import grouped


def archive_stats(
    conn: sqlite3.Connection, path: Path, runs: Runs, now: str | None = None
) -> ArchiveStats:
    """Counts over the archive on ``conn`` (the file at ``path``), read in one snapshot so
    they agree with each other. The frontier's ``due_now`` is counted as of ``now`` (default:
    the current UTC time)."""
    conn.execute("BEGIN")
    try:
        frontier = frontier_stats(conn, None, now or utc_now())
        captures = int(conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0])
        bodies, body_bytes, stored_bytes = conn.execute(
            "SELECT COUNT(*), TOTAL(size), TOTAL(stored_size) FROM bodies"
        ).fetchone()
        by_language = grouped(
            conn, f"SELECT COALESCE(language, '{UNKNOWN_LANGUAGE}'), COUNT(*) FROM articles"
        )
        by_link_kind = grouped(conn, "SELECT kind, COUNT(*) FROM links")
        by_error_kind = grouped(conn, "SELECT kind, COUNT(*) FROM errors")
        all_runs = runs.all()
    finally:
        conn.execute("COMMIT")
    return ArchiveStats(
        captures=captures,
        bodies=int(bodies),
        body_bytes=int(body_bytes),
        stored_bytes=int(stored_bytes),
        articles=sum(by_language.values()),
        articles_by_language=by_language,
        links=sum(by_link_kind.values()),
        links_by_kind=by_link_kind,
        errors=sum(by_error_kind.values()),
        errors_by_kind=by_error_kind,
        runs=len(all_runs),
        file_bytes=_file_bytes(path),
        last_run=all_runs[0] if all_runs else None,
        frontier=frontier,
    )


def _file_bytes(path: Path) -> int:
    total = 0
    for file in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += file.stat().st_size
    return total
