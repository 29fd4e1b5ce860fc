"""The last extraction of each capture: the ``extractions`` table.

One row per capture that went through extraction, rewritten each time it is extracted again:
whether it gave an article (its canonical URL and content hash), a live blog, a page that is no
article (and why) or a failure, and which extractor said so. The crawl notes each article page
it extracts in the capture's own transaction; ``newsbot reextract`` compares a new extraction
with this row, so it knows an unchanged article from a changed one, and a page that became (or
stopped being) an article, without extracting anything twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from newsbot.archive.records import article_content_hash
from newsbot.items import Article, Capture

#: What an extraction found.
Outcome = Literal["article", "not_article", "live_blog", "failed"]

_UPSERT = """
    INSERT OR REPLACE INTO extractions (capture_id, outcome, canonical_url, content_hash,
                                        reason, extractor_version, extracted_at, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
#: How the reasons of failed extractions start (see newsbot.worker and newsbot.extract).
FAILED_PREFIXES = ("extraction failed", "extraction took longer than")


@dataclass(frozen=True)
class Extracted:
    """The stored last extraction of one capture."""

    capture_id: int
    outcome: Outcome
    canonical_url: str | None
    content_hash: str | None
    reason: str | None
    extractor_version: str | None


def outcome_of_reason(reason: str, live_blog: bool = False) -> Outcome:
    """The outcome a page refused for ``reason`` had."""
    if live_blog:
        return "live_blog"
    return "failed" if reason.startswith(FAILED_PREFIXES) else "not_article"


def note(
    conn: sqlite3.Connection,
    capture_id: int,
    outcome: Outcome,
    *,
    at: str,
    run_id: int | None,
    canonical_url: str | None = None,
    content_hash: str | None = None,
    reason: str | None = None,
    extractor_version: str | None = None,
) -> None:
    """Record (in the caller's transaction) what the last extraction of a capture found."""
    conn.execute(
        _UPSERT,
        (capture_id, outcome, canonical_url, content_hash, reason, extractor_version, at, run_id),
    )


def note_capture(
    conn: sqlite3.Connection,
    capture_id: int,
    capture: Capture,
    article: Article | None,
    run_id: int | None,
    at: str,
) -> None:
    """Note what the crawl's extraction made of a capture it saves, if it extracted one."""
    if article is not None:
        note_article(conn, capture_id, article, at=at, run_id=run_id)
    elif capture.kind == "article" and capture.not_article:
        outcome = outcome_of_reason(capture.not_article, capture.live_blog)
        note(conn, capture_id, outcome, at=at, run_id=run_id, reason=capture.not_article)


def note_article(
    conn: sqlite3.Connection,
    capture_id: int,
    article: Article,
    *,
    at: str,
    run_id: int | None,
    content_hash: str | None = None,
    extractor_version: str | None = None,
) -> None:
    """Note that the last extraction of a capture gave ``article`` (``content_hash``: its
    content hash when already known; ``extractor_version``: when not the article's own)."""
    note(
        conn,
        capture_id,
        "article",
        at=at,
        run_id=run_id,
        canonical_url=article.canonical_url,
        content_hash=content_hash or article_content_hash(article),
        extractor_version=extractor_version or article.extractor_version,
    )


def load(conn: sqlite3.Connection, capture_id: int) -> Extracted | None:
    """The stored last extraction of ``capture_id``, if it was extracted."""
    row = conn.execute(
        "SELECT capture_id, outcome, canonical_url, content_hash, reason, extractor_version"
        " FROM extractions WHERE capture_id = ?",
        (capture_id,),
    ).fetchone()
    return None if row is None else Extracted(*row)
