"""The crawl frontier as a scheduled crawl sees it: real archives in tmp_path, no mocks."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from sqlite_utils import Database

from newsbot.archive import (
    ARCHIVE_MIGRATIONS,
    MAX_FAILURES,
    Archive,
    ArchiveError,
    DueURL,
    FrontierEntry,
)
from newsbot.items import Article, Capture, CaptureKind

SITE = "euronews"
BASE = "https://www.euronews.com"
#: Before the test clock's first reading, as a fetch at the start of a run would be.
FETCHED = "2026-11-25T09:00:00+00:00"


class Clock:
    """Moves one second per reading, from 2026-11-25T10:00:00Z."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> str:
        self.now += dt.timedelta(seconds=1)
        return self.now.isoformat()


def entry(
    path: str, *, kind: CaptureKind = "article", found_in: str = "sitemap", **listing: object
) -> FrontierEntry:
    return FrontierEntry(url=BASE + path, site=SITE, kind=kind, found_in=found_in, **listing)  # type: ignore[arg-type]


def capture(
    url: str,
    status: int = 200,
    body: bytes = b"<html><p>Text</p></html>",
    *,
    headers: list[tuple[str, str]] | None = None,
    kind: CaptureKind = "article",
    fetched_at: str = FETCHED,
) -> Capture:
    return Capture(
        url=url,
        final_url=url,
        status=status,
        headers=headers or [("Content-Type", "text/html")],
        body=body if status != 304 else b"",
        fetched_at=fetched_at,
        site=SITE,
        kind=kind,
        error="TimeoutError: took too long" if status == 0 else None,
    )


def urls(due: list[DueURL]) -> list[str]:
    return [d.url.removeprefix(BASE) for d in due]


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "newsbot.db", clock=Clock())


def fetch_all(archive: Archive, due: list[DueURL]) -> None:
    for d in due:
        archive.save_capture(capture(d.url, body=f"<p>{d.url}</p>".encode()), run_id=None)


# -- discovery ------------------------------------------------------------------------------


def test_discovery_returns_new_urls_as_due(archive: Archive) -> None:
    listing = [entry("/a", lastmod="2026-11-24T08:00:00+01:00"), entry("/b"), entry("/a")]

    due = archive.frontier.record_listed(listing)

    assert urls(due) == ["/a", "/b"]  # once each, in listing order
    assert due[0].lastmod == "2026-11-24T07:00:00+00:00"  # normalised to UTC
    assert (due[0].fetch_count, due[0].etag, due[0].last_capture_id) == (0, None, None)
    assert archive.frontier.stats().by_state == {"due": 2}


def test_same_listing_again_returns_nothing_once_fetched(archive: Archive) -> None:
    listing = [entry(f"/{i}", lastmod="2026-11-24T08:00:00+00:00") for i in range(5)]
    fetch_all(archive, archive.frontier.record_listed(listing))

    assert archive.frontier.record_listed(listing) == []
    assert list(archive.frontier.due(SITE)) == []
    assert archive.frontier.stats().by_state == {"done": 5}


def test_changed_lastmod_or_publication_date_makes_a_url_due_again(archive: Archive) -> None:
    listing = [
        entry("/a", lastmod="2026-11-24T08:00:00+00:00"),
        entry("/b", published_at="2026-11-24T08:00:00+00:00"),
        entry("/c", lastmod="2026-11-24T08:00:00+00:00"),
    ]
    fetch_all(archive, archive.frontier.record_listed(listing))

    relisted = [
        entry("/a", lastmod="2026-11-25T07:00:00+00:00"),
        entry("/b", published_at="2026-11-24T09:00:00+01:00"),  # same instant, other zone
        entry("/c"),  # the listing says nothing: what it said before stands
    ]
    assert urls(archive.frontier.record_listed(relisted)) == ["/a"]
    # Not fetched yet: the next run finds it again, even without the listing.
    assert urls(list(archive.frontier.due(SITE))) == ["/a"]


def test_url_found_by_a_link_is_due_again_when_listed_as_changed_after_the_fetch(
    archive: Archive,
) -> None:
    fetch_all(
        archive, archive.frontier.record_listed([entry("/old", found_in="related"), entry("/new")])
    )

    listing = [
        entry("/old", lastmod="2026-11-25T08:00:00+00:00"),  # before the fetch at 09:00
        entry("/new", lastmod="2026-11-25T09:30:00+00:00"),  # after it
    ]

    assert urls(archive.frontier.record_listed(listing)) == ["/new"]


