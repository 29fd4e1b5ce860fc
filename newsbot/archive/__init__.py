"""The archive: one SQLite file holding every raw capture and every clean article.

The only code in newsbot that reads or writes SQL. No Scrapy here: the crawler's pipelines,
the CLI and offline re-extraction all go through :class:`Archive`.

What a caller may rely on:

- ``Archive.open(path)`` creates the file when missing, applies pending migrations (each in its
  own transaction, recorded once in ``_sqlite_migrations``), and refuses anything that is not a
  newsbot archive with an :class:`ArchiveError` whose message is one line for users.
- Captures are immutable (the database aborts any UPDATE or DELETE on them). Bodies are stored
  once per distinct sha256, zstd-compressed, and read back byte-identical.
- ``save_capture`` writes a capture, its article, its links and its errors in one transaction.
- The file is in WAL mode: any number of readers (``readonly=True``, Datasette, sqlite3) read
  while one crawl writes, and never block it.
- Timestamps the archive sets are ISO 8601 in UTC (:func:`utc_now`).
- The frontier (``discover``, ``due``) says what a crawl must fetch; ``save_capture`` updates
  it in the capture's own transaction, so a crawl killed at any moment resumes where it was.
- A changed article keeps its earlier versions (``article_history``).
- ``crawl_lock`` keeps a second crawl off an archive; readers never take it.

Names are loaded on first use: an extraction worker that only stores bodies
(:mod:`newsbot.archive.bodies`) does not import the database code, a third of its start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsbot.archive.bodies import DEFAULT_ZSTD_LEVEL
    from newsbot.archive.db import Archive
    from newsbot.archive.frontier import MAX_FAILURES, DueURL, FoundIn, FrontierEntry
    from newsbot.archive.history import ArticleVersion, version_changes
    from newsbot.archive.lock import CrawlLock, crawl_lock
    from newsbot.archive.migrations import ARCHIVE_MIGRATIONS
    from newsbot.archive.records import (
        ArchiveError,
        ArchiveStats,
        ArticleOutcome,
        FrontierStats,
        SavedCapture,
        SearchHit,
        SearchResult,
        StorageError,
        article_content_hash,
        utc_now,
    )

#: Each public name and the module that defines it.
_MODULES = {
    "DEFAULT_ZSTD_LEVEL": "bodies",
    "Archive": "db",
    "MAX_FAILURES": "frontier",
    "DueURL": "frontier",
    "FoundIn": "frontier",
    "FrontierEntry": "frontier",
    "ArticleVersion": "history",
    "version_changes": "history",
    "CrawlLock": "lock",
    "crawl_lock": "lock",
    "ARCHIVE_MIGRATIONS": "migrations",
    "ArchiveError": "records",
    "ArchiveStats": "records",
    "ArticleOutcome": "records",
    "FrontierStats": "records",
    "SavedCapture": "records",
    "SearchHit": "records",
    "SearchResult": "records",
    "StorageError": "records",
    "article_content_hash": "records",
    "utc_now": "records",
}
__all__ = [
    "ARCHIVE_MIGRATIONS",
    "DEFAULT_ZSTD_LEVEL",
    "MAX_FAILURES",
    "Archive",
    "ArchiveError",
    "ArchiveStats",
    "ArticleOutcome",
    "ArticleVersion",
    "CrawlLock",
    "DueURL",
    "FoundIn",
    "FrontierEntry",
    "FrontierStats",
    "SavedCapture",
    "SearchHit",
    "SearchResult",
    "StorageError",
    "article_content_hash",
    "crawl_lock",
    "utc_now",
    "version_changes",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain one
    return value
