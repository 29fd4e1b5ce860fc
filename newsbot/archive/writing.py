"""The rows one save writes: a body, a capture, an article with its version and links.

Functions of a connection inside the caller's transaction (``Archive.save_capture``,
``Archive.save_article``, re-extraction); none commits. The rules of which row an article may
take are :mod:`~newsbot.archive.owners`'; its versions are :mod:`~newsbot.archive.history`'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from newsbot.archive import history, owners
from newsbot.archive.records import (
    ARTICLE_COLUMNS,
    ArchiveError,
    ArticleOutcome,
    article_content_hash,
    article_values,
    to_json,
    unique_links,
)
from newsbot.archive.session import rowid
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


def store_body(
    conn: sqlite3.Connection, sha256: str, size: int, stored: tuple[str, bytes], seen_at: str
) -> bool:
    """Store a body (``stored``: its codec and data) unless one with its hash is; True when
    this call stored it (False when another writer did since the caller looked)."""
    codec, data = stored
    cursor = conn.execute(_INSERT_BODY, (sha256, size, len(data), codec, data, seen_at))
    return cursor.rowcount == 1


def insert_capture(
    conn: sqlite3.Connection,
    capture: Capture,
    *,
    run_id: int | None,
    sha256: str | None,
    revisit_of: int | None,
) -> int:
    """Write the capture row of ``capture`` and return its id."""
    return rowid(
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
                sha256,
                capture.fetched_at,
                capture.error,
                revisit_of,
            ),
        )
    )


def upsert_article(
    conn: sqlite3.Connection,
    article: Article,
    capture_id: int,
    seen_at: str,
    *,
    clock: Callable[[], str],
    content_hash: str | None = None,
    own: bool = False,
    saved: Callable[[sqlite3.Connection], None],
) -> ArticleOutcome:
    """Write ``article`` (its row, a version, its links; ``content_hash`` when already
    computed, by a worker) unless the stored one has the same content, extracted at
    ``clock()``; ``saved(conn)`` is told of each article written new or changed (the search
    index notes it).

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
    extracted_at = clock()
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
        upsert_article(
            conn,
            gone.article,
            gone.capture_id,
            gone.fetched_at,
            clock=clock,
            own=True,
            saved=saved,
        )
        owners.moved(conn, gone, article.canonical_url, extracted_at, own=own)
    saved(conn)
    return "new" if row is None else "changed"
