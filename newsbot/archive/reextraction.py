"""Re-extraction's reads and writes: which stored captures to extract again, and what a new
extraction of a capture changes in the archive.

A capture's new extraction is compared with the last one (:mod:`~newsbot.archive.extractions`):

- the same article (same content hash): ``unchanged``; nothing is written but the note of which
  extractor read it;
- another article: ``changed``; the article gets a new version and its links are replaced;
- an article where there was none: ``new``;
- no article where there was one: ``no_longer``; the article row (and its links) go when this
  capture is the one it came from: its versions stay in the history;
- still no article: ``not_article`` (or ``live_blog``); a failure: ``failed``, with an error row.

An article row belongs to the newest capture it was extracted from: a new extraction of an older
capture (``--all-captures``) adds a version of the article but leaves the row to the newer one,
unless the newer one is another page's that named it as canonical (the row is the own page's:
see :mod:`~newsbot.archive.owners`, whose rules decide where a new extraction is stored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from newsbot.archive import extractions, history, owners
from newsbot.archive.exporting import CaptureFilter, filter_sql, window_sql
from newsbot.archive.records import INSERT_ERROR, article_content_hash, from_json, to_json
from newsbot.items import Article, Reextracted

if TYPE_CHECKING:
    from newsbot.archive.db import Archive

#: What a new extraction of a capture did to the archive.
Change = Literal["unchanged", "changed", "new", "no_longer", "not_article", "live_blog", "failed"]

#: Captures that hold a page body of their own (not revisits of an earlier one).
_EXTRACTABLE = (
    "c.kind = 'article' AND c.status BETWEEN 200 AND 299 AND c.sha256 IS NOT NULL"
    " AND c.revisit_of IS NULL"
)


@dataclass(frozen=True)
class Selection(CaptureFilter):
    """Which stored captures to extract again: the filters of
    :class:`~newsbot.archive.exporting.CaptureFilter`, and these. Empty filters select every
    page that holds a body of its own."""

    #: Every capture, not only the latest of each URL.
    all_captures: bool = False
    #: Only captures whose last extraction was by another extractor version.
    stale: bool = False
    #: Only captures of this run (an import's).
    run_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    capture_id: int
    site: str
    fetched_at: str
    #: The extractor version of its last extraction (None: never extracted, or unknown).
    extractor_version: str | None


@dataclass(frozen=True)
class Applied:
    """What a new extraction changed: the change, and the article it replaced (if any)."""

    change: Change
    before: Article | None = None
    after: Article | None = None
    url: str = ""
    fields: list[str] = field(default_factory=list)
    #: ``after`` is its page's own article (it takes the row back from another page's).
    own: bool = False
    #: Why the canonical URL the page named was not followed (``after`` is under its own URL).
    refused: str | None = None


#: The archive's own article upsert (a version, the row, its links, the search index):
#: (conn, article, capture_id, seen_at, content_hash, own).
Upsert = Callable[[sqlite3.Connection, Article, int, str, str | None, bool], object]


def _where(selection: Selection) -> tuple[str, list[object]]:
    where, values = filter_sql(selection, "c")
    if selection.run_id is not None:
        where += " AND c.run_id = ?"
        values.append(selection.run_id)
    if not selection.all_captures:
        # The latest capture of its URL (within the time window).
        where += (
            " AND NOT EXISTS (SELECT 1 FROM captures n WHERE n.url = c.url AND n.id > c.id AND "
            + _EXTRACTABLE.replace("c.", "n.")
            + window_sql(selection, "n")
            + ")"
        )
        values.extend(v for v in (selection.captured_since, selection.captured_until) if v)
    return _EXTRACTABLE + where, values


def count(conn: sqlite3.Connection, selection: Selection, after: int = 0) -> int:
    """How many captures :func:`candidates` goes through (before the ``stale`` test)."""
    where, values = _where(selection)
    sql = f"SELECT COUNT(*) FROM captures c WHERE c.id > ? AND {where}"
    return int(conn.execute(sql, (after, *values)).fetchone()[0])


def candidates(
    conn: sqlite3.Connection, selection: Selection, after: int = 0, batch: int = 500
) -> Iterator[list[Candidate]]:
    """The selected captures after capture id ``after``, oldest first, a batch at a time (so
    a caller may write between batches, and memory stays flat)."""
    where, values = _where(selection)
    sql = (
        "SELECT c.id, c.site, c.fetched_at, e.extractor_version FROM captures c"
        " LEFT JOIN extractions e ON e.capture_id = c.id"
        f" WHERE c.id > ? AND {where} ORDER BY c.id LIMIT {batch}"
    )
    while found := conn.execute(sql, (after, *values)).fetchall():
        yield [Candidate(*row) for row in found]
        after = found[-1][0]


def judge(conn: sqlite3.Connection, new: Reextracted) -> Applied:
    """What ``new`` changes, compared with the capture's last extraction (reads only)."""
    last = extractions.load(conn, new.capture_id)
    was = last is not None and last.outcome == "article"
    before = None
    if was and last is not None and last.canonical_url and last.content_hash:
        before = history.stored_version(conn, last.canonical_url, last.content_hash)
    if new.failed:
        return Applied("failed", before, url=new.url)
    if new.article is None:
        if was:
            return Applied("no_longer", before, url=new.url)
        return Applied("live_blog" if new.live_blog else "not_article", url=new.url)
    placed = owners.place(conn, new.article, new.capture_id)
    after, content_hash = placed.article, _hash_of(new, placed.article)
    change: Change = "changed"
    if not was or last is None:
        change, before = "new", None
    elif last.content_hash == content_hash and last.canonical_url == after.canonical_url:
        change = "unchanged"
    fields = history.changed_fields(before, after) if before and change == "changed" else []
    return Applied(change, before, after, new.url, fields, own=placed.own, refused=placed.refused)


