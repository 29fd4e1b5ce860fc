"""Which articles a user means: the one selection shared by ``export articles``, ``search``
and the Python API.

An :class:`ArticleFilter` becomes SQL conditions on the ``articles`` table. Published times are
stored as the page gave them (ISO 8601 with the publisher's zone, ``2026-03-18T11:00:00+01:00``),
so the window compares them in UTC through SQLite's ``datetime()``, which reads the zone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from newsbot.archive.records import ARTICLE_JSON_COLUMNS, decode_row, from_json
from newsbot.archive.session import rows, where

#: Articles per batch of :meth:`Articles.iter` (only text, no bodies).
ARTICLE_BATCH = 500


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
    :func:`as_terms`). A query without words matches nothing."""
    if not query.strip():
        return '""'
    try:
        conn.execute(
            "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (query,)
        ).fetchone()
    except sqlite3.OperationalError:
        return as_terms(query) or '""'
    return query


def as_terms(query: str) -> str:
    """``query`` as plain FTS5 terms: each whitespace-separated word quoted as a string.

    Operators and punctuation lose their meaning (``AND OR`` looks for the words "and" and
    "or"; ``"unbalanced`` for "unbalanced"), so the result is always valid FTS5 syntax.
    Empty when ``query`` has no words.
    """
    words = (word.replace('"', "") for word in query.split())
    return " ".join(f'"{word}"' for word in words if word)


# -- the export schema ------------------------------------------------------------------------

#: Field types of :data:`EXPORT_FIELDS`: how a value is held in JSON / CSV / Parquet.
#:
#: - ``string``: a JSON string / the text / ``string`` (any may be null, shown empty in CSV);
#: - ``integer``: a JSON number / digits / ``int64``;
#: - ``list``: a JSON array of strings / that array as JSON text / ``list<string>``;
#: - ``object``: a JSON object / that object as JSON text / JSON text (``string``: the keys
#:   differ by site, so a Parquet struct or map would pin one site's keys or their type);
#: - ``links``: a JSON array of link objects / that array as JSON text / ``list<struct<target:
#:   string, kind: string, anchor_text: string, label: string, position: int64>>``.
ExportType = str


@dataclass(frozen=True)
class ExportField:
    """One column of an article export: its name, its :data:`ExportType`, what it holds, and
    the SQL that reads it from ``articles a`` (lists and objects as stored, JSON text)."""

    name: str
    type: ExportType
    doc: str
    sql: str

    @property
    def is_json(self) -> bool:
        """Whether its values are JSON text as read (lists, objects, links)."""
        return self.type in ("list", "object", "links")


#: The one schema of ``newsbot export articles`` and ``archive.articles.export_rows``, in its
#: default column order. Times are ISO 8601 strings exactly as stored: published and modified times
#: with the publisher's own zone offset (``2026-03-18T11:00:00+01:00``), the archive's own
#: times in UTC (``…+00:00``). They stay strings in every format, Parquet included, because a
#: Parquet timestamp keeps an instant but not the zone it was written in; cast them when
#: reading (DuckDB: ``published_at::TIMESTAMPTZ``; pandas: ``pd.to_datetime(utc=True)``).
EXPORT_FIELDS: tuple[ExportField, ...] = (
    ExportField("url", "string", "canonical URL of the article (its identity)", "a.canonical_url"),
    ExportField("source_url", "string", "URL of the page it was read from", "a.url"),
    ExportField("site", "string", "site profile slug (euronews …)", "a.site"),
    ExportField(
        "language", "string", "BCP 47 language of the page (de, en, pt-BR …)", "a.language"
    ),
    ExportField("title", "string", "headline", "a.title"),
    ExportField("teaser", "string", "standfirst / summary (empty when none)", "a.teaser"),
    ExportField("text", "string", "body text, paragraphs separated by newlines", "a.text"),
    ExportField("authors", "list", "bylines, in page order", "a.authors"),
    ExportField("published_at", "string", "publication time, publisher's zone", "a.published_at"),
    ExportField("modified_at", "string", "last update time, publisher's zone", "a.modified_at"),
    ExportField("section", "string", "section as stored (world, my-europe …)", "a.section"),
    ExportField("tags", "list", "tags / keywords, in page order", "a.tags"),
    ExportField("image_url", "string", "lead image URL", "a.image_url"),
    ExportField("sources", "list", "agencies credited (AP, dpa …)", "a.sources"),
    ExportField("captions", "list", "image captions, in page order", "a.captions"),
    ExportField("extras", "object", "site-specific fields named by the profile", "a.extras"),
    ExportField("first_seen_at", "string", "first capture of the article (UTC)", "a.first_seen_at"),
    ExportField(
        "extracted_at", "string", "when this version was extracted (UTC)", "a.extracted_at"
    ),
    ExportField("extractor_version", "string", "extractor that produced it", "a.extractor_version"),
    ExportField("content_hash", "string", "sha256 of the extracted content", "a.content_hash"),
    ExportField("capture_id", "integer", "capture it was extracted from", "a.capture_id"),
)

