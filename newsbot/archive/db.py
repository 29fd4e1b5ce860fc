"""The :class:`Archive`: one open archive file, its parts, and the writes that span them."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlite_utils import Database

from newsbot.archive import extractions, owners
from newsbot.archive.articles import Articles
from newsbot.archive.bodies import DEFAULT_ZSTD_LEVEL, make_compressor, sha256_hex
from newsbot.archive.captures import Captures, has_body
from newsbot.archive.checkpoint import Checkpointer
from newsbot.archive.compression import Dictionaries
from newsbot.archive.connect import open_database
from newsbot.archive.frontier import Frontier, load_row, revisit_of
from newsbot.archive.graph import Graph
from newsbot.archive.history import History
from newsbot.archive.index import has_pending
from newsbot.archive.lock import CrawlLock, crawl_lock
from newsbot.archive.records import (
    INSERT_ERROR,
    ArchiveError,
    ArchiveStats,
    ArticleOutcome,
    SavedCapture,
    article_content_hash,
    utc_now,
)
from newsbot.archive.reextraction import Reextraction
from newsbot.archive.runs import Runs
from newsbot.archive.search import Search
from newsbot.archive.session import Session
from newsbot.archive.stats import archive_stats
from newsbot.archive.writing import insert_capture, store_body, upsert_article
from newsbot.content_coding import BodyError, decoded
from newsbot.items import Article, Capture


class Archive:
    """One newsbot archive file, open for reading (and writing unless opened ``readonly``).

    Its parts share one connection and one transaction helper (:attr:`session`):
    :attr:`frontier`, :attr:`captures`, :attr:`articles`, :attr:`graph`, :attr:`history`,
    :attr:`search`, :attr:`crawl_runs`, :attr:`dictionaries`, :attr:`reextraction`. Every write
    is one transaction: it is committed whole or not at all, and readers in other processes see
    it only once committed. Write failures raise :class:`ArchiveError` with one line for the
    user. Not safe for concurrent use from several threads; open one per thread or process (any
    number may read while one writes).
    """

    path: Path

    def __init__(
        self,
        path: Path,
        db: Database,
        *,
        readonly: bool,
        zstd_level: int = DEFAULT_ZSTD_LEVEL,
        clock: Callable[[], str] = utc_now,
        background_checkpoints: bool = False,
    ) -> None:
        """Wrap an already opened and migrated database; use :meth:`open` instead."""
        self.path = path
        self.readonly = readonly
        self._db = db
        self._closed = False
        conn = db.conn
        #: The connection, clock and transaction helper every part uses.
        self.session = Session(conn, path, readonly=readonly, clock=clock)
        self.frontier = Frontier(self.session)
        self.captures = Captures(conn)
        self.articles = Articles(conn)
        self.graph = Graph(conn)
        self.history = History(conn, path)
        self.search = Search(self.session)
        self.crawl_runs = Runs(self.session)
        self.dictionaries = Dictionaries(self.session, make_compressor(zstd_level))
        self.reextraction = Reextraction(self)
        self._checkpointer: Checkpointer | None = None
        if background_checkpoints and not readonly:
            self._checkpointer = Checkpointer(path)
            self._checkpointer.start(conn)
        if not readonly and has_pending(conn):
            self.search.catch_up("index the articles a previous writer left")

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        zstd_level: int = DEFAULT_ZSTD_LEVEL,
        clock: Callable[[], str] = utc_now,
        background_checkpoints: bool = False,
    ) -> Archive:
        """Open the archive at ``path``, creating it (and its folder) when missing.

        Refuses, with :class:`ArchiveError`: a file that is not SQLite, a SQLite file holding
        other tables, an archive from a newer newsbot (for writing), a location that cannot be
        written (unless ``readonly``), a missing file when ``readonly``. Pending migrations are
        applied (never when ``readonly``), each in its own transaction. ``zstd_level`` is used
        for new bodies. ``clock`` gives the times the archive sets itself (runs' ``started_at``
        and ``finished_at``, ``extracted_at``, errors' ``at``); ``first_seen_at`` of bodies
        and articles is the ``fetched_at`` of the capture they first came from.
        ``background_checkpoints``: copy the write-ahead log back into the file on a thread of
        its own (see :mod:`~newsbot.archive.checkpoint`), for a writer that must never wait.
        """
        path = Path(path)
        db = open_database(path, readonly=readonly)
        return cls(
            path,
            db,
            readonly=readonly,
            zstd_level=zstd_level,
            clock=clock,
            background_checkpoints=background_checkpoints,
        )

    def close(self) -> None:
        """Close the file. Safe to call twice; the archive cannot be used afterwards."""
        if self._closed:
            return
        if not self.readonly:
            # (Failing that, the next writer to open the archive indexes them.)
            with contextlib.suppress(ArchiveError, sqlite3.Error):
                self.search.catch_up("index the last articles", always=False)
        self._closed = True
        if self._checkpointer is not None:
            self._checkpointer.stop()
        if not self.readonly:
            # Keeps the query planner's statistics fresh; cheap when nothing changed.
            with contextlib.suppress(sqlite3.Error):
                self.session.conn.execute("PRAGMA optimize")
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Archive {self.path}{' (read-only)' if self.readonly else ''}>"

    def crawl_lock(self) -> CrawlLock:
        """Take the crawl lock of this archive, or raise :class:`ArchiveError` naming the pid
        of the crawl holding it. See :func:`newsbot.archive.lock.crawl_lock`."""
        return crawl_lock(self.path)

    def stats(self) -> ArchiveStats:
        """Counts over the whole archive, read in one snapshot so they agree with each other."""
        return archive_stats(self.session.conn, self.path, self.crawl_runs)

    # -- the writes that span the parts --------------------------------------------------

    def batch(self, what: str) -> contextlib.AbstractContextManager[None]:
        """The writes made inside, in one transaction committed at the end: all of them or,
        when one fails (even if its :class:`ArchiveError` is caught) or the process dies
        first, none. For many small writes, whose commits would cost more than they."""
        return self.session.batch(what)

    def save_capture(
        self,
        capture: Capture,
        *,
        run_id: int | None,
        article: Article | None = None,
        errors: Sequence[tuple[str, str, str]] = (),
        next_due_at: str | None = None,
    ) -> SavedCapture:
        """Store one fetch, and what was extracted from it, in one transaction.

        The body is stored once per distinct sha256 (zstd); the capture row always. With an
        ``article``: upserted by canonical URL ('new'; 'unchanged' when its content hash is the
        stored one, and then neither the row nor its links are rewritten; else 'changed') and
        its links replace that article's previous links. ``errors`` are ``(stage, kind,
        message)`` rows tied to this capture. Either all of it is committed or, with an
        :class:`ArchiveError`, none of it (an article without a canonical URL is refused so).

        The same transaction updates the frontier row of ``capture.url`` (see
        :mod:`~newsbot.archive.schedule`; ``next_due_at``: when it is due again). A 304, or a
        2xx with the body last fetched from that URL, is a revisit: no body stored, the
        capture's ``revisit_of`` names the capture holding the body. A 'new' or 'changed'
        article also becomes the next version of its history.
        """
        prepared = capture.stored_body
        if prepared is None and capture.content_encoding:
            try:  # still in its content coding (see newsbot.content_coding): decoded here
                capture = decoded(capture)
            except BodyError as exc:
                raise ArchiveError(f"cannot save capture of {capture.url}: {exc}") from None
        body = capture.body
        size = prepared.size if prepared else len(body)
        if not size:
            prepared = None
        sha = prepared.sha256 if prepared else sha256_hex(body) if body else None
        new_body: tuple[str, bytes] | None = None
        if sha is not None and not has_body(self.session.conn, sha):
            # Compressed before taking the write lock, so other writers wait less (or already
            # by an extraction worker, off the crawler's event loop).
            new_body = (
                (prepared.codec, prepared.data) if prepared else self.dictionaries.compress(capture)
            )
        clock = self.session.clock
        with self.session.transaction(f"save capture of {capture.url}") as conn:
            known = load_row(conn, capture.url)
            revisit, revisit_from = revisit_of(known, capture.status, sha)
            body_stored = False
            if sha is not None and new_body is not None:
                stored = self.dictionaries.checked(conn, capture, new_body)
                body_stored = store_body(conn, sha, size, stored, capture.fetched_at)
            capture_id = insert_capture(
                conn, capture, run_id=run_id, sha256=sha, revisit_of=revisit_from
            )
            self.frontier.record_fetch(conn, known, capture, capture_id, sha, next_due_at)
            outcome = None
            refused = None
            if article is not None:
                placed = owners.place_page(
                    conn, article, capture_id, final_url=capture.final_url, site=capture.site
                )
                article, refused = placed.article, placed.refused
                # Hashed once for the article row and the extraction note.
                content_hash = article_content_hash(article)
                outcome = self._upsert_article(
                    conn, article, capture_id, capture.fetched_at, content_hash, placed.own
                )
                extractions.note_article(
                    conn, capture_id, article, at=clock(), run_id=run_id, content_hash=content_hash
                )
            else:
                extractions.note_capture(conn, capture_id, capture, None, run_id, clock())
            if refused:
                owners.note_refused(conn, capture_id, refused)
                errors = [*errors, ("archive", owners.REFUSED_KIND, refused)]
            if errors:
                at = clock()
                conn.executemany(
                    INSERT_ERROR,
                    [
                        (run_id, capture_id, capture.url, stage, kind, message, at)
                        for stage, kind, message in errors
                    ],
                )
        return SavedCapture(
            capture_id=capture_id, body_stored=body_stored, article=outcome, revisit=revisit
        )

    def save_article(self, article: Article, *, capture_id: int) -> ArticleOutcome:
        """Upsert an article extracted again from stored capture ``capture_id`` (one page by
        hand; ``newsbot reextract`` does whole selections).

        Same rules as the article part of :meth:`save_capture`, in one transaction. Raises
        KeyError for an unknown capture, :class:`ArchiveError` for an article it refuses.
        """
        clock = self.session.clock
        with self.session.transaction(f"save article {article.canonical_url}") as conn:
            row = conn.execute(
                "SELECT fetched_at, url FROM captures WHERE id = ?", (capture_id,)
            ).fetchone()
            if row is None:
                raise KeyError(capture_id)
            placed = owners.place(conn, article, capture_id)
            article = placed.article
            outcome = self._upsert_article(conn, article, capture_id, row[0], None, placed.own)
            extractions.note_article(conn, capture_id, article, at=clock(), run_id=None)
            if placed.refused:
                owners.note_refused(conn, capture_id, placed.refused)
                conn.execute(
                    INSERT_ERROR,
                    (None, capture_id, row[1], "archive", owners.REFUSED_KIND,
                     placed.refused, clock()),
                )  # fmt: skip
            return outcome

    def record_error(
        self,
        *,
        run_id: int | None,
        url: str,
        stage: str,
        kind: str,
        message: str,
        capture_id: int | None = None,
    ) -> None:
        """Record one failure ('fetch', 'extract', 'links' or 'archive' stage; short ``kind``
        such as 'http_404', 'dns', 'timeout', 'not_article')."""
        with self.session.transaction(f"record an error for {url}") as conn:
            conn.execute(
                INSERT_ERROR,
                (run_id, capture_id, url, stage, kind, message, self.session.clock()),
            )

    def _upsert_article(
        self,
        conn: sqlite3.Connection,
        article: Article,
        capture_id: int,
        seen_at: str,
        content_hash: str | None = None,
        own: bool = False,
    ) -> ArticleOutcome:
        """The article upsert of :mod:`~newsbot.archive.writing`, on this archive's clock and
        search index (re-extraction writes through it too)."""
        return upsert_article(
            conn,
            article,
            capture_id,
            seen_at,
            clock=self.session.clock,
            content_hash=content_hash,
            own=own,
            saved=self.search.note_saved,
        )