def test_a_page_fetched_before_its_first_listing_is_due_when_that_listing_changes(
    archive: Archive,
) -> None:
    # Found first through a feed without dates and fetched; the sitemap then lists it with a
    # lastmod from months ago: nothing new. Later its lastmod moves, still into the past.
    fetch_all(archive, archive.frontier.record_listed([entry("/x", found_in="feed")]))
    assert archive.frontier.record_listed([entry("/x", lastmod="2026-03-02T10:00:00+01:00")]) == []
    due = archive.frontier.record_listed([entry("/x", lastmod="2026-03-02T11:00:00+01:00")])
    assert urls(due) == ["/x"]


def test_discovery_documents_are_always_due_with_their_validators(archive: Archive) -> None:
    index = entry("/sitemaps/de.xml", kind="sitemap", found_in="start")
    child = entry("/sitemaps/de-2026-11.xml", kind="sitemap", found_in="sitemap")
    archive.frontier.record_listed([index, child])
    for doc in (index, child):
        archive.save_capture(
            capture(doc.url, kind="sitemap", headers=[("ETag", f'"{doc.url.rsplit("/", 1)[-1]}"')]),
            run_id=None,
        )

    again = archive.frontier.record_listed([index])

    assert urls(again) == ["/sitemaps/de.xml"]
    assert again[0].conditional_headers() == {"If-None-Match": '"de.xml"'}
    # The child sitemap is due too, even when its index answers 304 and lists nothing.
    resumed = list(archive.frontier.due(SITE))
    assert sorted(urls(resumed)) == ["/sitemaps/de-2026-11.xml", "/sitemaps/de.xml"]