#: Fields computed while exporting, so left out unless asked for (``--with-words``,
#: ``--with-links``, or named in ``fields``): ``words`` (reading every text through Python
#: adds about two thirds to a Parquet export's time) and ``links`` (a query per article). Both
#: go at the end, words first.
OPTIONAL_FIELDS: tuple[ExportField, ...] = (
    ExportField(
        "words",
        "integer",
        "words in text (runs of characters between whitespace, as str.split() counts them)",
        "newsbot_words(CAST(a.text AS BLOB))",
    ),
    # In the order extraction found the links; position counts from 1 within each kind.
    ExportField(
        "links",
        "links",
        "outgoing links: target, kind (related, inline-related, inline, translation),"
        " anchor_text, label (block heading or hreflang), position",
        """(SELECT json_group_array(json_object('target', l.target_url, 'kind', l.kind,
            'anchor_text', l.anchor_text, 'label', l.label, 'position', l.position))
            FROM (SELECT * FROM links WHERE source_url = a.canonical_url ORDER BY id) l)""",
    ),
)

_FIELDS_BY_NAME = {f.name: f for f in (*EXPORT_FIELDS, *OPTIONAL_FIELDS)}
_VALID = f"the fields are: {', '.join(_FIELDS_BY_NAME)}"

#: Articles per page of an export: pages of a few MB, whatever the archive's size.
EXPORT_BATCH = 1000


class UnknownFieldError(ValueError):
    """A field name that is not in the export schema; ``str()`` lists the valid ones."""


def export_fields(names: Sequence[str] | None = None, add: Sequence[str] = ()) -> list[ExportField]:
    """The fields ``names`` names, in that order (default: :data:`EXPORT_FIELDS`), then those
    of ``add`` not named yet (``words``, ``links``: :data:`OPTIONAL_FIELDS`). Raises
    :class:`UnknownFieldError` for a name not in the schema, no name, or a name given twice."""
    chosen = list(EXPORT_FIELDS) if names is None else []
    for name in names or ():
        found = _FIELDS_BY_NAME.get(name)
        if found is None or found in chosen:
            problem = f"{name!r} is named twice" if found else f"unknown field {name!r}"
            raise UnknownFieldError(f"{problem}; {_VALID}")
        chosen.append(found)
    if not chosen:
        raise UnknownFieldError(f"no field named; {_VALID}")
    for name in add:
        if name not in _FIELDS_BY_NAME:
            raise UnknownFieldError(f"unknown field {name!r}; {_VALID}")
        if _FIELDS_BY_NAME[name] not in chosen:
            chosen.append(_FIELDS_BY_NAME[name])
    return chosen


def count_selected(conn: sqlite3.Connection, selection: ArticleFilter) -> int:
    """How many articles ``selection`` keeps."""
    where, values = filter_sql(conn, selection, "a")
    return int(
        conn.execute(f"SELECT COUNT(*) FROM articles a WHERE 1{where}", values).fetchone()[0]
    )


#: How :func:`iter_export_batches` hands back a row: its values (``bytes``: text as UTF-8
#: bytes), or one line of JSON or CSV.
RowStyle = Literal["values", "bytes", "jsonl", "csv"]


