"""The archive: one SQLite file holding every raw capture and every clean article.

The only code in newsbot that reads or writes SQL. No Scrapy here: the crawl, the CLI, the
exports and offline re-extraction all go through :class:`Archive`. This docstring is the
archive's API: what a caller may use, and what it may rely on.

Opening and closing
    ``Archive.open(path)`` creates the file when missing, applies pending migrations (each in
    its own transaction, recorded once in ``_sqlite_migrations``; :mod:`.migrations`), and
    refuses anything that is not a newsbot archive with an :class:`ArchiveError` whose message
    is one line for users. ``readonly=True`` never changes the file. An archive is a context
    manager; ``close()`` is safe twice.

The parts of an open ``archive``
    Each part is an attribute, each in a module of its own; they share the archive's one
    connection and one transaction helper (:class:`~.session.Session`, ``archive.session``),
    so none opens a transaction of its own and any of their writes may join a ``batch``.

    ============================  ==============================================================
    ``archive.frontier``          what is due: ``record_listed(entries)`` records the URLs a
                                  listing names and returns those to fetch now; ``due(site)``;
                                  ``block(url, …)`` (robots.txt); ``stats(site)``;
                                  ``max_failures`` (:mod:`.frontier`, its rules in
                                  :mod:`.schedule`)
    ``archive.captures``          captures and bodies: ``get(id)``, ``iter(kind=, site=,
                                  status=)``, ``body(sha256)``, ``body_of(url)``, ``exists(…)``,
                                  ``has_later(…)`` (:mod:`.captures`)
    ``archive.articles``          articles: ``get(url)``, ``iter()``, ``count(selection)``,
                                  ``export_batches(…)``, ``export_rows(…)``; an
                                  :class:`~.articles.ArticleFilter` says which (:mod:`.articles`)
    ``archive.graph``             links: ``links_from``, ``links_to``, ``resolve_url``,
                                  ``related_of``, ``backlinks``, ``translation_cluster``,
                                  ``iter_edges`` (:mod:`.graph`)
    ``archive.history``           ``versions(url)`` of an article; ``fetched_page(url)``: what
                                  the last capture of a URL said (:mod:`.history`)
    ``archive.search``            full text: ``archive.search(query)``, ``page(query,
                                  selection)``
                                  (:mod:`.search`)
    ``archive.crawl_runs``        ``start``, ``finish``, ``end_unfinished``, ``all()``
                                  (:mod:`.runs`)
    ``archive.dictionaries``      per-site zstd dictionaries: ``all()``, ``ids()``,
                                  ``train(site)``, ``compress_bodies()``, ``stored_bytes()``
                                  (:mod:`.compression`, :mod:`.dictionaries`)
    ``archive.reextraction``      what ``newsbot reextract`` and ``import warc`` read and write
                                  (:mod:`.reextraction`)
    ============================  ==============================================================

    ``archive.stats()`` counts everything in one snapshot. ``CaptureExport(archive)``
    (:mod:`.exporting`) is what a WARC or file export reads. The flat names of older releases
    (``archive.due``, ``archive.iter_captures`` …) are gone: callers use the parts.

Writing, and transactions
    ``archive.save_capture(capture, run_id=, article=, errors=, next_due_at=)`` is the crawl's
    one write per fetch: the body, the capture, the article with its version and links, its
    errors and the frontier's update, in ONE transaction (:mod:`.writing` holds the rows it
    writes). ``save_article`` and ``record_error`` are the other writes that span parts. Every
    write of the archive or a part is one ``BEGIN IMMEDIATE`` transaction committed whole or
    not at all; ``with archive.batch("what"):`` makes the writes inside one transaction (all of
    them, or none when one fails). Any SQLite failure is an :class:`ArchiveError` naming what
    could not be done; a :class:`StorageError` when the disk refused (full, failing).

What a caller may rely on
    - Captures are immutable (the database aborts any UPDATE or DELETE on them). Bodies are
      stored once per distinct sha256, zstd-compressed, and read back byte-identical.
    - The file is in WAL mode: any number of readers (``readonly=True``, Datasette, sqlite3)
      read while one crawl writes, and never block it. Long reads go in short batches.
    - Timestamps the archive sets are ISO 8601 in UTC (:func:`utc_now`).
    - The frontier is updated in each capture's own transaction, so a crawl killed at any
      moment resumes where it was. A changed article keeps its earlier versions.
    - One archive object is for one thread at a time; open one per thread or process.

The lock
    ``crawl_lock(path)`` (or ``archive.crawl_lock()``) keeps a second crawl off an archive: an
    ``flock`` on ``<archive>.lock`` that the operating system drops when its holder exits, even
    on SIGKILL (:mod:`.lock`). Whoever runs a crawl, import or re-extraction takes it before
    writing; readers never take it, and the archive itself never does.

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