def test_discover_of_2000_entries_is_one_transaction(archive: Archive) -> None:
    statements: list[str] = []
    archive.session.conn.set_trace_callback(statements.append)
    listing = [entry(f"/2026/11/25/story-{i}", lastmod=FETCHED) for i in range(2000)]

    due = archive.frontier.record_listed(listing)

    archive.session.conn.set_trace_callback(None)
    assert len(due) == 2000
    assert [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT")] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    # Unchanged listing: read, not rewritten.
    statements.clear()
    archive.session.conn.set_trace_callback(statements.append)
    archive.frontier.record_listed(listing)
    archive.session.conn.set_trace_callback(None)
    assert not [s for s in statements if "INSERT" in s]


def test_discover_stores_all_of_a_batch_or_nothing(archive: Archive) -> None:
    listing = [entry(f"/{i}") for i in range(1500)]
    broken = FrontierEntry(url="", site=SITE, kind="article", found_in="sitemap")

    with pytest.raises(ArchiveError, match="cannot record 1501 discovered URLs"):
        archive.frontier.record_listed([*listing, broken])

    assert archive.frontier.stats().urls == 0
    assert len(archive.frontier.record_listed(listing)) == 1500


# -- resuming, retries, schedules ------------------------------------------------------------


def test_due_returns_what_a_killed_run_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    with Archive.open(path, clock=Clock()) as first_run:
        due = first_run.frontier.record_listed([entry(f"/{i}") for i in range(10)])
        fetch_all(first_run, due[:6])
        # ... and the crawler dies here.

    with Archive.open(path, clock=Clock()) as next_run:
        assert urls(list(next_run.frontier.due(SITE))) == ["/6", "/7", "/8", "/9"]
        assert urls(list(next_run.frontier.due(SITE, limit=2))) == ["/6", "/7"]
        assert list(next_run.frontier.due("another-site")) == []


def test_due_puts_higher_priority_first(archive: Archive) -> None:
    archive.frontier.record_listed([entry("/low", priority=-1), entry("/normal")])
    archive.frontier.record_listed([entry("/breaking", found_in="news_sitemap", priority=10)])

    assert urls(list(archive.frontier.due(SITE))) == ["/breaking", "/normal", "/low"]


@pytest.mark.parametrize("status", [0, 500, 503, 429])
def test_failed_fetches_come_back_until_the_cap(archive: Archive, status: int) -> None:
    listing = [entry("/flaky", lastmod="2026-11-24T08:00:00+00:00")]
    archive.frontier.record_listed(listing)

    for _ in range(MAX_FAILURES - 1):
        archive.save_capture(capture(BASE + "/flaky", status), run_id=None)
        assert urls(list(archive.frontier.due(SITE))) == ["/flaky"]
        assert urls(archive.frontier.record_listed(listing)) == ["/flaky"]
    archive.save_capture(capture(BASE + "/flaky", status), run_id=None)

    assert list(archive.frontier.due(SITE)) == []
    assert archive.frontier.record_listed(listing) == []
    assert archive.frontier.stats().by_state == {"failed": 1}
    # A new date in the listing is a new reason to try.
    assert urls(
        archive.frontier.record_listed([entry("/flaky", lastmod="2026-11-25T08:00:00+00:00")])
    ) == ["/flaky"]


def test_a_listing_failed_as_often_as_a_page_may_is_left_alone_but_a_start_listing_is_not(
    archive: Archive,
) -> None:
    index = entry("/sitemap.xml", kind="sitemap", found_in="start")
    bomb = entry("/sitemaps/bomb.xml.gz", kind="sitemap", found_in="sitemap", priority=-1)
    archive.frontier.record_listed([index, bomb])
    for _ in range(MAX_FAILURES):
        for doc in (index, bomb):
            # As a compression bomb (or a server that is down) is recorded: no usable body.
            archive.save_capture(capture(doc.url, 0, kind="sitemap"), run_id=None)

    # The index lists the bomb again, with no new date: it is not fetched again.
    assert urls(archive.frontier.record_listed([index, bomb])) == ["/sitemap.xml"]
    assert urls(list(archive.frontier.due(SITE))) == ["/sitemap.xml"]
    # The site comes back: its start listing is read, and names the bomb with a new date.
    archive.save_capture(capture(index.url, kind="sitemap"), run_id=None)
    renamed = entry(
        "/sitemaps/bomb.xml.gz", kind="sitemap", found_in="sitemap", lastmod="2026-11-25T09:30"
    )
    assert urls(archive.frontier.record_listed([renamed])) == ["/sitemaps/bomb.xml.gz"]


def test_success_resets_the_failure_count(archive: Archive) -> None:
    archive.frontier.record_listed([entry("/a")])
    for _ in range(MAX_FAILURES - 1):
        archive.save_capture(capture(BASE + "/a", 503), run_id=None)
    archive.save_capture(capture(BASE + "/a"), run_id=None)
    archive.frontier.record_listed([entry("/a", lastmod="2026-11-25T09:30:00+00:00")])

    archive.save_capture(capture(BASE + "/a", 503), run_id=None)

    assert urls(list(archive.frontier.due(SITE))) == ["/a"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_page_is_gone_and_not_due(archive: Archive, status: int) -> None:
    listing = [entry("/deleted", lastmod="2026-11-24T08:00:00+00:00")]
    archive.frontier.record_listed(listing)

    archive.save_capture(capture(BASE + "/deleted", status), run_id=None)

    assert archive.frontier.record_listed(listing) == []
    assert list(archive.frontier.due(SITE)) == []
    assert archive.frontier.stats().by_state == {"gone": 1}


def test_next_due_at_is_stored_and_honoured(archive: Archive) -> None:
    archive.frontier.record_listed([entry("/young"), entry("/503")])
    archive.save_capture(
        capture(BASE + "/young"), run_id=None, next_due_at="2026-11-25T11:00:00+01:00"
    )
    # e.g. a 503 with Retry-After: 2 hours.
    archive.save_capture(
        capture(BASE + "/503", 503), run_id=None, next_due_at="2026-11-25T11:00:00+00:00"
    )

    assert list(archive.frontier.due(SITE, now="2026-11-25T09:59:59+00:00")) == []
    assert urls(list(archive.frontier.due(SITE, now="2026-11-25T10:00:00+00:00"))) == ["/young"]
    assert urls(list(archive.frontier.due(SITE, now="2026-11-25T12:00:00+00:00"))) == [
        "/young",
        "/503",
    ]
    assert archive.frontier.stats(now="2026-11-25T10:30:00+00:00").due_now == 1


# -- validators and revisits ----------------------------------------------------------------


def test_validators_and_body_hash_of_a_2xx_come_back_for_a_conditional_request(
    archive: Archive,
) -> None:
    body = b"<html>v1</html>"
    archive.frontier.record_listed([entry("/a")])
    saved = archive.save_capture(
        capture(
            BASE + "/a",
            body=body,
            headers=[("etag", 'W/"v1"'), ("Last-Modified", "Tue, 24 Nov 2026 08:00:00 GMT")],
        ),
        run_id=None,
    )

    (due,) = archive.frontier.record_listed([entry("/a", lastmod="2026-11-25T09:30:00+00:00")])

    assert due.etag == 'W/"v1"'
    assert due.last_modified == "Tue, 24 Nov 2026 08:00:00 GMT"
    assert due.sha256 == hashlib.sha256(body).hexdigest()
    assert due.last_capture_id == saved.capture_id
    assert due.fetch_count == 1
    assert due.conditional_headers() == {
        "If-None-Match": 'W/"v1"',
        "If-Modified-Since": "Tue, 24 Nov 2026 08:00:00 GMT",
    }


def revisit_of(archive: Archive, capture_id: int) -> int | None:
    row = archive.session.conn.execute(
        "SELECT revisit_of FROM captures WHERE id = ?", (capture_id,)
    )
    value: int | None = row.fetchone()[0]
    return value


def test_a_304_is_a_revisit(archive: Archive) -> None:
    archive.frontier.record_listed([entry("/a")])
    first = archive.save_capture(capture(BASE + "/a", headers=[("ETag", '"v1"')]), run_id=None)
    archive.frontier.record_listed([entry("/a", lastmod="2026-11-25T09:30:00+00:00")])

    again = archive.save_capture(capture(BASE + "/a", 304), run_id=None)

    assert (first.revisit, again.revisit) == (False, True)
    assert again.body_stored is False
    assert revisit_of(archive, again.capture_id) == first.capture_id
    assert archive.stats().bodies == 1
    assert archive.frontier.record_listed([entry("/a", lastmod="2026-11-25T09:30:00+00:00")]) == []
    assert archive.frontier.stats().by_state == {"done": 1}
    # The validators of the 2xx still hold for the next conditional request.
    (doc,) = archive.frontier.record_listed([entry("/a", lastmod="2026-11-26T00:00:00+00:00")])
    assert (doc.etag, doc.last_capture_id, doc.fetch_count) == ('"v1"', first.capture_id, 2)


def test_a_2xx_with_the_same_body_is_a_revisit_and_a_new_body_is_not(archive: Archive) -> None:
    archive.frontier.record_listed([entry("/a")])
    first = archive.save_capture(capture(BASE + "/a", body=b"<p>v1</p>"), run_id=None)
    same = archive.save_capture(capture(BASE + "/a", body=b"<p>v1</p>"), run_id=None)
    twice = archive.save_capture(capture(BASE + "/a", body=b"<p>v1</p>"), run_id=None)
    changed = archive.save_capture(capture(BASE + "/a", body=b"<p>v2</p>"), run_id=None)

    assert [s.revisit for s in (first, same, twice, changed)] == [False, True, True, False]
    # Every revisit points at the capture that first held the body.
    assert revisit_of(archive, same.capture_id) == first.capture_id
    assert revisit_of(archive, twice.capture_id) == first.capture_id
    assert revisit_of(archive, changed.capture_id) is None
    assert archive.captures.get(same.capture_id).body == b"<p>v1</p>"
    assert (changed.body_stored, archive.stats().bodies) == (True, 2)


def test_a_revisit_with_an_article_is_treated_normally(archive: Archive) -> None:
    url = BASE + "/a"
    article = Article(url=url, canonical_url=url, title="T", text="Text", site=SITE)
    archive.save_capture(capture(url), run_id=None, article=article)

    again = archive.save_capture(capture(url), run_id=None, article=article)

    assert (again.revisit, again.article) == (True, "unchanged")


def test_capture_and_frontier_update_are_one_transaction(archive: Archive) -> None:
    url = BASE + "/a"
    (before,) = archive.frontier.record_listed([entry("/a")])
    refused = Article(url=url, canonical_url="", title="T", text="x", site=SITE)

    with pytest.raises(ArchiveError, match="no canonical URL"):
        archive.save_capture(capture(url), run_id=None, article=refused)

    assert archive.stats().captures == 0
    assert list(archive.frontier.due(SITE)) == [before]  # still due, never fetched
    assert archive.frontier.stats().by_state == {"due": 1}


def test_a_capture_of_an_undiscovered_url_joins_the_frontier(archive: Archive) -> None:
    archive.save_capture(capture(BASE + "/start", kind="section"), run_id=None)
    archive.save_capture(capture(BASE + "/direct"), run_id=None)

    stats = archive.frontier.stats()
    assert (stats.urls, stats.by_kind) == (2, {"article": 1, "section": 1})
    # A section page is a discovery document: requested again every run.
    assert urls(list(archive.frontier.due(SITE))) == ["/start"]


def test_stats_count_the_frontier(archive: Archive) -> None:
    archive.frontier.record_listed([entry(f"/{i}") for i in range(4)])
    archive.frontier.record_listed([entry("/feed.xml", kind="feed", found_in="start")])
    archive.save_capture(capture(BASE + "/0"), run_id=None)
    archive.save_capture(capture(BASE + "/1", 404), run_id=None)

    frontier = archive.stats().frontier
    assert frontier.urls == 5
    assert frontier.by_state == {"due": 3, "done": 1, "gone": 1}
    assert frontier.by_kind == {"article": 4, "feed": 1}
    # Two never fetched, and the feed is requested every run.
    assert archive.frontier.stats().due_now == 3
    assert archive.frontier.stats("another-site").urls == 0


# -- upgrades and crashes ---------------------------------------------------------------------


def test_upgrade_seeds_the_frontier_from_earlier_captures(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    ARCHIVE_MIGRATIONS.apply(db, stop_before="0003_frontier_revisits_history")
    db.execute(
        "INSERT INTO bodies VALUES ('abc', 3, 3, 'zstd', x'00', '2026-11-20T10:00:00+00:00')"
    )
    captures = [
        (BASE + "/a", "article", 200, '[["ETag", "\\"e1\\""]]', "abc", "2026-11-20T10:00:00+00:00"),
        (BASE + "/a", "article", 304, "[]", None, "2026-11-21T10:00:00+00:00"),
        (BASE + "/gone", "article", 404, "[]", None, "2026-11-20T10:00:00+00:00"),
        (BASE + "/down", "article", 503, "[]", None, "2026-11-20T10:00:00+00:00"),
        (BASE + "/feed", "feed", 200, "[]", None, "2026-11-20T10:00:00+00:00"),
    ]
    db.conn.executemany(
        "INSERT INTO captures (site, kind, url, final_url, status, headers, sha256, fetched_at)"
        " VALUES ('euronews', ?, ?, ?, ?, ?, ?, ?)",
        [(kind, url, url, status, h, sha, at) for url, kind, status, h, sha, at in captures],
    )
    db.conn.commit()
    db.close()

    with Archive.open(path, clock=Clock()) as archive:
        assert archive.frontier.stats().by_state == {"done": 2, "failed": 1, "gone": 1}
        assert sorted(urls(list(archive.frontier.due(SITE)))) == ["/down", "/feed"]
        # Listed with a date before its last fetch: nothing to do; with a later one: due,
        # with what a conditional request needs.
        assert (
            archive.frontier.record_listed([entry("/a", lastmod="2026-11-19T00:00:00+00:00")]) == []
        )
        (a,) = archive.frontier.record_listed([entry("/a", lastmod="2026-11-22T00:00:00+00:00")])
        assert (a.etag, a.sha256, a.last_capture_id, a.fetch_count) == ('"e1"', "abc", 1, 2)


CRAWLER = """
import sys
from newsbot.archive import Archive, FrontierEntry
from newsbot.items import Capture

with Archive.open(sys.argv[1]) as archive:
    archive.frontier.record_listed([
        FrontierEntry(url=f"https://e.com/{i:04}", site="e", kind="article", found_in="sitemap")
        for i in range(int(sys.argv[2]))
    ])
    for due in archive.frontier.due("e"):
        archive.save_capture(Capture(
            url=due.url, final_url=due.url, status=200, headers=[],
            body=due.url.encode() * 500, fetched_at="2026-11-25T00:00:00+00:00",
            site="e", kind="article"), run_id=None)
        print(due.url, flush=True)
"""


def test_a_crawl_killed_mid_run_resumes_without_losing_or_repeating_a_url(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newsbot.db"
    crawler = [sys.executable, "-c", CRAWLER, str(path), "300"]
    first = subprocess.Popen(crawler, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert first.stdout is not None
    saved = [first.stdout.readline().strip() for _ in range(40)]
    os.kill(first.pid, signal.SIGKILL)
    first.wait()

    with Archive.open(path, readonly=True) as archive:
        assert archive.session.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        captured = [c.url for c in archive.captures.iter()]
        assert captured[:40] == saved  # nothing reported saved was lost
        assert archive.frontier.stats().by_state == {
            "done": len(captured),
            "due": 300 - len(captured),
        }

    resumed = subprocess.run(crawler, capture_output=True, text=True, cwd=REPO, check=True)

    with Archive.open(path, readonly=True) as archive:
        assert archive.session.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        all_urls = [c.url for c in archive.captures.iter()]
        assert sorted(all_urls) == [f"https://e.com/{i:04}" for i in range(300)]  # once each
        assert resumed.stdout.split() == all_urls[len(captured) :]
        assert archive.frontier.stats().by_state == {"done": 300}
