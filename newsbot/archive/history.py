"""Article history: every distinct extraction of an article, and what changed between them.

``article_versions`` holds one row per distinct extraction of a canonical URL, numbered 1..n in
the order they were stored: each time ``save_capture`` or ``save_article`` finds an article
'new' or 'changed', in the same transaction. The ``articles`` table keeps only the latest.
:class:`History` (``archive.history``) reads them, and what the last capture of a URL said.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsbot.archive.lookup import crawled_sites, url_forms
from newsbot.archive.records import (
    ARTICLE_COLUMNS,
    ARTICLE_JSON_COLUMNS,
    ArchiveError,
    article_values,
    from_json,
    to_json,
    unique_links,
)
from newsbot.items import Article, Link

_INSERT_VERSION = (
    "INSERT INTO article_versions (canonical_url, version, capture_id, content_hash,"
    f" extracted_at, links, {', '.join(ARTICLE_COLUMNS)})"
    " VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions"
    f" WHERE canonical_url = ?), ?, ?, ?, ?, {', '.join('?' * len(ARTICLE_COLUMNS))})"
)
_SELECT_VERSIONS = (
    "SELECT v.*, c.fetched_at AS fetched_at FROM article_versions v"
    " LEFT JOIN captures c ON c.id = v.capture_id"
    " WHERE v.canonical_url = ? ORDER BY v.version"
)
#: Fields compared by :func:`version_changes`, in the order changes are reported. ``url`` (the
#: page an article was read from) says nothing about the article itself.
_COMPARED = (
    "title",
    "teaser",
    "text",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "section",
    "tags",
    "image_url",
    "extras",
    "sources",
    "captions",
    "links",
    "site",
    "extractor_version",
)
#: Fields :func:`changed_fields` compares.
_REPORTED = ("canonical_url", *(name for name in _COMPARED if name != "extractor_version"))
_NAMED_LISTS = ("authors", "tags", "sources")
_DATES = ("published_at", "modified_at")


@dataclass(frozen=True)
class ArticleVersion:
    """One stored extraction of an article.

    ``fetched_at`` is when the capture it was extracted from was fetched (None if that capture
    is unknown); ``article`` is the extraction as stored, links included.
    """

    version: int
    canonical_url: str
    extracted_at: str
    fetched_at: str | None
    capture_id: int | None
    content_hash: str
    article: Article


def record_version(
    conn: sqlite3.Connection,
    article: Article,
    *,
    capture_id: int,
    content_hash: str,
    extracted_at: str,
    values: tuple[Any, ...] | None = None,
) -> None:
    """Append ``article`` as the next version of its canonical URL (in the caller's
    transaction); ``values``: its ``article_values`` when the caller has them already."""
    links = [
        {
            "kind": link.kind,
            "url": link.url,
            "anchor_text": link.anchor_text,
            "label": link.label,
            "position": link.position,
        }
        for link in unique_links(article.links)
    ]
    conn.execute(
        _INSERT_VERSION,
        (
            article.canonical_url,
            article.canonical_url,
            capture_id,
            content_hash,
            extracted_at,
            to_json(links),
            *(values or article_values(article)),
        ),
    )


def _version_from_row(row: sqlite3.Row) -> ArticleVersion:
    fields: dict[str, Any] = {name: row[name] for name in ARTICLE_COLUMNS}
    for name in ARTICLE_JSON_COLUMNS:
        fields[name] = from_json(fields[name]) or ({} if name == "extras" else [])
    links = [Link(**link) for link in from_json(row["links"]) or []]
    article = Article(canonical_url=row["canonical_url"], links=links, **fields)
    return ArticleVersion(
        version=row["version"],
        canonical_url=row["canonical_url"],
        extracted_at=row["extracted_at"],
        fetched_at=row["fetched_at"],
        capture_id=row["capture_id"],
        content_hash=row["content_hash"],
        article=article,
    )


#: What a fetched page that is no article was, by the kind of its capture.
_LISTINGS = {"section": "a section page", "sitemap": "a sitemap", "feed": "a feed"}
_LAST_CAPTURE = """
    SELECT c.id, c.url, c.status, c.kind, c.fetched_at, c.error, c.headers,
           x.outcome, x.reason,
           (SELECT COUNT(*) FROM captures WHERE url = ?1 OR final_url = ?1) AS fetches,
           (SELECT kind || ': ' || message FROM errors WHERE capture_id = c.id
            ORDER BY id DESC LIMIT 1) AS recorded_error
    FROM captures c LEFT JOIN extractions x ON x.capture_id = c.id
    WHERE c.url = ?1 OR c.final_url = ?1
    ORDER BY c.id DESC LIMIT 1
