"""The crawl frontier: every discovered URL, when it is due, and what its last fetch said."""

from __future__ import annotations

import sqlite3


class FrontierStore:
    """Frontier reads and writes of :class:`~newsbot.archive.db.Archive` (mixed into it)."""

    _conn: sqlite3.Connection
