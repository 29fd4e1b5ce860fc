"""Which articles a user means: the one selection shared by ``export articles``, ``search``
and the Python API.

An :class:`ArticleFilter` becomes SQL conditions on the ``articles`` table. Published times are
stored as the page gave them (ISO 8601 with the publisher's zone, ``2026-03-18T11:00:00+01:00``),
so the window compares them in UTC through SQLite's ``datetime()``, which reads the zone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from newsbot.archive.search import as_terms


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles to export or search. Empty filters select everything.

    ``languages`` match a language and its regional forms (``de`` keeps ``de`` and ``de-AT``).
    ``published_since`` (inclusive) and ``published_until`` (exclusive) are ISO 8601 dates or
    times; without a zone they are UTC. An article without a publication time is outside any
    window. ``query`` is a full-text query (FTS5 syntax, or plain words).
    """

    languages: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    published_since: str | None = None
    published_until: str | None = None
    query: str | None = None

    @property
    def empty(self) -> bool:
        return self == ArticleFilter()


def filter_sql(
    conn: sqlite3.Connection, selection: ArticleFilter, alias: str
) -> tuple[str, list[object]]:
    """SQL conditions (each starting with `` AND ``) on articles aliased ``alias`` for the
    filters of ``selection``, and their values."""
    sql = ""
    values: list[object] = []
    if selection.languages:
        alternatives = " OR ".join(
            f"{alias}.language = ? OR {alias}.language LIKE ?" for _ in selection.languages
        )
        sql += f" AND ({alternatives})"
        for language in selection.languages:
            values.extend((language, f"{language}-%"))
    for column, wanted in (("site", selection.sites), ("section", selection.sections)):
        if wanted:
            sql += f" AND {alias}.{column} IN ({', '.join('?' * len(wanted))})"
            values.extend(wanted)
    if selection.published_since:
        sql += f" AND datetime({alias}.published_at) >= datetime(?)"
        values.append(selection.published_since)
    if selection.published_until:
        sql += f" AND datetime({alias}.published_at) < datetime(?)"
        values.append(selection.published_until)
    if selection.query is not None:
        sql += f" AND {alias}.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        values.append(fts_query(conn, selection.query))
    return sql, values


def fts_query(conn: sqlite3.Connection, query: str) -> str:
    """``query`` as SQLite will accept it: as written when FTS5 parses it (so ``AND``, ``OR``,
    ``"phrases"`` and ``prefix*`` work), else as plain quoted words (see
    :func:`~newsbot.archive.search.as_terms`). A query without words matches nothing."""
    if not query.strip():
        return '""'
    try:
        conn.execute(
            "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (query,)
        ).fetchone()
    except sqlite3.OperationalError:
        return as_terms(query) or '""'
    return query
