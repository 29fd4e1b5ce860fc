"""Read queries over an archive connection; :class:`~newsbot.archive.db.Archive` exposes them.

Functions of a ``sqlite3.Connection`` that never write. The iterators read in short batches
(keyset pagination on ``id``), so a long export or re-extraction never pins one snapshot, which
would keep the write-ahead log from being checkpointed while a crawl writes.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from newsbot.archive import articles, dictionaries, exporting
from newsbot.archive.articles import ArticleFilter, filter_sql, fts_query
from newsbot.archive.bodies import decompress, sha256_hex
from newsbot.archive.records import (
    ARTICLE_JSON_COLUMNS,
    UNKNOWN_LANGUAGE,
    ArchiveStats,
    FrontierStats,
    SearchHit,
    SearchResult,
    decode_row,
    from_json,
    one_line,
    utc_now,
)
from newsbot.items import Capture, CaptureKind

# Rows per batch: captures carry compressed bodies (tens of KB each), articles only text.
CAPTURE_BATCH = 64
ARTICLE_BATCH = 500

_ARTICLE_JSON = ARTICLE_JSON_COLUMNS
_RUN_JSON = ("settings", "stats", "counts")
_LINK_COLUMNS = "source_url, target_url, kind, anchor_text, label, position, capture_id"
_CAPTURE_SELECT = """
    SELECT c.id, c.url, c.final_url, c.status, c.headers, c.fetched_at, c.site, c.kind,
           c.error, c.sha256, b.codec, b.data, b.size
    FROM captures c LEFT JOIN bodies b ON b.sha256 = c.sha256
"""
#: Around each matched term in SQLite's snippet(): control characters no extracted text holds,
#: turned into :attr:`SearchHit.matches` spans before anyone sees them.
_OPEN, _CLOSE = "\x02", "\x03"
_SEARCH_FROM = """
    FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
    WHERE articles_fts MATCH ?"""
_SEARCH = f"""
    SELECT a.canonical_url, a.title, a.language, a.site, a.published_at,
           snippet(articles_fts, -1, '{_OPEN}', '{_CLOSE}', '…', 16), articles_fts.rank
    {_SEARCH_FROM}{{filters}}
    ORDER BY articles_fts.rank, a.id
    LIMIT ? OFFSET ?
"""


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """All rows of ``sql``, addressable by column name."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params).fetchall()


def has_body(conn: sqlite3.Connection, sha256: str) -> bool:
    query = "SELECT 1 FROM bodies WHERE sha256 = ?"
    return conn.execute(query, (sha256,)).fetchone() is not None


