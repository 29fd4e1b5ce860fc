"""newsbot's Datasette plugin: an archive described, searchable, and its pages readable.

Loaded by Datasette through newsbot's ``datasette`` entry point, or registered by
``newsbot browse``. For every database that is a newsbot archive (others are left alone):

- ``get_metadata``: the metadata of ``metadata.yaml``, under the database's own name;
- ``prepare_connection``: the SQL functions the canned queries use, ``newsbot_url(url)`` and
  ``newsbot_body(sha256 [, content_type])``;
- ``render_cell``: a compressed body as its size and a link to the page as text, never a blob
  to download; the ``page_text`` column of a query in full, as preformatted text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from datasette import hookimpl as _hookimpl
from markupsafe import Markup, escape

from newsbot.archive.captures import read_body
from newsbot.archive.graph import Graph
from newsbot.browse.archives import is_archive, metadata

#: A query column shown in full as preformatted text (the canned queries' page text).
PAGE_COLUMN = "page_text"

#: The most characters of a page ``newsbot_body`` returns: a browser shows a few MB of text
#: well, not a page near the crawl's 16 MiB download limit.
MAX_PAGE_CHARS = 2_000_000

# Long lines wrap: a page's HTML is often one line of thousands of characters.
_PAGE_HTML = '<pre class="newsbot-page" style="white-space: pre-wrap">{}</pre>'

_archives: dict[str, bool] = {}

_Hook = TypeVar("_Hook", bound=Callable[..., Any])


def hookimpl(fn: _Hook) -> _Hook:
    """Datasette's hook marker, typed."""
    return cast(_Hook, _hookimpl(fn))


def _is_archive(instance: Any, database: str | None) -> bool:
    """Whether Datasette's database ``database`` is a newsbot archive (checked once per file)."""
    db = instance.databases.get(database) if database is not None else None
    path = getattr(db, "path", None)
    if db is None or path is None or db.is_memory:
        return False
    if path not in _archives:
        _archives[path] = is_archive(path)
    return _archives[path]


@hookimpl
def get_metadata(datasette: Any, key: str | None, database: str | None, table: str | None) -> Any:
    names = [name for name in datasette.databases if _is_archive(datasette, name)]
    return metadata(names) if names else None


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    # newsbot_url canonicalises as the crawler does, with the site profiles: import that code
    # now, not inside the first query (almost a second, against Datasette's 1 s time limit).
    import newsbot.extract.urls
    import newsbot.sites  # noqa: F401

    conn.create_function("newsbot_url", 1, Graph(conn).resolve_url)
    reader = _BodyReader(conn)
    conn.create_function("newsbot_body", 1, reader.text)
    conn.create_function("newsbot_body", 2, reader.text)


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if not isinstance(value, (bytes, str)) or not _is_archive(datasette, database):
        return None
    if isinstance(value, str):
        if table is None and column == PAGE_COLUMN:
            return Markup(_PAGE_HTML.format(escape(value)))
        return None
    return Markup(_blob_cell(row, value, column, table, database, datasette))


def _blob_cell(
    row: Any, value: bytes, column: str, table: str | None, database: str, datasette: Any
) -> str:
    from newsbot.report import human_bytes

    if table == "dictionaries":
        site = _field(row, "site")
        return f"{human_bytes(len(value))} zstd dictionary" + (
            f" of {escape(site)}" if site else ""
        )
    sha256, codec, size = _field(row, "sha256"), _field(row, "codec"), _field(row, "size")
    if column != "data" or table not in (None, "bodies") or not isinstance(sha256, str):
        return f"{human_bytes(len(value))} of binary data (not shown)"
    described = f"{human_bytes(size)} page" if isinstance(size, int) else "page"
    stored = f"stored as {human_bytes(len(value))}" + (f" {escape(codec)}" if codec else "")
    link = f"{datasette.urls.database(database)}/page?{urlencode({'sha256': sha256})}"
    return f'{described}, {stored} — <a href="{escape(link)}">view as text</a>'


def _field(row: Any, name: str) -> Any:
    """Column ``name`` of a result row, None when the row does not hold it."""
    try:
        return row[name]
    except (IndexError, KeyError, TypeError):
        return None


class _BodyReader:
    """``newsbot_body``: the body stored under a sha256 as text, NULL when there is none."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def text(self, sha256: str | None, content_type: str | None = None) -> str | None:
        if not sha256:
            return None
        from newsbot.extract.decode import decode_html, looks_binary

        try:
            raw = read_body(self._conn, sha256)
        except KeyError:
            return None
        except Exception as exc:  # unreadable: the cell says why instead of failing the query
            return f"[newsbot cannot read this body: {exc}]"
        if looks_binary(raw):
            return f"[{len(raw)} bytes of binary data]"
        _, text = decode_html(raw, content_type)
        if len(text) > MAX_PAGE_CHARS:
            cut = len(text) - MAX_PAGE_CHARS
            return f"{text[:MAX_PAGE_CHARS]}\n[… {cut} more characters not shown]"
        return text
