"""The crawl frontier: every discovered URL, when it is due, and what its last fetch said.

One ``frontier`` row per URL (canonical, as requested: the ``url`` of its captures). The row's
``due_at`` is the whole schedule: a URL is due when ``due_at <= now``; NULL means nothing is
scheduled. The rules that set it:

- discovered and never fetched: due from the moment it was discovered;
- listed again with a ``lastmod`` or publication date other than the one the listing had at the
  URL's last fetch (or, when none was recorded, a date later than that fetch): due again;
- fetched: ``next_due_at`` when the caller gives one (the recrawl policy, Retry-After);
  otherwise a failure (no answer, an error status, or an answer whose body could not be kept:
  too large, undecodable, a listing that cannot be read) stays due until
  :attr:`FrontierStore.max_failures` failures in a row; a discovery document (sitemap, feed,
  section) stays due, every run, unless gone or failed that often, except the listings a crawl
  starts from (``found_in`` ``start``), so that a site down for a few days comes back; anything
  else (a 2xx, a 304, a 404/410, too many failures) is not scheduled;
- refused by robots.txt: ``blocked``, not scheduled (:meth:`FrontierStore.block`) until a
  listing gives it a new date.

The fetch bookkeeping is written by ``Archive.save_capture`` in the capture's own transaction,
so a crawl killed at any moment resumes from :meth:`FrontierStore.due` and refetches at most
what was in flight.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Literal, overload

from newsbot.archive import queries
from newsbot.archive.lock import CrawlLock, crawl_lock
from newsbot.archive.records import INSERT_ERROR, FrontierStats
from newsbot.items import Capture, CaptureKind

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

#: Where a URL was found: a listing, a link in an article, a start URL of the spider (or a URL
#: known only from a capture), or a URL re-requested from what a previous run left due.
FoundIn = Literal["sitemap", "news_sitemap", "feed", "section", "related", "resume", "start"]

#: ``due``: discovered, never fetched. ``done``, ``gone`` and ``failed`` say what the last fetch
#: answered: ``done`` a 2xx or 304, ``gone`` a 404 or 410, ``failed`` anything else (no answer,
#: 5xx, 429, 403, a body over the size limit …). ``blocked``: robots.txt forbids it, not fetched.
FrontierState = Literal["due", "done", "gone", "failed", "blocked"]

#: Kinds of discovery documents: requested every run (cheaply, with conditional requests).
DISCOVERY_KINDS: frozenset[str] = frozenset({"sitemap", "feed", "section"})

#: Failed fetches in a row after which a URL is no longer retried on its own (a new listing
#: date or a ``next_due_at`` schedules it again).
MAX_FAILURES = 3

#: Rows read per query by :meth:`FrontierStore.due`.
DUE_BATCH = 500


@dataclass(frozen=True)
class FrontierEntry:
    """One URL a listing (or link) names, as handed to :meth:`FrontierStore.discover`.

    ``lastmod`` (sitemap) and ``published_at`` (news sitemap, feed) are ISO 8601; None means
    the listing does not say, and keeps what an earlier listing said. ``priority`` None keeps
    the stored priority (0 for a new URL); higher is fetched first.
    """

    url: str
    site: str
    kind: CaptureKind
    found_in: FoundIn
    lastmod: str | None = None
    published_at: str | None = None
    priority: int | None = None


@dataclass(frozen=True)
class DueURL:
    """A URL to fetch, with what the archive knows for a conditional request.

    ``etag`` and ``last_modified`` are the headers of the last 2xx, ``sha256`` its body's hash
    (a 2xx with the same hash is a revisit), ``last_capture_id`` the capture holding that body.
    ``lastmod`` and ``published_at`` are normalised to UTC (``…+00:00``) when they parse.
    """

    url: str
    site: str
    kind: CaptureKind
    found_in: FoundIn
    priority: int
    lastmod: str | None
    published_at: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    fetch_count: int
    last_capture_id: int | None

    def conditional_headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` for a conditional GET (empty if unknown)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FrontierRow:
    """One row of the ``frontier`` table, every column (see the module docstring)."""

    url: str
    site: str
    kind: CaptureKind
    found_in: FoundIn
    first_seen_at: str
    lastmod: str | None = None
    published_at: str | None = None
    priority: int = 0
    state: FrontierState = "due"
    due_at: str | None = None
    fetch_count: int = 0
    last_fetched_at: str | None = None
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    last_capture_id: int | None = None
    listed_lastmod: str | None = None
    listed_published_at: str | None = None
    failures: int = 0

    def as_due(self) -> DueURL:
        return DueURL(**{name: getattr(self, name) for name in _DUE_FIELDS})


_COLUMNS = tuple(f.name for f in fields(FrontierRow))
#: A row's values in column order (``dataclasses.astuple`` deep-copies: 50 times slower).
_VALUES = attrgetter(*_COLUMNS)
_DUE_FIELDS = tuple(f.name for f in fields(DueURL))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM frontier"
_SELECT_ONE = f"{_SELECT} WHERE url = ?"
_UPSERT = (
    f"INSERT INTO frontier ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    f" ON CONFLICT (url) DO UPDATE SET"
    f" {', '.join(f'{name} = excluded.{name}' for name in _COLUMNS[1:])}"
)
# Both read through the partial index frontier_due: one priority level at a time, oldest due
# first, keyset-paginated so a long resume never pins one snapshot of the file.
_TOP_PRIORITY = "SELECT MAX(priority) FROM frontier WHERE site = ? AND due_at IS NOT NULL"
_NEXT_PRIORITY = f"{_TOP_PRIORITY} AND priority < ?"
_DUE_PAGE = (
    f"{_SELECT} WHERE site = ? AND priority = ? AND due_at IS NOT NULL AND due_at <= ?"
    f" AND (due_at, url) > (?, ?) ORDER BY due_at, url LIMIT {DUE_BATCH}"
)


@overload
def utc_iso(value: str) -> str: ...
@overload
def utc_iso(value: None) -> None: ...
@overload
def utc_iso(value: str | None) -> str | None: ...


def utc_iso(value: str | None) -> str | None:
    """``value`` as ISO 8601 in UTC to the second (naive times taken as UTC), so that stored
    times compare as strings; a value that is not ISO 8601 is kept as given."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat(timespec="seconds")


