"""What the archive hands back to callers, and the pure helpers that shape stored values.

No database here: the result records of :class:`~newsbot.archive.db.Archive` methods, the
exception types, timestamps, JSON encoding of list and mapping columns, and the content hash that
tells a changed extraction from an unchanged one.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from newsbot.items import Article, Link

#: One row of the ``errors`` table: (run_id, capture_id, url, stage, kind, message, at).
INSERT_ERROR = """
    INSERT INTO errors (run_id, capture_id, url, stage, kind, message, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""

#: What ``save_capture`` did with the article it was given.
ArticleOutcome = Literal["new", "changed", "unchanged"]

#: Key of ``articles_by_language`` for articles whose language is unknown (BCP 47 "undetermined").
UNKNOWN_LANGUAGE = "und"


class ArchiveError(Exception):
    """A problem with the archive a user can act on; ``str()`` is one line meant for them.

    For example ``cannot create archive at /x/y.db: Permission denied`` or
    ``/x/y.db is not a newsbot archive (file is not a database)``. Whatever raised it, nothing
    already committed to the archive was lost or half-written.
    """

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class StorageError(ArchiveError):
    """The disk refused a write to the archive: it is full (``SQLITE_FULL``, ``ENOSPC``, a
    quota) or failing (an I/O error). The refused write was rolled back whole; everything
    committed before it is intact. Writing more is likely to fail the same way until the
    operator frees space, so a crawl stops on it."""


#: Errno values of an OSError that mean the disk refused a write.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def is_storage_fault(exc: BaseException) -> bool:
    """True when ``exc`` (a sqlite3 error or an OSError) says the disk refused a write: full
    or failing, not a problem of the archive's contents or of another writer."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        # (The low byte is the primary code: SQLITE_IOERR_WRITE, _FSYNC … are all I/O errors.)
        return code is not None and code & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)
    return isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS


def archive_error(message: str, cause: BaseException) -> ArchiveError:
    """The error to raise for ``cause``: a :class:`StorageError` when the disk refused a
    write, else an :class:`ArchiveError`."""
    return (StorageError if is_storage_fault(cause) else ArchiveError)(message)


@dataclass(frozen=True)
class SavedCapture:
    """What :meth:`Archive.save_capture` stored.

    ``body_stored`` is False when the body was already in the archive (or there was no body):
    the capture then reuses the stored copy. ``article`` is None when no article was given.
    ``revisit`` is True for a 304 and for a 2xx whose body is the one last fetched from that
    URL: nothing new was stored, and the capture's ``revisit_of`` names the capture that holds
    the body.
    """

    capture_id: int
    body_stored: bool
    article: ArticleOutcome | None
    revisit: bool = False


@dataclass(frozen=True)
class SearchHit:
    """One full-text search result. ``url`` is the article's canonical URL.

    ``excerpt`` is a short passage of the title or text on one line (whitespace runs collapsed,
    ``…`` where it is cut), in plain text; ``matches`` are the ``(start, end)`` character spans
    of the matched terms in it, in order. ``rank`` is SQLite's bm25 rank: lower is better.
    """

    url: str
    title: str
    language: str | None
    excerpt: str
    matches: tuple[tuple[int, int], ...] = ()
    site: str | None = None
    published_at: str | None = None
    rank: float = 0.0

    @property
    def snippet(self) -> str:
        """The excerpt with each matched term wrapped in :data:`SNIPPET_MARK` (``**``)."""
        return self.marked(SNIPPET_MARK, SNIPPET_MARK)

    def marked(self, before: str, after: str) -> str:
        """The excerpt with ``before`` and ``after`` around each matched term."""
        return self.highlighted(lambda term: f"{before}{term}{after}")

    def highlighted(self, mark: Callable[[str], str]) -> str:
        """The excerpt with each matched term replaced by ``mark(term)``."""
        parts: list[str] = []
        end = 0
        for start, stop in self.matches:
            parts += [self.excerpt[end:start], mark(self.excerpt[start:stop])]
            end = stop
        parts.append(self.excerpt[end:])
        return "".join(parts)


#: Marker put on both sides of each matched term in :attr:`SearchHit.snippet`.
SNIPPET_MARK = "**"


@dataclass(frozen=True)
class SearchResult:
    """A page of full-text search results: ``total`` articles match (the filters included),
    ``hits`` are those from ``offset`` on, best first."""

    query: str
    total: int
    offset: int
    hits: tuple[SearchHit, ...]

    @property
    def shown(self) -> int:
        return len(self.hits)

    @property
    def more(self) -> bool:
        """Whether matches remain after this page."""
        return self.offset + len(self.hits) < self.total


@dataclass(frozen=True)
class FrontierStats:
    """The crawl frontier at one moment: known URLs by state and kind, and how many are due.

    States: ``due`` (discovered, never fetched), ``done`` (last fetch a 2xx or 304), ``gone``
    (last fetch a 404 or 410), ``failed`` (last fetch an error). ``due_now`` counts the URLs a
    run starting now would fetch, the discovery documents (due every run) included.
    """

    urls: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    due_now: int = 0
    #: ``due_now`` by kind (``sitemap``, ``feed``, ``section``, ``article`` …).
    due_now_by_kind: dict[str, int] = field(default_factory=dict)
    #: The earliest time after the moment of counting at which a URL falls due, if any.
    next_due_at: str | None = None


@dataclass(frozen=True)
class ArchiveStats:
    """Counts over the whole archive at one moment.

    ``body_bytes`` is the raw size of the distinct bodies, ``stored_bytes`` their compressed size.
    ``articles_by_language`` uses ``"und"`` for articles without a language. ``file_bytes`` is the
    size on disk of the database plus its write-ahead log. ``last_run`` is the newest crawl run as
    ``archive.crawl_runs.all()`` returns it, or None before the first run.
    """

    captures: int
    bodies: int
    body_bytes: int
    stored_bytes: int
    articles: int
    articles_by_language: dict[str, int]
    links: int
    links_by_kind: dict[str, int]
    errors: int
    errors_by_kind: dict[str, int]
    runs: int
    file_bytes: int
    last_run: dict[str, Any] | None
    #: Every site's frontier (``due_now`` as of the moment of reading).
    frontier: FrontierStats = field(default_factory=FrontierStats)


def utc_now() -> str:
    """The current time as ISO 8601 in UTC to the second, e.g. ``2026-11-25T10:00:00+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def one_line(message: str) -> str:
    """``message`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(message.split())


def _json_default(value: object) -> Any:
    # Scrapy stats hold datetimes (naive ones in older Scrapy releases, meant as UTC).
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, PurePath):
        return str(value)
    # Settings can hold classes and other objects; their repr is what a reader can use.
    return str(value)


def to_json(value: Any) -> str:
    """JSON text for a list or mapping column: UTF-8 kept readable, datetimes as ISO 8601 with
    zone, anything else JSON cannot hold as its string form. Never raises for odd values."""
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def from_json(text: str | None) -> Any:
    """The value :func:`to_json` stored, or None for a NULL column."""
    return None if text is None else json.loads(text)


def _link_record(link: Link) -> list[Any]:
    return [link.kind, link.url, link.anchor_text, link.label, link.position]


def unique_links(links: list[Link]) -> list[Link]:
    """``links`` in order without exact repeats: a link listed twice is stored once."""
    return list(dict.fromkeys(links))


#: Article fields stored in columns of the same name, in this order; the list- and mapping-valued
#: ones as JSON. The SQL that writes articles and the content hash are both built from this list.
ARTICLE_COLUMNS = (
    "url",
    "site",
    "language",
    "title",
    "teaser",
    "text",
    "authors",
    "published_at",
    "modified_at",
    "section",
    "tags",
    "image_url",
    "extras",
    "sources",
    "captions",
    "extractor_version",
)
ARTICLE_JSON_COLUMNS = ("authors", "tags", "extras", "sources", "captions")
#: Not part of the content hash: where the page was read from, and which extractor read it
#: (a new extractor that yields the same article is not a change). Extras are hashed one by one.
_UNHASHED = frozenset({"url", "extractor_version", "extras"})
#: Extras that were columns of their own before migration 0005, hashed as they were then (None
#: when absent): an article extracted as before the upgrade keeps its content hash, so that
#: re-extraction does not report every stored article as changed.
_FORMER_COLUMNS = ("story_id", "event_id")


def _plain(value: Any) -> Any:
    """A list or mapping field as JSON holds it (mappings with their keys in order)."""
    return dict(sorted(value.items())) if isinstance(value, Mapping) else list(value)


def article_values(article: Article) -> tuple[Any, ...]:
    """The article's :data:`ARTICLE_COLUMNS` values as stored (lists and extras JSON-encoded)."""
    return tuple(
        to_json(_plain(getattr(article, name)))
        if name in ARTICLE_JSON_COLUMNS
        else getattr(article, name)
        for name in ARTICLE_COLUMNS
    )


def article_content_hash(article: Article) -> str:
    """sha256 over what extraction produced: the article's fields and its links.

    Left out on purpose: ``url`` (the page it was read from, not what it says) and
    ``extractor_version`` (a new extractor that yields the same article is not a change).
    Stable across runs and Python versions, so re-extraction can compare it with the stored one.
    """
    payload: dict[str, Any] = {
        name: list(getattr(article, name))
        if name in ARTICLE_JSON_COLUMNS
        else getattr(article, name)
        for name in ARTICLE_COLUMNS
        if name not in _UNHASHED
    }
    # Profiles may not name an extra after an article field, so no extra hides a field here.
    payload.update(dict.fromkeys(_FORMER_COLUMNS), **article.extras)
    payload["canonical_url"] = article.canonical_url
    payload["links"] = [_link_record(link) for link in unique_links(article.links)]
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def decode_row(row: Mapping[str, Any], json_columns: tuple[str, ...]) -> dict[str, Any]:
    """A plain dict of ``row`` with its JSON columns decoded."""
    out = dict(row)
    for column in json_columns:
        if column in out:
            out[column] = from_json(out[column])
    return out
