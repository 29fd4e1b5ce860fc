"""The :class:`Archive`: the one place where newsbot reads and writes its SQLite file."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlite_utils import Database

from newsbot.archive import extractions, frontier, history, owners, queries
from newsbot.archive.articles import ArticleFilter
from newsbot.archive.bodies import DEFAULT_ZSTD_LEVEL, make_compressor, sha256_hex
from newsbot.archive.checkpoint import Checkpointer
from newsbot.archive.connect import open_database
from newsbot.archive.dictionaries import DictionaryStore
from newsbot.archive.frontier import FrontierStore
from newsbot.archive.graph import GraphQueries
from newsbot.archive.history import HistoryQueries
from newsbot.archive.index import IndexBatch, has_pending, index_pending
from newsbot.archive.queries import ReadQueries
from newsbot.archive.records import (
    ARTICLE_COLUMNS,
    INSERT_ERROR,
    ArchiveError,
    ArticleOutcome,
    SavedCapture,
    SearchHit,
    SearchResult,
    archive_error,
    article_content_hash,
    article_values,
    to_json,
    unique_links,
    utc_now,
)
from newsbot.archive.reextraction import Reextraction
from newsbot.content_coding import BodyError, decoded
from newsbot.items import Article, Capture

_INSERT_BODY = """
    INSERT OR IGNORE INTO bodies (sha256, size, stored_size, codec, data, first_seen_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""
_INSERT_CAPTURE = """
    INSERT INTO captures (run_id, site, kind, url, final_url, status, headers, sha256,
                          fetched_at, error, revisit_of)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# Column lists come from ARTICLE_COLUMNS so a new field is added in one place (and a migration).
_ARTICLE_WRITTEN = (*ARTICLE_COLUMNS, "capture_id", "content_hash", "extracted_at")
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_WRITTEN)}, canonical_url, first_seen_at)"
    f" VALUES ({', '.join('?' * (len(_ARTICLE_WRITTEN) + 2))})"
)
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{name} = ?' for name in _ARTICLE_WRITTEN)} WHERE id = ?"
)
_INSERT_LINK = """
    INSERT INTO links (source_url, target_url, kind, anchor_text, label, position, capture_id)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""


class Archive(ReadQueries, GraphQueries, FrontierStore, HistoryQueries, DictionaryStore):
    """One newsbot archive file, open for reading (and writing unless opened ``readonly``).

    Every write is one transaction: it is committed whole or not at all, and readers in other
    processes see it only once committed. Write failures raise :class:`ArchiveError` with one
    line for the user. Not safe for concurrent use from several threads; open one per thread
    or process (any number may read while one writes).
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
        self._conn = db.conn
        self._compressor = make_compressor(zstd_level)
        self._clock = clock
        self._closed = False
        #: Inside :meth:`batch`: writes join its transaction (and whether one failed).
        self._batched = self._batch_failed = False
        self._checkpointer: Checkpointer | None = None
        if background_checkpoints and not readonly:
            self._checkpointer = Checkpointer(path)
            self._checkpointer.start(self._conn)
        self._index = IndexBatch()
        if not readonly and has_pending(self._conn):
            self._index_pending("index the articles a previous writer left")

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
                if self._index.noted or has_pending(self._conn):
                    self._index_pending("index the last articles")
        self._closed = True
        if self._checkpointer is not None:
            self._checkpointer.stop()
        if not self.readonly:
            # Keeps the query planner's statistics fresh; cheap when nothing changed.
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
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

    # -- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any sqlite error becomes ArchiveError("cannot {what}: …"),
        a :class:`StorageError` when the disk refused the write. Inside a :meth:`batch`, part
        of the batch's transaction instead."""
        if self.readonly:
            raise ArchiveError(f"cannot {what}: {self.path} is open read-only")
        conn = self._conn
        if self._batched:
            try:
                yield conn
            except sqlite3.Error as exc:
                self._batch_failed = True
                raise archive_error(f"cannot {what} in {self.path}: {exc}", exc) from exc
            except BaseException:
                self._batch_failed = True
                raise
            return
        try:
            # IMMEDIATE takes the write lock up front: a deferred transaction that reads first
            # fails at once (SQLITE_BUSY_SNAPSHOT) if another writer commits meanwhile.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise archive_error(f"cannot {what} in {self.path}: {exc}", exc) from exc

    @contextlib.contextmanager
    def batch(self, what: str) -> Iterator[None]:
        """The writes made inside, in one transaction committed at the end: all of them or,
        when one fails (even if its :class:`ArchiveError` is caught) or the process dies
        first, none. For many small writes, whose commits would cost more than they."""
        if self._batched:
            yield
            return
        with self._transaction(what):
            self._batched, self._batch_failed = True, False
            try:
                yield
            finally:
                self._batched = False
            if self._batch_failed:
                raise ArchiveError(f"cannot {what} in {self.path}: a write failed")

    def start_run(self, *, spider: str, site: str, settings: Mapping[str, Any]) -> int:
        """Record a crawl run as ``running`` and return its id (for captures and errors)."""
        with self._transaction("start a crawl run") as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (spider, site, started_at, status, settings)"
                " VALUES (?, ?, ?, 'running', ?)",
                (spider, site, self._clock(), to_json(dict(settings))),
            )
            return _rowid(cursor)

    def end_unfinished_runs(self, spider: str) -> int:
        """Mark the runs of ``spider`` still ``running`` as ``interrupted``, finished when
        their last capture was fetched (or when they started), and return how many. Only for
        a caller holding the crawl lock: it proves their process is gone (killed, or unable
        to write its end on a full disk)."""
        with self._transaction("end unfinished crawl runs") as conn:
            cursor = conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished_at = COALESCE("
                " (SELECT MAX(fetched_at) FROM captures WHERE run_id = crawl_runs.id),"
                " started_at) WHERE spider = ? AND status = 'running'",
                (spider,),
            )
            return cursor.rowcount

    def finish_run(
        self, run_id: int, *, status: str, stats: Mapping[str, Any], counts: Mapping[str, int]
    ) -> None:
        """Close run ``run_id`` with its final status, Scrapy stats and counts.

        ``status`` is 'finished', 'failed' or a Scrapy finish reason. Datetimes in ``stats`` are
        stored as ISO 8601 with zone. Raises KeyError for an unknown run.
        """
        with self._transaction("finish a crawl run") as conn:
            cursor = conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ?, counts = ?"
                " WHERE id = ?",
                (self._clock(), status, to_json(dict(stats)), to_json(dict(counts)), run_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(run_id)

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
        :mod:`~newsbot.archive.frontier`; ``next_due_at``: when it is due again). A 304, or a
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
        if sha is not None and not queries.has_body(self._conn, sha):
            # Compressed before taking the write lock, so other writers wait less (or already
            # by an extraction worker, off the crawler's event loop).
            new_body = (prepared.codec, prepared.data) if prepared else self._compress(capture)
        with self._transaction(f"save capture of {capture.url}") as conn:
            known = frontier.load_row(conn, capture.url)
            revisit, revisit_of = frontier.revisit_of(known, capture.status, sha)
            body_stored = False
            if sha is not None and new_body is not None:
                codec, stored = self._with_dictionary(conn, capture, new_body)
                cursor = conn.execute(
                    _INSERT_BODY, (sha, size, len(stored), codec, stored, capture.fetched_at)
                )
                # 0 when another writer stored the same body since _has_body looked.
                body_stored = cursor.rowcount == 1
            capture_id = _rowid(
                conn.execute(
                    _INSERT_CAPTURE,
                    (
                        run_id,
                        capture.site,
                        capture.kind,
                        capture.url,
                        capture.final_url,
                        capture.status,
                        to_json([list(pair) for pair in capture.headers]),
                        sha,
                        capture.fetched_at,
                        capture.error,
                        revisit_of,
                    ),
                )
            )
            self._record_fetch(conn, known, capture, capture_id, sha, next_due_at)
            outcome = None
            refused = None
            if article is not None:
                placed = owners.place_page(
                    conn, article, capture_id, final_url=capture.final_url, site=capture.site
                )
                article, refused = placed.article, placed.refused
                outcome = self._upsert_article(
                    conn, article, capture_id, capture.fetched_at, own=placed.own
                )
            extractions.note_capture(conn, capture_id, capture, article, run_id, self._clock())
            if refused:
                owners.note_refused(conn, capture_id, refused)
                errors = [*errors, ("archive", owners.REFUSED_KIND, refused)]
            if errors:
                at = self._clock()
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
        with self._transaction(f"save article {article.canonical_url}") as conn:
            row = conn.execute(
                "SELECT fetched_at, url FROM captures WHERE id = ?", (capture_id,)
            ).fetchone()
            if row is None:
                raise KeyError(capture_id)
            placed = owners.place(conn, article, capture_id)
            article = placed.article
            outcome = self._upsert_article(conn, article, capture_id, row[0], own=placed.own)
            extractions.note_article(conn, capture_id, article, at=self._clock(), run_id=None)
            if placed.refused:
                owners.note_refused(conn, capture_id, placed.refused)
                conn.execute(
                    INSERT_ERROR,
                    (None, capture_id, row[1], "archive", owners.REFUSED_KIND,
                     placed.refused, self._clock()),
                )  # fmt: skip
            return outcome

    def _upsert_article(
        self,
        conn: sqlite3.Connection,
        article: Article,
        capture_id: int,
        seen_at: str,
        content_hash: str | None = None,
        own: bool = False,
    ) -> ArticleOutcome:
        """Write ``article`` (its row, a version, its links; ``content_hash`` when already
        computed, by a worker) unless the stored one has the same content.

        ``own``: the article is its page's own (see :mod:`~newsbot.archive.owners`): an
        article another page wrote into its row moves to that page's own URL first."""
        if not article.canonical_url.strip():
            raise ArchiveError(f"cannot save article from {article.url}: it has no canonical URL")
        content_hash = content_hash or article_content_hash(article)
        row = conn.execute(
            "SELECT id, content_hash FROM articles WHERE canonical_url = ?",
            (article.canonical_url,),
        ).fetchone()
        if row is not None and row[1] == content_hash:
            return "unchanged"
        gone = None
        if row is not None:
            gone = owners.displaced(conn, article.canonical_url, by=capture_id, own=own)
        extracted_at = self._clock()
        columns = article_values(article)
        values = (*columns, capture_id, content_hash, extracted_at)
        if row is None:
            conn.execute(_INSERT_ARTICLE, (*values, article.canonical_url, seen_at))
        else:
            conn.execute(_UPDATE_ARTICLE, (*values, row[0]))
        history.record_version(
            conn,
            article,
            capture_id=capture_id,
            content_hash=content_hash,
            extracted_at=extracted_at,
            values=columns,
        )
        conn.execute("DELETE FROM links WHERE source_url = ?", (article.canonical_url,))
        conn.executemany(
            _INSERT_LINK,
            [
                (
                    article.canonical_url,
                    link.url,
                    link.kind,
                    link.anchor_text,
                    link.label,
                    link.position,
                    capture_id,
                )
                for link in unique_links(article.links)
            ],
        )
        if gone is not None:
            self._upsert_article(conn, gone.article, gone.capture_id, gone.fetched_at, own=True)
            owners.moved(conn, gone, article.canonical_url, extracted_at, own=own)
        self._index.note()
        if self._index.due():
            index_pending(conn)
            self._index.done()
        return "new" if row is None else "changed"

    def _index_pending(self, what: str) -> None:
        with self._transaction(what) as conn:
            index_pending(conn)
        self._index.done()

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
        with self._transaction(f"record an error for {url}") as conn:
            conn.execute(
                INSERT_ERROR, (run_id, capture_id, url, stage, kind, message, self._clock())
            )

    @property
    def reextraction(self) -> Reextraction:
        """Re-extraction's reads and writes here (:mod:`~newsbot.archive.reextraction`)."""
        return Reextraction(self)

    # -- reading -----------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = 10, selection: ArticleFilter | None = None
    ) -> list[SearchHit]:
        """Articles whose title or text match ``query``, best first, at most ``limit``
        (:meth:`search_page` also counts them all).

        FTS5 syntax works (``climate AND NOT football``, ``"exact phrase"``, ``elect*``); a
        query that is not valid FTS5 is searched as plain words instead of failing. Accents
        and case are ignored both ways ("elections" finds "élections" and the reverse). The
        index is brought up to date in batches (:mod:`~newsbot.archive.index`): searching
        while another process writes finds what it saved up to a few seconds ago.
        ``selection`` narrows the search to some languages, sites, sections or dates (its own
        ``query`` is replaced by ``query``).
        """
        return list(self.search_page(query, selection, limit=limit).hits)

    def search_page(
        self,
        query: str,
        selection: ArticleFilter | None = None,
        *,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """As :meth:`search`, with the exact number of matching articles (``total``) and the
        ``limit`` hits from ``offset`` on: a page of results."""
        if self._index.noted:
            self._index_pending("index the articles just saved")
        chosen = replace(selection or ArticleFilter(), query=query)
        return queries.search(self._conn, chosen, limit, offset)


def _rowid(cursor: sqlite3.Cursor) -> int:
    rowid = cursor.lastrowid
    if rowid is None:  # only for statements that insert nothing; ours always insert
        raise sqlite3.OperationalError("insert returned no row id")
    return rowid
