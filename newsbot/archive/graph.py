"""Reading the link graph: related articles, backlinks, translation clusters, edge export."""

from __future__ import annotations

import sqlite3


class GraphQueries:
    """Graph reads of :class:`~newsbot.archive.db.Archive` (mixed into it)."""

    _conn: sqlite3.Connection