def iter_export_batches(
    conn: sqlite3.Connection,
    selection: ArticleFilter,
    fields: Sequence[ExportField],
    *,
    style: RowStyle = "values",
    batch: int = EXPORT_BATCH,
) -> Iterator[list[tuple[Any, ...]]]:
    """The selected articles in id order, in pages of at most ``batch`` rows (keyset
    pagination: no read snapshot is held between pages, so a crawl writing meanwhile is never
    held up).

    A row is ``(id, value, …)`` with one value per field, lists and objects as minified JSON
    text (style ``bytes``: every text as its UTF-8 bytes, which Python need not decode, for
    a writer that wants bytes). Or it is ``(id, line)``, the row as one line made by SQLite
    (the fast way to write them): ``jsonl``, a JSON object, lists as arrays; ``csv``, every
    string quoted (so newlines stay in their cell, and an empty string is ``""`` while a null
    is nothing), lists and objects as JSON text."""
    conn.create_function("newsbot_words", 1, _word_count, deterministic=True)
    if style == "jsonl":
        pairs = ", ".join(f"'{f.name}', {_json_value(f)}" for f in fields)
        columns = f"json_object({pairs})"
    elif style == "csv":
        columns = " || ',' || ".join(_csv_value(f) for f in fields)
    elif style == "bytes":
        columns = ", ".join(
            f.sql if f.type == "integer" else f"CAST({_json_value(f)} AS BLOB)" for f in fields
        )
    else:
        columns = ", ".join(_json_value(f) for f in fields)
    where, values = filter_sql(conn, selection, "a")
    sql = (
        f"SELECT a.id, {columns} FROM articles a WHERE a.id > ?{where}"
        f" ORDER BY a.id LIMIT {int(batch)}"
    )
    last_id = 0
    while found := conn.execute(sql, (last_id, *values)).fetchall():
        yield found
        last_id = found[-1][0]


def _json_value(field: ExportField) -> str:
    # json() makes stored JSON text minified, as SQLite writes the links, and marks it as
    # JSON, so that json_object nests it instead of quoting it.
    return f"json({field.sql})" if field.is_json else field.sql


def _csv_value(field: ExportField) -> str:
    if field.type == "integer":
        return f"COALESCE({field.sql}, '')"
    return f"""COALESCE('"' || replace({_json_value(field)}, '"', '""') || '"', '')"""


def _word_count(text: bytes | None) -> int | None:
    # Given the UTF-8 bytes (CAST AS BLOB): splitting them costs a third less than decoding
    # and splitting the text, and extracted text holds no whitespace but ASCII spaces and
    # newlines (newsbot.normalize.normalize_space), so the count is the same.
    return None if text is None else len(text.split())


class Articles:
    """Reading one archive's articles (``archive.articles``): one, a stream, a selection, an
    export. Articles are written by ``Archive.save_capture`` and ``Archive.save_article``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, url: str) -> dict[str, Any] | None:
        """The stored article whose canonical URL is ``url`` or, failing that, the latest one
        extracted from a page at ``url``; every column, ``authors`` and ``tags`` as lists."""
        conn = self._conn
        found = rows(conn, "SELECT * FROM articles WHERE canonical_url = ?", (url,)) or rows(
            conn,
            "SELECT * FROM articles WHERE url = ? ORDER BY extracted_at DESC, id DESC LIMIT 1",
            (url,),
        )
        return decode_row(dict(found[0]), ARTICLE_JSON_COLUMNS) if found else None

    def iter(
        self, *, language: str | None = None, site: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every stored article matching the filters, oldest first, as :meth:`get` returns
        them, streamed in batches (keyset pagination: no snapshot is held between batches)."""
        only, values = where({"language": language, "site": site}, prefix="")
        sql = f"SELECT * FROM articles WHERE id > ?{only} ORDER BY id LIMIT {ARTICLE_BATCH}"
        last_id = 0
        while batch := rows(self._conn, sql, (last_id, *values)):
            for row in batch:
                yield decode_row(dict(row), ARTICLE_JSON_COLUMNS)
            last_id = batch[-1]["id"]

    def count(self, selection: ArticleFilter | None = None) -> int:
        """How many stored articles ``selection`` keeps (default: all)."""
        return count_selected(self._conn, selection or ArticleFilter())

    def export_batches(
        self, selection: ArticleFilter, fields: Sequence[ExportField], *, style: RowStyle = "values"
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The pages of an article export (see :func:`iter_export_batches`)."""
        return iter_export_batches(self._conn, selection, fields, style=style)

    def export_rows(
        self,
        selection: ArticleFilter | None = None,
        fields: Sequence[str] | None = None,
        *,
        add: Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """The articles ``selection`` keeps (default: all), oldest first, streamed, each a dict
        of the export schema (:data:`EXPORT_FIELDS`; ``fields`` names others, in order;
        ``add=["words", "links"]`` adds those): lists as lists, ``extras`` as a dict,
        ``links`` as a list of dicts. Raises :class:`UnknownFieldError` for a name not in the
        schema."""
        chosen = export_fields(fields, add)
        names = [field.name for field in chosen]
        decoded = [field.is_json for field in chosen]
        for batch in self.export_batches(selection or ArticleFilter(), chosen):
            for row in batch:
                yield {
                    name: from_json(value) if decode else value
                    for name, value, decode in zip(names, row[1:], decoded, strict=True)
                }