def _hash_of(new: Reextracted, article: Article) -> str:
    """The content hash of ``article``, ``new``'s own or the one it was placed as."""
    if article is new.article and new.content_hash:
        return new.content_hash
    return article_content_hash(article)


def apply(
    conn: sqlite3.Connection,
    new: Reextracted,
    applied: Applied,
    *,
    run_id: int | None,
    at: str,
    upsert: Upsert,
) -> None:
    """Write what ``applied`` says (in the caller's transaction). ``upsert`` is the archive's
    own article upsert (a version, the row, its links and the search index)."""
    capture_id = new.capture_id
    if applied.change == "failed":
        error = (new.url, "extract", _error_kind(new.reason or ""), new.reason or "", at)
        conn.execute(INSERT_ERROR, (run_id, capture_id, *error))
        return
    if new.article is None:
        if applied.change == "no_longer" and applied.before is not None:
            _drop_article_of(conn, applied.before.canonical_url, capture_id)
        outcome: extractions.Outcome = "live_blog" if new.live_blog else "not_article"
        extractions.note(
            conn,
            capture_id,
            outcome,
            at=at,
            run_id=run_id,
            reason=new.reason,
            extractor_version=new.extractor_version,
        )
        if outcome == "not_article" and applied.change == "no_longer":
            error = (new.url, "extract", "not_article", new.reason or "", at)
            conn.execute(INSERT_ERROR, (run_id, capture_id, *error))
        return
    article = applied.after or new.article
    content_hash = _hash_of(new, article)
    if applied.change in ("changed", "new"):
        if applied.before is not None and applied.before.canonical_url != article.canonical_url:
            _drop_article_of(conn, applied.before.canonical_url, capture_id)
        owner = conn.execute(
            "SELECT capture_id FROM articles WHERE canonical_url = ?", (article.canonical_url,)
        ).fetchone()
        if _keeps_row(conn, owner[0] if owner else None, capture_id, article, applied.own):
            # A newer capture's article holds the row: this one joins the history only.
            history.record_version(
                conn, article, capture_id=capture_id, content_hash=content_hash, extracted_at=at
            )
        else:
            fetched = conn.execute(
                "SELECT fetched_at FROM captures WHERE id = ?", (capture_id,)
            ).fetchone()
            upsert(conn, article, capture_id, fetched[0], content_hash, applied.own)
        if applied.refused:
            error = (new.url, "archive", owners.REFUSED_KIND, applied.refused, at)
            conn.execute(INSERT_ERROR, (run_id, capture_id, *error))
    extractions.note_article(
        conn,
        capture_id,
        article,
        at=at,
        run_id=run_id,
        content_hash=content_hash,
        extractor_version=new.extractor_version,
    )
    if applied.refused:
        owners.note_refused(conn, capture_id, applied.refused)