"""


@dataclass(frozen=True)
class FetchedPage:
    """A URL the archive fetched, as its last capture tells it.

    ``fetches`` counts the captures of ``url`` (requested or reached by a redirect);
    ``status`` is the last one's HTTP status (0: no answer), ``kind`` its capture kind
    (``article``, ``section``, ``sitemap``, ``feed``), ``location`` its redirect target.
    ``outcome`` and ``reason`` are what extraction made of it (``not_article``, ``live_blog``,
    ``failed``; None when it was not extracted), ``error`` the fetch error or the last error
    recorded for it."""

    url: str
    fetches: int
    last_fetched_at: str
    status: int
    kind: str
    location: str | None = None
    outcome: str | None = None
    reason: str | None = None
    error: str | None = None

    def describe(self) -> str:
        """One line for people: ``… was fetched 2 times (last 2026-12-04, HTTP 200) but is not
        an article: a section page``."""
        times = "1 time" if self.fetches == 1 else f"{self.fetches} times"
        answer = f"HTTP {self.status}" if self.status else "no answer"
        return (
            f"{self.url} was fetched {times} (last {self.last_fetched_at[:10]}, {answer})"
            f" but is not an article: {self._what()}"
        )

    def _what(self) -> str:
        if self.kind in _LISTINGS:
            return _LISTINGS[self.kind]
        if self.status in (404, 410):
            return f"a {self.status} (no such page, or no longer)"
        if 300 <= self.status < 400 and self.status != 304:
            return f"a redirect to {self.location}" if self.location else "a redirect"
        if not self.status or self.status >= 400:
            return f"the fetch failed ({self.error or f'HTTP {self.status}'})"
        if self.outcome in ("not_article", "live_blog", "failed"):
            return f"extraction said: {self.outcome}" + (f" ({self.reason})" if self.reason else "")
        if self.error:
            return self.error
        return "no article was extracted from it"


def fetched_page(conn: sqlite3.Connection, url: str) -> FetchedPage | None:
    """What the last capture of ``url`` (requested or final URL, exactly) says, if any."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute(_LAST_CAPTURE, (url,)).fetchone()
    if row is None:
        return None
    headers = from_json(row["headers"]) or []
    location = next((v for k, v in headers if k.lower() == "location"), None)
    return FetchedPage(
        url=url,
        fetches=row["fetches"],
        last_fetched_at=row["fetched_at"],
        status=row["status"],
        kind=row["kind"],
        location=location,
        outcome=row["outcome"],
        reason=row["reason"],
        error=row["error"] or row["recorded_error"],
    )