def fetch_state(status: int) -> FrontierState:
    """What a fetch with HTTP ``status`` (0: no answer) makes of its URL. A redirect is a
    complete answer: the crawler fetches its target as a URL of its own."""
    if 200 <= status < 400:
        return "done"
    if status in (404, 410):
        return "gone"
    return "failed"


def listed(row: FrontierRow | None, entry: FrontierEntry, now: str) -> FrontierRow:
    """The frontier row of ``entry.url`` after a listing named it at ``now`` (UTC)."""
    lastmod, published_at = utc_iso(entry.lastmod), utc_iso(entry.published_at)
    if row is None:
        return FrontierRow(
            url=entry.url,
            site=entry.site,
            kind=entry.kind,
            found_in=entry.found_in,
            first_seen_at=now,
            lastmod=lastmod,
            published_at=published_at,
            priority=entry.priority or 0,
            due_at=now,
        )
    # A URL listed in several places keeps the one that ranks it highest (a news sitemap over
    # a section page): where it was found is where it matters most.
    stronger = entry.priority is not None and entry.priority > row.priority
    new = replace(
        row,
        found_in=entry.found_in if stronger else row.found_in,
        lastmod=row.lastmod if lastmod is None else lastmod,
        published_at=row.published_at if published_at is None else published_at,
        priority=entry.priority if stronger and entry.priority is not None else row.priority,
        # A date first listed after the URL was fetched, but not later than that fetch, is
        # what that fetch already saw: keep it as the date at the fetch, so that a later change
        # of it (even to a date still in the past) is told by equality.
        listed_lastmod=_seen_by_fetch(row.listed_lastmod, lastmod, row.last_fetched_at),
        listed_published_at=_seen_by_fetch(
            row.listed_published_at, published_at, row.last_fetched_at
        ),
    )
    if _listing_changed(new) and (new.due_at is None or new.due_at > now):
        new = replace(new, due_at=now)
    return new


def _seen_by_fetch(
    at_fetch: str | None, listed_now: str | None, fetched_at: str | None
) -> str | None:
    if at_fetch is None and listed_now is not None and fetched_at is not None:
        return listed_now if listed_now <= fetched_at else None
    return at_fetch


def _listing_changed(row: FrontierRow) -> bool:
    return _date_changed(row.lastmod, row.listed_lastmod, row.last_fetched_at) or _date_changed(
        row.published_at, row.listed_published_at, row.last_fetched_at
    )


def _date_changed(
    listed_now: str | None, at_last_fetch: str | None, fetched_at: str | None
) -> bool:
    if listed_now is None:
        return False
    if at_last_fetch is not None:
        # Compared for equality, not order: a site's clock or zone may be off, a change is not.
        return listed_now != at_last_fetch
    # No listing date was known at the last fetch (the URL came from a link, or from a capture
    # older than the frontier): a date after that fetch says the page changed since.
    return fetched_at is None or listed_now > fetched_at