def _keeps_row(
    conn: sqlite3.Connection, owner: int | None, capture_id: int, article: Article, own: bool
) -> bool:
    """Whether capture ``owner``'s article keeps the row ``article`` would be written to: it
    is newer, and not another page's that the own page's capture ``capture_id`` takes back."""
    if owner is None or owner <= capture_id:
        return False
    return not own or owners.is_own_capture(conn, owner, article.canonical_url)


def _drop_article_of(conn: sqlite3.Connection, canonical_url: str, capture_id: int) -> None:
    """Remove the article row of ``canonical_url`` and its links when it came from
    ``capture_id`` (its versions stay)."""
    cursor = conn.execute(
        "DELETE FROM articles WHERE canonical_url = ? AND capture_id = ?",
        (canonical_url, capture_id),
    )
    if cursor.rowcount:
        conn.execute("DELETE FROM links WHERE source_url = ?", (canonical_url,))


def _error_kind(reason: str) -> str:
    return "extract_timeout" if reason.startswith("extraction took longer") else "extract_error"


class Reextraction:
    """Re-extraction on one open :class:`~newsbot.archive.db.Archive` (``archive.reextraction``):
    its reads on the archive's connection, its writes in the archive's transactions."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._session = archive.session
        self._conn = archive.session.conn

    def count(self, selection: Selection, after: int = 0) -> int:
        """How many captures :meth:`candidates` goes through (before the ``stale`` test)."""
        return count(self._conn, selection, after)

    def candidates(self, selection: Selection, after: int = 0) -> Iterator[list[Candidate]]:
        """The selected captures after capture id ``after``, oldest first, in batches."""
        return candidates(self._conn, selection, after)

    def judge(self, results: Sequence[Reextracted]) -> list[Applied]:
        """What each new extraction would change (a dry run: nothing is written)."""
        return [judge(self._conn, new) for new in results]

    def apply(
        self,
        run_id: int,
        results: Sequence[Reextracted],
        taken: Callable[[list[Applied]], dict[str, Any]],
    ) -> list[Applied]:
        """Write each new extraction's change, then the run's progress that ``taken(changes)``
        returns (its checkpoint and report, kept in the run's stats), in one transaction: a run
        killed at any moment continues from the last batch written, never writing one twice."""
        archive = self.archive
        with self._session.transaction("save re-extracted articles") as conn:
            at = self._session.clock()
            done = []
            for new in results:
                applied = judge(conn, new)
                apply(conn, new, applied, run_id=run_id, at=at, upsert=archive._upsert_article)
                done.append(applied)
            progress = taken(done)
            conn.execute(
                "UPDATE crawl_runs SET stats = ? WHERE id = ?", (to_json(progress), run_id)
            )
        return done

    def start(self, spider: str, site: str, settings: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The run to record this re-extraction in, and its progress so far: an unfinished run
        of the same ``settings['key']`` continues; other unfinished ones are marked
        interrupted (the caller holds the archive's lock, so their process is gone)."""
        with self._session.transaction("start a re-extraction run") as conn:
            row = conn.execute(
                "SELECT id, stats FROM crawl_runs WHERE spider = ? AND status = 'running'"
                " AND json_extract(settings, '$.key') = ? ORDER BY id DESC LIMIT 1",
                (spider, settings["key"]),
            ).fetchone()
            at = self._session.clock()
            if row is not None:
                run_id, progress = int(row[0]), from_json(row[1]) or {}
            else:
                cursor = conn.execute(
                    "INSERT INTO crawl_runs (spider, site, started_at, status, settings)"
                    " VALUES (?, ?, ?, 'running', ?)",
                    (spider, site, at, to_json(settings)),
                )
                run_id, progress = int(cursor.lastrowid or 0), {}
            conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished_at = ?"
                " WHERE spider = ? AND status = 'running' AND id <> ?",
                (at, spider, run_id),
            )
        return run_id, progress
