"""Crawl runs (``archive.crawl_runs``): one ``crawl_runs`` row per crawl, import or re-extraction.

A run is recorded ``running`` when it starts and closed with its status, Scrapy stats and
counts when it ends; captures and errors name the run they belong to. A run still ``running``
whose process is gone (killed, or unable to write its end on a full disk) is marked
``interrupted`` by the next one holding the crawl lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsbot.archive.records import decode_row, to_json
from newsbot.archive.session import Session, rowid

_RUN_JSON = ("settings", "stats", "counts")


class Runs:
    """The crawl runs of one archive (``archive.crawl_runs``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, *, spider: str, site: str, settings: Mapping[str, Any]) -> int:
        """Record a crawl run as ``running`` and return its id (for captures and errors)."""
        session = self._session
        with session.transaction("start a crawl run") as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (spider, site, started_at, status, settings)"
                " VALUES (?, ?, ?, 'running', ?)",
                (spider, site, session.clock(), to_json(dict(settings))),
            )
            return rowid(cursor)

    def end_unfinished(self, spider: str) -> int:
        """Mark the runs of ``spider`` still ``running`` as ``interrupted``, finished when
        their last capture was fetched (or when they started), and return how many. Only for
        a caller holding the crawl lock: it proves their process is gone (killed, or unable
        to write its end on a full disk)."""
        with self._session.transaction("end unfinished crawl runs") as conn:
            cursor = conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished_at = COALESCE("
                " (SELECT MAX(fetched_at) FROM captures WHERE run_id = crawl_runs.id),"
                " started_at) WHERE spider = ? AND status = 'running'",
                (spider,),
            )
            return cursor.rowcount

    def finish(
        self, run_id: int, *, status: str, stats: Mapping[str, Any], counts: Mapping[str, int]
    ) -> None:
        """Close run ``run_id`` with its final status, Scrapy stats and counts.

        ``status`` is 'finished', 'failed' or a Scrapy finish reason. Datetimes in ``stats`` are
        stored as ISO 8601 with zone. Raises KeyError for an unknown run.
        """
        session = self._session
        with session.transaction("finish a crawl run") as conn:
            cursor = conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ?, counts = ?"
                " WHERE id = ?",
                (session.clock(), status, to_json(dict(stats)), to_json(dict(counts)), run_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(run_id)

    def all(self) -> list[dict[str, Any]]:
        """Every crawl run, newest first: its columns (``settings``, ``stats`` and ``counts``
        decoded) plus the ``capture_count`` and ``error_count`` recorded for it."""
        found = self._session.rows(
            """
            SELECT r.*,
                   (SELECT COUNT(*) FROM captures c WHERE c.run_id = r.id) AS capture_count,
                   (SELECT COUNT(*) FROM errors e WHERE e.run_id = r.id) AS error_count
            FROM crawl_runs r ORDER BY r.id DESC
            """
        )
        return [decode_row(dict(row), _RUN_JSON) for row in found]