def revisit_of(row: FrontierRow | None, status: int, sha256: str | None) -> tuple[bool, int | None]:
    """Whether a fetch is a revisit (a 304, or a 2xx whose body is the one last fetched from
    the URL), and the capture holding that body (None when unknown or not a revisit)."""
    revisit = status == 304 or (
        200 <= status < 300 and sha256 is not None and row is not None and row.sha256 == sha256
    )
    return revisit, row.last_capture_id if revisit and row is not None else None


def fetched(
    row: FrontierRow | None,
    capture: Capture,
    *,
    capture_id: int,
    sha256: str | None,
    next_due_at: str | None,
    max_failures: int,
) -> FrontierRow:
    """The frontier row of ``capture.url`` after that fetch (see the module docstring)."""
    at = utc_iso(capture.fetched_at)
    if row is None:
        row = FrontierRow(
            url=capture.url,
            site=capture.site,
            kind=capture.kind,
            found_in="start",
            first_seen_at=at,
        )
    status = capture.status
    # An answer whose body could not be kept (over the size limit, undecodable) is a failure
    # whatever its status: counted, so that it is not fetched again on every run.
    state: FrontierState = "failed" if capture.error else fetch_state(status)
    new = replace(
        row,
        state=state,
        fetch_count=row.fetch_count + 1,
        last_fetched_at=at,
        last_status=status,
        # Recorded for failures too, so a URL that keeps failing is not rescheduled by every
        # listing of the same date: only the failure count decides its retries.
        listed_lastmod=row.lastmod,
        listed_published_at=row.published_at,
        failures=row.failures + 1 if state == "failed" else 0,
    )
    if 200 <= status < 300:
        same_body = sha256 is not None and sha256 == row.sha256
        new = replace(
            new,
            etag=capture.header("ETag"),
            last_modified=capture.header("Last-Modified"),
            sha256=sha256,
            # A revisit points at the capture first holding the body (WARC's revisit record).
            last_capture_id=row.last_capture_id if same_body else capture_id,
        )
    elif status == 304:
        # A 304 may carry updated validators (RFC 9111 §4.3.4); it never carries a body.
        new = replace(
            new,
            etag=capture.header("ETag") or row.etag,
            last_modified=capture.header("Last-Modified") or row.last_modified,
        )
    return replace(new, due_at=_next_due(new, at, next_due_at, max_failures))


def _next_due(row: FrontierRow, at: str, next_due_at: str | None, max_failures: int) -> str | None:
    if next_due_at is not None:
        return utc_iso(next_due_at)
    if row.state == "gone":
        return None
    if row.state == "failed":
        # A sitemap bomb failed as often as a page may is left alone like a page, or every run
        # would inflate it again; a start listing is what brings a site back after an outage.
        return at if row.failures < max_failures or row.found_in == "start" else None
    return at if row.kind in DISCOVERY_KINDS else None


def given_up(row: FrontierRow, max_failures: int) -> bool:
    """Whether ``row`` failed ``max_failures`` times in a row and is no longer tried on its
    own (a start listing never is: the crawl starts from it every run)."""
    return row.state == "failed" and row.failures >= max_failures and row.found_in != "start"


def load_row(conn: sqlite3.Connection, url: str) -> FrontierRow | None:
    """The frontier row of ``url``, or None."""
    found = conn.execute(_SELECT_ONE, (url,)).fetchone()
    return None if found is None else FrontierRow(*found)


def store_row(conn: sqlite3.Connection, row: FrontierRow) -> None:
    """Insert or overwrite the frontier row of ``row.url`` (inside the caller's transaction)."""
    conn.execute(_UPSERT, _VALUES(row))


