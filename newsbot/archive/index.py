"""The full-text index over articles (``articles_fts``), brought up to date in batches.

FTS5 writes a new segment of its index for every transaction that adds to it, and merges the
segments as they pile up: indexing one article per transaction, as a crawl saves them, was most
of the cost of saving an article. So the triggers on ``articles`` (migration 0004) only note a
new or changed article in ``articles_fts_pending`` (a changed article's old text leaves the
index at once), and :func:`index_pending` indexes every noted article in one statement. A
writer does so when :class:`IndexBatch` says it is time (enough articles noted, or the first
one noted a while ago), before it searches, and when it closes; an archive opened for writing
first indexes what a writer killed mid-run left noted. A reader searching while a crawl writes
therefore finds an article a few seconds after it was saved, and everything once the crawl has
ended.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def index_pending(conn: sqlite3.Connection) -> None:
    """Index every article noted as pending, in the caller's transaction."""
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, text)"
        " SELECT a.rowid, a.title, a.text FROM articles_fts_pending p"
        " JOIN articles a ON a.rowid = p.article_id"
    )
    conn.execute("DELETE FROM articles_fts_pending")


def has_pending(conn: sqlite3.Connection) -> bool:
    """Whether any article waits to be indexed."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM articles_fts_pending)").fetchone()[0])


@dataclass
class IndexBatch:
    """When a writer indexes the articles it noted: ``size`` of them, or the first of them
    ``delay`` seconds ago (whichever comes first)."""

    size: int = 64
    delay: float = 2.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    noted: int = 0
    since: float = 0.0

    def note(self) -> None:
        """An article was saved new or changed (the triggers noted it)."""
        if not self.noted:
            self.since = self.clock()
        self.noted += 1

    def due(self) -> bool:
        return self.noted >= self.size or (
            self.noted > 0 and self.clock() - self.since >= self.delay
        )

    def done(self) -> None:
        """Everything noted so far is indexed."""
        self.noted = 0
