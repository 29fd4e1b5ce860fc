"""Full-text search over the archived articles (``archive.search``), and the index behind it.

A query is FTS5 syntax (``AND``/``OR``/``NOT``, ``"phrases"``, ``prefix*``, ``column:term``),
tried as written so those work; when SQLite rejects it, it is searched as plain words
(:func:`~newsbot.archive.articles.as_terms`), which every query survives. The index
(``articles_fts``) is brought up to date in batches (:mod:`~newsbot.archive.index`): the
writer notes each article it saves new or changed here (:meth:`Search.note_saved`), and
indexes them when a batch is due, before it searches, and when it closes.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from typing import Any

from newsbot.archive.articles import ArticleFilter, filter_sql, fts_query
from newsbot.archive.index import IndexBatch, has_pending, index_pending
from newsbot.archive.records import SearchHit, SearchResult, one_line
from newsbot.archive.session import Session

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


class Search:
    """Searching one archive's articles (``archive.search``), and keeping its index current."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._index = IndexBatch()

    def __call__(
        self, query: str, *, limit: int = 10, selection: ArticleFilter | None = None
    ) -> list[SearchHit]:
        """``archive.search(query)``: articles whose title or text match ``query``, best
        first, at most ``limit`` (:meth:`page` also counts them all).

        FTS5 syntax works (``climate AND NOT football``, ``"exact phrase"``, ``elect*``); a
        query that is not valid FTS5 is searched as plain words instead of failing. Accents
        and case are ignored both ways ("elections" finds "élections" and the reverse).
        Searching while another process writes finds what it saved up to a few seconds ago.
        ``selection`` narrows the search to some languages, sites, sections or dates (its own
        ``query`` is replaced by ``query``).
        """
        return list(self.page(query, selection, limit=limit).hits)

    def page(
        self,
        query: str,
        selection: ArticleFilter | None = None,
        *,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """As ``archive.search(query)``, with the exact number of matching articles
        (``total``) and the ``limit`` hits from ``offset`` on: a page of results."""
        if self._index.noted:
            self.catch_up("index the articles just saved")
        chosen = replace(selection or ArticleFilter(), query=query)
        return search(self._session.conn, chosen, limit, offset)

    # -- the index, for the archive's writer ------------------------------------------------

    def note_saved(self, conn: sqlite3.Connection) -> None:
        """An article was saved new or changed in the transaction on ``conn`` (the triggers
        noted it): index the noted ones there when a batch is due."""
        self._index.note()
        if self._index.due():
            index_pending(conn)
            self._index.done()

    def catch_up(self, what: str, *, always: bool = True) -> None:
        """Index every noted article in a transaction of its own (``what`` names it in an
        error); unless ``always``, only when this writer noted some or another left some."""
        if not always and not (self._index.noted or has_pending(self._session.conn)):
            return
        with self._session.transaction(what) as conn:
            index_pending(conn)
        self._index.done()


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