class FrontierStore:
    """Frontier reads and writes of :class:`~newsbot.archive.db.Archive` (mixed into it)."""

    _conn: sqlite3.Connection
    _clock: Callable[[], str]
    path: Path
    #: Failed fetches in a row after which a URL is no longer due by itself; a crawl may set
    #: its own (e.g. from a setting) right after opening the archive.
    max_failures: int = MAX_FAILURES

    if TYPE_CHECKING:

        def _transaction(self, what: str) -> AbstractContextManager[sqlite3.Connection]: ...

    def discover(self, entries: Sequence[FrontierEntry], *, now: str | None = None) -> list[DueURL]:
        """Record a listing's URLs and return those to fetch now, in one transaction.

        New URLs are added (``first_seen_at`` = ``now``); known ones get the listing's
        ``found_in``, and its ``lastmod``, ``published_at`` and ``priority`` where given.
        Returned, once each and in listing order: discovery documents (the spider requests
        them every run, conditionally), unless they failed :attr:`max_failures` times in a row
        and are not start listings, and every other URL due at ``now`` (default: the archive's
        clock). Call it before saving the capture of the listing itself: the
        listing's ETag is stored with its capture, and a crash in between must not leave a
        304-answering listing whose URLs were never recorded.
        """
        at = self._now(now)
        due: dict[str, DueURL] = {}
        with self._transaction(f"record {len(entries)} discovered URLs") as conn:
            for entry in entries:
                before = load_row(conn, entry.url)
                row = listed(before, entry, at)
                if row != before:
                    store_row(conn, row)
                listing = row.kind in DISCOVERY_KINDS and (
                    entry.found_in == "start" or not given_up(row, self.max_failures)
                )
                if listing or (row.due_at is not None and row.due_at <= at):
                    due[row.url] = row.as_due()
                else:
                    due.pop(row.url, None)
        return list(due.values())

    def due(
        self, site: str, *, now: str | None = None, limit: int | None = None
    ) -> Iterator[DueURL]:
        """What a run of ``site`` must fetch: every URL due at ``now`` (default: the archive's
        clock, read once), highest priority first, then longest waiting first.

        That is: URLs discovered and never fetched (a killed run's leftovers), failures under
        the retry cap, listings that changed, schedules that came due, and the discovery
        documents seen before (child sitemaps, section pages). Read in short batches, so the
        crawl can write while it iterates; a URL fetched meanwhile may still come out.
        """
        at = self._now(now)
        left = limit
        if left is not None and left <= 0:
            return
        priority: int | None = self._conn.execute(_TOP_PRIORITY, (site,)).fetchone()[0]
        while priority is not None:
            after = ("", "")
            while batch := self._conn.execute(_DUE_PAGE, (site, priority, at, *after)).fetchall():
                for values in batch:
                    yield FrontierRow(*values).as_due()
                    if left is not None:
                        left -= 1
                        if left == 0:
                            return
                last = FrontierRow(*batch[-1])
                after = (last.due_at or "", last.url)
            priority = self._conn.execute(_NEXT_PRIORITY, (site, priority)).fetchone()[0]

    def frontier_stats(self, site: str | None = None, *, now: str | None = None) -> FrontierStats:
        """URLs of ``site`` (or every site) by state and kind, and how many are due at ``now``
        (default: the archive's clock)."""
        return queries.frontier_stats(self._conn, site, self._now(now))

    def _record_fetch(
        self,
        conn: sqlite3.Connection,
        known: FrontierRow | None,
        capture: Capture,
        capture_id: int,
        sha256: str | None,
        next_due_at: str | None,
    ) -> None:
        """Update the frontier for a capture, inside ``save_capture``'s transaction."""
        row = fetched(
            known,
            capture,
            capture_id=capture_id,
            sha256=sha256,
            next_due_at=next_due_at,
            max_failures=self.max_failures,
        )
        store_row(conn, row)

    def block(
        self,
        url: str,
        site: str,
        kind: CaptureKind,
        *,
        now: str | None = None,
        error: tuple[int | None, str, str] | None = None,
    ) -> bool:
        """Mark ``url`` ``blocked`` (robots.txt forbids it): not due until a listing gives it a
        new date. True when it was not blocked before, so the reason is recorded once:
        ``error`` (run id, kind, message) is then its ``fetch`` error row, written in the same
        transaction (never the one without the other)."""
        at = self._now(now)
        with self._transaction(f"block {url}") as conn:
            row = load_row(conn, url)
            if row is not None and row.state == "blocked":
                if row.due_at is not None:
                    store_row(conn, replace(row, due_at=None))
                return False
            if row is None:
                row = FrontierRow(url=url, site=site, kind=kind, found_in="start", first_seen_at=at)
            # The listing dates seen now count as seen: only a new one makes it due again.
            store_row(
                conn,
                replace(
                    row,
                    state="blocked",
                    due_at=None,
                    listed_lastmod=row.lastmod,
                    listed_published_at=row.published_at,
                ),
            )
            if error is not None:
                run_id, error_kind, message = error
                conn.execute(INSERT_ERROR, (run_id, None, url, "fetch", error_kind, message, at))
        return True

    def _now(self, now: str | None) -> str:
        return utc_iso(now if now is not None else self._clock())

    def crawl_lock(self) -> CrawlLock:
        """Take the crawl lock of this archive, or raise :class:`ArchiveError` naming the pid
        of the crawl holding it. See :func:`newsbot.archive.lock.crawl_lock`."""
        return crawl_lock(self.path)