class History:
    """The article history of one archive (``archive.history``), read on ``conn``; ``path``
    names the file in errors."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    def versions(self, url: str) -> list[ArticleVersion]:
        """Every stored version of the article whose canonical URL is ``url`` or, failing
        that, of the latest article read from a page at ``url``; oldest first, empty if none.

        Raises :class:`ArchiveError` when the file cannot be read (a damaged archive)."""
        cursor = self._conn.cursor()
        cursor.row_factory = sqlite3.Row
        try:
            found = cursor.execute(_SELECT_VERSIONS, (url,)).fetchall()
            if not found:
                page = cursor.execute(
                    "SELECT canonical_url FROM articles WHERE url = ?"
                    " ORDER BY extracted_at DESC, id DESC LIMIT 1",
                    (url,),
                ).fetchone()
                if page is not None:
                    found = cursor.execute(_SELECT_VERSIONS, (page[0],)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot read archive at {self.path}: {exc}") from exc
        return [_version_from_row(row) for row in found]

    def fetched_page(self, url: str) -> FetchedPage | None:
        """What the archive's last capture of ``url`` says (``url`` pasted as found: see
        :func:`~newsbot.archive.lookup.url_forms`), None if it never fetched it. For a URL
        that has no article, :meth:`FetchedPage.describe` says what it was instead.

        Raises :class:`ArchiveError` when the file cannot be read (a damaged archive)."""
        try:
            for form in url_forms(url, lambda: crawled_sites(self._conn)):
                page = fetched_page(self._conn, form)
                if page is not None:
                    return page
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot read archive at {self.path}: {exc}") from exc
        return None


def version_changes(older: Article, newer: Article) -> list[str]:
    """What changed from ``older`` to ``newer``, one short phrase per field, for people.

    For example ``title changed``, ``text 3,120 → 3,480 characters``, ``modified_at
    2026-03-02T10:31 → 2026-03-03T08:00``, ``tags changed (+Klima, −Wahl)``, ``links 4 → 5``.
    Empty when the two say the same (apart from the page URL they were read from).
    """
    return [
        _describe(name, getattr(older, name), getattr(newer, name))
        for name in _COMPARED
        if getattr(older, name) != getattr(newer, name)
    ]


def changed_fields(older: Article, newer: Article) -> list[str]:
    """The names of the fields that differ from ``older`` to ``newer``, in reporting order:
    what an extraction says about the article (not the page URL it was read from, nor the
    extractor's version)."""
    return [name for name in _REPORTED if getattr(older, name) != getattr(newer, name)]


def _describe(name: str, before: Any, after: Any) -> str:
    if name in ("title", "teaser"):
        return f"{name} changed"
    if name == "text":
        if len(before) == len(after):
            return f"text changed ({len(after):,} characters)"
        return f"text {len(before):,} → {len(after):,} characters"
    if name in _NAMED_LISTS:
        added = [item for item in after if item not in before]
        removed = [item for item in before if item not in after]
        if not added and not removed:
            return f"{name} reordered"
        detail = ", ".join([*(f"+{item}" for item in added), *(f"−{item}" for item in removed)])
        return f"{name} changed ({detail})"
    if name == "extras":
        detail = ", ".join(
            f"{key} {before.get(key) or 'none'} → {after.get(key) or 'none'}"
            for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key)
        )
        return f"extras changed ({detail})"
    if name in ("captions", "links"):
        if len(before) == len(after):
            return f"{name} changed"
        return f"{name} {len(before)} → {len(after)}"
    if name in _DATES:
        old, new = _short_date(before), _short_date(after)
        if old == new:  # only seconds or the zone differ: show them
            old, new = before, after
        return f"{name} {old or 'none'} → {new or 'none'}"
    return f"{name} {before or 'none'} → {after or 'none'}"


def _short_date(value: str | None) -> str | None:
    """An ISO 8601 time to the minute (``2026-03-02T10:31``), as written on the page."""
    if value and len(value) >= 16 and value[10] == "T":
        return value[:16]
    return value


def format_history(url: str, versions: Sequence[ArticleVersion]) -> str:
    """The text ``newsbot history`` prints: each version (when it was fetched and extracted,
    title, text size, dates) and, from the second on, what changed since the one before."""
    count = len(versions)
    lines = [f"{url}: {count} version{'s' if count != 1 else ''}"]
    previous: ArticleVersion | None = None
    for version in versions:
        article = version.article
        capture = f" (capture {version.capture_id})" if version.capture_id is not None else ""
        lines += [
            "",
            f"version {version.version}  fetched {version.fetched_at or 'unknown'}{capture}"
            f"  extracted {version.extracted_at}",
            f"  {article.title}",
            f"  text {len(article.text):,} characters"
            f" · published {_short_date(article.published_at) or 'none'}"
            f" · modified {_short_date(article.modified_at) or 'none'}",
        ]
        if previous is not None:
            changes = version_changes(previous.article, article)
            lines.append(f"  changed: {'; '.join(changes) if changes else 'nothing visible'}")
        previous = version
    return "\n".join(lines)


def stored_version(
    conn: sqlite3.Connection, canonical_url: str, content_hash: str
) -> Article | None:
    """The latest stored version of ``canonical_url`` with ``content_hash``, if any."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute(
        "SELECT v.*, NULL AS fetched_at FROM article_versions v"
        " WHERE v.canonical_url = ? AND v.content_hash = ? ORDER BY v.version DESC LIMIT 1",
        (canonical_url, content_hash),
    ).fetchone()
    return None if row is None else _version_from_row(row).article
