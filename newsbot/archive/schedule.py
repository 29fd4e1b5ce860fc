"""The frontier's rules: what a listing, or a fetch, makes of one URL's row.

Pure functions over frozen rows, no database (:mod:`~newsbot.archive.frontier` reads and
writes the rows). A row's ``due_at`` is the whole schedule: a URL is due when ``due_at <= now``;
NULL means nothing is scheduled. The rules that set it:

- discovered and never fetched: due from the moment it was discovered;
- listed again with a ``lastmod`` or publication date other than the one the listing had at the
  URL's last fetch (or, when none was recorded, a date later than that fetch): due again;
- fetched: ``next_due_at`` when the caller gives one (the recrawl policy, Retry-After);
  otherwise a failure (no answer, an error status, or an answer whose body could not be kept:
  too large, undecodable, a listing that cannot be read) stays due until ``max_failures``
  failures in a row; a discovery document (sitemap, feed, section) stays due, every run, unless
  gone or failed that often, except the listings a crawl starts from (``found_in`` ``start``),
  so that a site down for a few days comes back; anything else (a 2xx, a 304, a 404/410, too
  many failures) is not scheduled;
- refused by robots.txt: ``blocked``, not scheduled (``Frontier.block``) until a listing gives
  it a new date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Literal, overload

from newsbot.items import Capture, CaptureKind

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

#: Rows read per query by :meth:`~newsbot.archive.frontier.Frontier.due`.
DUE_BATCH = 500


@dataclass(frozen=True)
class FrontierEntry:
    """One URL a listing (or link) names, as handed to ``Frontier.record_listed``.

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


_DUE_FIELDS = tuple(f.name for f in fields(DueURL))


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