def body(conn: sqlite3.Connection, sha256: str) -> bytes:
    row = conn.execute(
        "SELECT codec, data, size FROM bodies WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is None:
        raise KeyError(sha256)
    # A body's dictionary is loaded once per connection (MissingDictionaryError without it).
    return decompress(row[1], row[0], row[2], dictionaries.loader(conn))


def body_of_capture(conn: sqlite3.Connection, url: str, fetched_at: str | None) -> bytes | None:
    """The body of the latest capture answered by ``url`` (fetched at ``fetched_at`` when
    one was), if the archive holds one."""
    sql = "SELECT sha256 FROM captures WHERE final_url = ? AND sha256 IS NOT NULL"
    found = None
    if fetched_at is not None:
        dated = f"{sql} AND fetched_at = ? ORDER BY id DESC LIMIT 1"
        found = conn.execute(dated, (url, fetched_at)).fetchone()
    if found is None:
        found = conn.execute(f"{sql} ORDER BY id DESC LIMIT 1", (url,)).fetchone()
    return None if found is None else body(conn, found[0])


def has_capture(conn: sqlite3.Connection, url: str, fetched_at: str, content: bytes) -> bool:
    """Whether a capture of ``url`` fetched at ``fetched_at`` with this body is stored."""
    found = conn.execute(
        "SELECT sha256 FROM captures WHERE url = ? AND fetched_at = ?", (url, fetched_at)
    ).fetchall()
    if not found:
        return False
    sha = sha256_hex(content) if content else None
    return any(row[0] == sha for row in found)


def get_capture(conn: sqlite3.Connection, capture_id: int) -> Capture:
    found = rows(conn, f"{_CAPTURE_SELECT} WHERE c.id = ?", (capture_id,))
    if not found:
        raise KeyError(capture_id)
    return _capture_from_row(conn, found[0])


def iter_captures(conn: sqlite3.Connection, filters: Mapping[str, Any]) -> Iterator[Capture]:
    """Captures matching ``filters`` (column -> value; None values ignored), oldest first."""
    where, values = _where(filters, prefix="c.")
    sql = f"{_CAPTURE_SELECT} WHERE c.id > ?{where} ORDER BY c.id LIMIT {CAPTURE_BATCH}"
    last_id = 0
    while batch := rows(conn, sql, (last_id, *values)):
        for row in batch:
            yield _capture_from_row(conn, row)
        last_id = batch[-1]["id"]


def get_article(conn: sqlite3.Connection, url: str) -> dict[str, Any] | None:
    found = rows(conn, "SELECT * FROM articles WHERE canonical_url = ?", (url,)) or rows(
        conn,
        "SELECT * FROM articles WHERE url = ? ORDER BY extracted_at DESC, id DESC LIMIT 1",
        (url,),
    )
    return decode_row(dict(found[0]), _ARTICLE_JSON) if found else None


def iter_articles(conn: sqlite3.Connection, filters: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Articles matching ``filters`` (column -> value; None values ignored), oldest first."""
    where, values = _where(filters, prefix="")
    sql = f"SELECT * FROM articles WHERE id > ?{where} ORDER BY id LIMIT {ARTICLE_BATCH}"
    last_id = 0
    while batch := rows(conn, sql, (last_id, *values)):
        for row in batch:
            yield decode_row(dict(row), _ARTICLE_JSON)
        last_id = batch[-1]["id"]


def links_from(conn: sqlite3.Connection, source_url: str) -> list[dict[str, Any]]:
    sql = f"SELECT {_LINK_COLUMNS} FROM links WHERE source_url = ? ORDER BY kind, position, id"
    return [dict(row) for row in rows(conn, sql, (source_url,))]


def links_to(conn: sqlite3.Connection, target_url: str) -> list[dict[str, Any]]:
    sql = (
        f"SELECT {_LINK_COLUMNS} FROM links WHERE target_url = ?"
        " ORDER BY source_url, kind, position, id"
    )
    return [dict(row) for row in rows(conn, sql, (target_url,))]


def search(
    conn: sqlite3.Connection, selection: ArticleFilter, limit: int, offset: int = 0
) -> SearchResult:
    """The articles matching ``selection`` (its ``query`` full-text, the rest filters), best
    first: their exact number and the ``limit`` hits from ``offset`` on. A query SQLite rejects
    is searched as plain words (:func:`~newsbot.archive.articles.fts_query`)."""
    query = selection.query or ""
    if not query.strip():
        return SearchResult(query=query, total=0, offset=offset, hits=())
    match = fts_query(conn, query)
    filters, values = filter_sql(conn, replace(selection, query=None), "a")
    (total,) = conn.execute(f"SELECT COUNT(*) {_SEARCH_FROM}{filters}", (match, *values)).fetchone()
    found = conn.execute(
        _SEARCH.format(filters=filters), (match, *values, limit, offset)
    ).fetchall()
    hits = tuple(
        SearchHit(
            url=url,
            title=one_line(title),
            language=language,
            site=site,
            published_at=published_at,
            rank=float(rank),
            **_excerpt(snippet),
        )
        for url, title, language, site, published_at, snippet, rank in found
    )
    return SearchResult(query=query, total=int(total), offset=offset, hits=hits)


def _excerpt(snippet: str | None) -> dict[str, Any]:
    """SQLite's marked snippet as one line of plain text and the spans of its marked terms."""
    text = " ".join((snippet or "").split())
    excerpt: list[str] = []
    matches: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for part in re.split(f"([{_OPEN}{_CLOSE}])", text):
        if part == _OPEN:
            start = length
        elif part == _CLOSE:
            if start is not None and length > start:
                matches.append((start, length))
            start = None
        else:
            excerpt.append(part)
            length += len(part)
    return {"excerpt": "".join(excerpt), "matches": tuple(matches)}


def runs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    found = rows(
        conn,
        """
        SELECT r.*,
               (SELECT COUNT(*) FROM captures c WHERE c.run_id = r.id) AS capture_count,
               (SELECT COUNT(*) FROM errors e WHERE e.run_id = r.id) AS error_count
        FROM crawl_runs r ORDER BY r.id DESC
        """,
    )
    return [decode_row(dict(row), _RUN_JSON) for row in found]


def stats(conn: sqlite3.Connection, path: Path, now: str | None = None) -> ArchiveStats:
    """Counts over the whole archive, read in one snapshot so they agree with each other.

    The frontier's ``due_now`` is counted as of ``now`` (default: the current UTC time)."""
    conn.execute("BEGIN")
    try:
        frontier = frontier_stats(conn, None, now or utc_now())
        captures = _count(conn, "SELECT COUNT(*) FROM captures")
        bodies, body_bytes, stored_bytes = conn.execute(
            "SELECT COUNT(*), TOTAL(size), TOTAL(stored_size) FROM bodies"
        ).fetchone()
        by_language = _grouped(
            conn, f"SELECT COALESCE(language, '{UNKNOWN_LANGUAGE}'), COUNT(*) FROM articles"
        )
        by_link_kind = _grouped(conn, "SELECT kind, COUNT(*) FROM links")
        by_error_kind = _grouped(conn, "SELECT kind, COUNT(*) FROM errors")
        all_runs = runs(conn)
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


def frontier_stats(conn: sqlite3.Connection, site: str | None, now: str) -> FrontierStats:
    """Frontier URLs by state and kind, and those due at ``now`` (UTC ISO 8601), of ``site``
    or of every site. Run inside a read transaction when it must agree with other counts."""
    where, values = _where({"site": site}, prefix="")
    by_state = _grouped(conn, f"SELECT state, COUNT(*) FROM frontier WHERE 1{where}", values)
    by_kind = _grouped(conn, f"SELECT kind, COUNT(*) FROM frontier WHERE 1{where}", values)
    due_by_kind = _grouped(
        conn,
        f"SELECT kind, COUNT(*) FROM frontier WHERE due_at IS NOT NULL AND due_at <= ?{where}",
        (now, *values),
    )
    (next_due_at,) = conn.execute(
        f"SELECT MIN(due_at) FROM frontier WHERE due_at > ?{where}", (now, *values)
    ).fetchone()
    return FrontierStats(
        urls=sum(by_state.values()),
        by_state=by_state,
        by_kind=by_kind,
        due_now=sum(due_by_kind.values()),
        due_now_by_kind=due_by_kind,
        next_due_at=next_due_at,
    )


def _where(filters: Mapping[str, Any], prefix: str) -> tuple[str, list[Any]]:
    # Column names come from the Archive's own keyword arguments, never from user input.
    given = {name: value for name, value in filters.items() if value is not None}
    return "".join(f" AND {prefix}{name} = ?" for name in given), list(given.values())


def _count(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def _grouped(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> dict[str, int]:
    """``{key: count}`` for a ``SELECT key, COUNT(*) FROM …`` query, largest first."""
    found = conn.execute(f"{sql} GROUP BY 1 ORDER BY 2 DESC, 1", params).fetchall()
    return {str(key): int(count) for key, count in found}


def _file_bytes(path: Path) -> int:
    total = 0
    for file in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += file.stat().st_size
    return total


def _capture_from_row(conn: sqlite3.Connection, row: sqlite3.Row) -> Capture:
    body = (
        b""
        if row["sha256"] is None
        else decompress(row["data"], row["codec"], row["size"], dictionaries.loader(conn))
    )
    return Capture(
        url=row["url"],
        final_url=row["final_url"],
        status=row["status"],
        headers=[(name, value) for name, value in from_json(row["headers"])],
        body=body,
        fetched_at=row["fetched_at"],
        site=row["site"],
        kind=cast(CaptureKind, row["kind"]),
        error=row["error"],
        capture_id=row["id"],
    )


class ReadQueries:
    """Reads of :class:`~newsbot.archive.db.Archive` (mixed into it): the functions above,
    on the archive's connection."""

    _conn: sqlite3.Connection
    path: Path

    def body(self, sha256: str) -> bytes:
        """The raw bytes stored under ``sha256``, byte-identical to what was fetched.

        KeyError if no body has that hash."""
        return body(self._conn, sha256)

    def body_of_capture(self, url: str, fetched_at: str | None = None) -> bytes | None:
        """The body of the latest capture answered by ``url`` (fetched at ``fetched_at`` when
        one was; else any), None if the archive holds none."""
        return body_of_capture(self._conn, url, fetched_at)

    def has_capture(self, url: str, fetched_at: str, content: bytes) -> bool:
        """Whether a capture of ``url`` fetched at ``fetched_at`` with body ``content`` is
        already stored (an import met it before)."""
        return has_capture(self._conn, url, fetched_at, content)

    def get_capture(self, capture_id: int) -> Capture:
        """Capture ``capture_id`` as stored, body included and ``capture_id`` set.

        KeyError if unknown."""
        return get_capture(self._conn, capture_id)

    def iter_captures(
        self, *, kind: str | None = None, site: str | None = None, status: int | None = None
    ) -> Iterator[Capture]:
        """Every capture matching the filters, oldest first, bodies included, streamed in
        batches (captures saved while iterating may or may not be included)."""
        return iter_captures(self._conn, {"kind": kind, "site": site, "status": status})

    def get_article(self, url: str) -> dict[str, Any] | None:
        """The stored article whose canonical URL is ``url`` or, failing that, the latest one
        extracted from a page at ``url``; every column, ``authors`` and ``tags`` as lists."""
        return get_article(self._conn, url)

    def iter_articles(
        self, *, language: str | None = None, site: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every stored article matching the filters, oldest first, as :meth:`get_article`
        returns them, streamed in batches."""
        return iter_articles(self._conn, {"language": language, "site": site})

    def links_from(self, source_url: str) -> list[dict[str, Any]]:
        """The links of the article with canonical URL ``source_url``, by kind then position.

        Each: source_url, target_url, kind, anchor_text, label, position, capture_id."""
        return links_from(self._conn, source_url)

    def links_to(self, target_url: str) -> list[dict[str, Any]]:
        """Every link pointing at ``target_url`` (backlinks), by source, kind and position."""
        return links_to(self._conn, target_url)

    def runs(self) -> list[dict[str, Any]]:
        """Every crawl run, newest first: its columns (``settings``, ``stats`` and ``counts``
        decoded) plus the ``capture_count`` and ``error_count`` recorded for it."""
        return runs(self._conn)

    def stats(self) -> ArchiveStats:
        """Counts over the whole archive, read in one snapshot so they agree with each other."""
        return stats(self._conn, self.path)

    def count_articles(self, selection: ArticleFilter | None = None) -> int:
        """How many stored articles ``selection`` keeps (default: all)."""
        return articles.count_selected(self._conn, selection or ArticleFilter())

    def export_batches(
        self,
        selection: ArticleFilter,
        fields: Sequence[articles.ExportField],
        *,
        style: articles.RowStyle = "values",
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The pages of an article export (see
        :func:`~newsbot.archive.articles.iter_export_batches`)."""
        return articles.iter_export_batches(self._conn, selection, fields, style=style)

    def iter_export_rows(
        self,
        selection: ArticleFilter | None = None,
        fields: Sequence[str] | None = None,
        *,
        add: Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """The articles ``selection`` keeps (default: all), oldest first, streamed, each a dict
        of the export schema (:data:`~newsbot.archive.articles.EXPORT_FIELDS`; ``fields``
        names others, in order; ``add=["words", "links"]`` adds those): lists as lists,
        ``extras`` as a dict, ``links`` as a list of dicts. Raises
        :class:`~newsbot.archive.articles.UnknownFieldError` for a name not in the schema."""
        chosen = articles.export_fields(fields, add)
        names = [field.name for field in chosen]
        decoded = [field.is_json for field in chosen]
        for batch in self.export_batches(selection or ArticleFilter(), chosen):
            for row in batch:
                yield {
                    name: from_json(value) if decode else value
                    for name, value, decode in zip(names, row[1:], decoded, strict=True)
                }

    def has_later_capture(
        self, capture_id: int, url: str, selection: exporting.CaptureFilter
    ) -> bool:
        """Whether ``selection`` holds a capture of ``url`` (as requested) with a body, made
        after capture ``capture_id``: ``export captures --latest`` skips those that do."""
        where, values = exporting.filter_sql(selection, "c")
        sql = (
            "SELECT 1 FROM captures c WHERE c.url = ? AND c.id > ? AND c.sha256 IS NOT NULL"
            f"{where} LIMIT 1"
        )
        return self._conn.execute(sql, (url, capture_id, *values)).fetchone() is not None
