"""The archive as its users see it: real SQLite files in tmp_path, no mocks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from newsbot.archive import ARCHIVE_MIGRATIONS, Archive, ArchiveError, utc_now
from newsbot.archive.migrations import MIGRATION_NAMES
from newsbot.items import Article, Capture, Link

ARCHIVE_DIR = Path(__file__).resolve().parent.parent / "newsbot" / "archive"


class Clock:
    """A clock that moves one second per reading, so every write gets its own time."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> str:
        self.now += dt.timedelta(seconds=1)
        return self.now.isoformat()


def html_page(title: str, size: int = 300_000) -> bytes:
    """A news-page-like body of about ``size`` bytes (repetitive markup, like real HTML)."""
    paragraph = f"<p class='c-article-text'>{title}: Der Bürgermeister sagte am Montag …</p>\n"
    body = paragraph * (size // len(paragraph.encode()) + 1)
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def make_capture(url: str, body: bytes, **changes: object) -> Capture:
    capture = Capture(
        url=url,
        final_url=url,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1")],
        body=body,
        fetched_at="2026-11-25T09:00:00+00:00",
        site="euronews",
        kind="article",
    )
    return replace(capture, **changes)  # type: ignore[arg-type]


def make_article(url: str, **changes: object) -> Article:
    article = Article(
        url=url,
        canonical_url=url,
        title="Die Bürgermeisterwahl in München",
        text="Der Bürgermeister von München hat am Sonntag die Wahl gewonnen.",
        teaser="Ein klarer Sieg.",
        authors=["Anna Schmidt"],
        published_at="2026-11-24T08:00:00+01:00",
        language="de",
        section="europe",
        tags=["Wahl", "München"],
        site="euronews",
        links=[
            Link(kind="related", url="https://www.euronews.com/a", anchor_text="A", position=0),
            Link(kind="related", url="https://www.euronews.com/b", anchor_text="B", position=1),
        ],
        extractor_version="1",
    )
    return replace(article, **changes)  # type: ignore[arg-type]


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive" / "newsbot.db", clock=Clock())


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# -- opening and migrations ----------------------------------------------------------------


def test_open_creates_folder_and_file_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "newsbot.db"
    with Archive.open(path) as archive:
        assert archive.path == path
    assert path.is_file()
    assert raw(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# The schema, without SQLite's own planner statistics (PRAGMA optimize may add them any time).
SCHEMA_SQL = (
    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"
)


def test_migrations_run_once_and_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    Archive.open(path).close()
    conn = raw(path)
    schema = conn.execute(SCHEMA_SQL).fetchall()
    applied = conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations")
    applied_rows = applied.fetchall()
    conn.close()

    Archive.open(path).close()
    Archive.open(path).close()

    conn = raw(path)
    assert conn.execute(SCHEMA_SQL).fetchall() == (schema)
    rows = conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations")
    assert rows.fetchall() == applied_rows
    assert [name for _, name, _ in applied_rows] == MIGRATION_NAMES
    tables = {row[1] for row in schema if row[0] == "table"}
    assert {"bodies", "captures", "articles", "links", "crawl_runs", "errors"} <= tables


def test_open_refuses_a_file_that_is_not_sqlite_and_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 100
    path.write_bytes(content)

    with pytest.raises(ArchiveError) as error:
        Archive.open(path)

    message = str(error.value)
    assert message == f"{path} is not a newsbot archive (file is not a database)"
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_open_refuses_a_sqlite_file_with_other_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('Ada')")
    conn.close()
    before = path.read_bytes()

    with pytest.raises(ArchiveError, match="is not a newsbot archive") as error:
        Archive.open(path)

    assert "people" in str(error.value)
    assert "\n" not in str(error.value)
    assert path.read_bytes() == before


def test_open_refuses_a_location_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("I am a file")

    with pytest.raises(ArchiveError) as error:
        Archive.open(tmp_path / "afile" / "x.db")

    assert str(error.value).startswith(f"cannot create archive at {tmp_path / 'afile' / 'x.db'}: ")
    assert "\n" not in str(error.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 0o500")
def test_open_refuses_a_folder_it_cannot_write(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ArchiveError) as error:
            Archive.open(locked / "newsbot.db")
    finally:
        locked.chmod(0o700)
    assert (
        str(error.value) == f"cannot create archive at {locked / 'newsbot.db'}: Permission denied"
    )
    assert list(locked.iterdir()) == []


def test_readonly_open_of_a_missing_file_fails_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "newsbot.db"

    with pytest.raises(ArchiveError, match="no such file"):
        Archive.open(path, readonly=True)

    assert not path.parent.exists()


def test_readonly_archive_reads_but_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    with Archive.open(path) as archive:
        archive.save_capture(make_capture("https://e.com/1", b"<p>x</p>"), run_id=None)

    with Archive.open(path, readonly=True) as reader:
        assert reader.captures.get(1).body == b"<p>x</p>"
        with pytest.raises(ArchiveError, match="read-only"):
            reader.save_capture(make_capture("https://e.com/2", b"<p>y</p>"), run_id=None)
        assert reader.stats().captures == 1


def test_archive_from_a_newer_newsbot_is_readable_but_not_writable(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    Archive.open(path).close()
    conn = raw(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('newsbot.archive', '9999_future', '2030-01-01')"
    )
    conn.close()

    with pytest.raises(ArchiveError, match="newer newsbot"):
        Archive.open(path)
    with Archive.open(path, readonly=True) as reader:
        assert reader.stats().captures == 0


# -- captures and bodies --------------------------------------------------------------------


def test_same_body_is_stored_once_and_read_back_byte_identical(archive: Archive) -> None:
    page = html_page("Wahl")
    first = archive.save_capture(make_capture("https://e.com/a", page), run_id=None)
    again = archive.save_capture(make_capture("https://e.com/a?utm=x", page), run_id=None)

    assert (first.body_stored, again.body_stored) == (True, False)
    assert archive.captures.get(first.capture_id).body == page
    assert archive.captures.get(again.capture_id).body == page
    assert archive.captures.body(hashlib.sha256(page).hexdigest()) == page
    stats = archive.stats()
    assert (stats.captures, stats.bodies, stats.body_bytes) == (2, 1, len(page))
    assert stats.stored_bytes < len(page) // 10  # HTML compresses well with zstd


def test_capture_round_trips_every_field(archive: Archive) -> None:
    capture = make_capture(
        "http://e.com/old",
        b"",
        final_url="https://e.com/new",
        status=0,
        kind="sitemap",
        error="DNS lookup failed",
        headers=[("B", "2"), ("a", "1"), ("B", "3")],
    )
    saved = archive.save_capture(capture, run_id=None)

    back = archive.captures.get(saved.capture_id)
    assert back == replace(capture, capture_id=saved.capture_id)
    assert saved.body_stored is False


def test_unknown_body_and_capture_raise_key_error(archive: Archive) -> None:
    with pytest.raises(KeyError):
        archive.captures.body("0" * 64)
    with pytest.raises(KeyError):
        archive.captures.get(42)


def test_captures_refuse_update_and_delete(archive: Archive) -> None:
    archive.save_capture(make_capture("https://e.com/a", b"<p>a</p>"), run_id=None)
    conn = raw(archive.path)

    with pytest.raises(sqlite3.IntegrityError, match="captures are never edited"):
        conn.execute("UPDATE captures SET status = 500")
    with pytest.raises(sqlite3.IntegrityError, match="captures are never deleted"):
        conn.execute("DELETE FROM captures")

    assert conn.execute("SELECT url, status FROM captures").fetchall() == [("https://e.com/a", 200)]


def test_iter_captures_streams_oldest_first_with_filters(archive: Archive) -> None:
    for i in range(150):  # more than one batch
        kind = "article" if i % 3 else "feed"
        status = 404 if i == 7 else 200
        capture = make_capture(f"https://e.com/{i}", f"<p>{i}</p>".encode(), kind=kind)
        archive.save_capture(replace(capture, status=status), run_id=None)

    everything = list(archive.captures.iter())
    assert [c.url for c in everything] == [f"https://e.com/{i}" for i in range(150)]
    assert everything[149].body == b"<p>149</p>"
    assert len(list(archive.captures.iter(kind="feed"))) == 50
    assert [c.url for c in archive.captures.iter(status=404)] == ["https://e.com/7"]
    assert list(archive.captures.iter(kind="feed", status=404)) == []
    assert list(archive.captures.iter(site="other")) == []


# -- articles, links, transactions ----------------------------------------------------------


def test_article_new_then_unchanged_then_changed(archive: Archive) -> None:
    url = "https://www.euronews.com/2026/11/24/wahl"
    article = make_article(url)
    first = archive.save_capture(make_capture(url, b"<p>v1</p>"), run_id=None, article=article)
    stored = archive.articles.get(url)
    assert stored is not None

    same = archive.save_capture(make_capture(url, b"<p>v1</p>"), run_id=None, article=article)
    assert (first.article, same.article) == ("new", "unchanged")
    assert archive.articles.get(url) == stored  # not rewritten: same extracted_at, capture_id

    newer = replace(article, text="Der Bürgermeister trat heute überraschend zurück.")
    changed = archive.save_capture(make_capture(url, b"<p>v2</p>"), run_id=None, article=newer)
    assert changed.article == "changed"
    row = archive.articles.get(url)
    assert row is not None
    assert row["text"] == newer.text
    assert row["capture_id"] == changed.capture_id
    assert row["extracted_at"] > stored["extracted_at"]
    assert row["first_seen_at"] == stored["first_seen_at"]
    assert row["authors"] == ["Anna Schmidt"]
    assert row["tags"] == ["Wahl", "München"]
    assert [hit.url for hit in archive.search("zurück")] == [url]
    assert archive.search("gewonnen") == []  # the old text left the search index
    assert archive.stats().articles == 1


def test_new_extractor_version_with_same_output_is_unchanged(archive: Archive) -> None:
    url = "https://e.com/a"
    saved = archive.save_capture(make_capture(url, b"<p>a</p>"), run_id=None)
    assert archive.save_article(make_article(url), capture_id=saved.capture_id) == "new"
    again = make_article(url, extractor_version="2")
    assert archive.save_article(again, capture_id=saved.capture_id) == "unchanged"
    with pytest.raises(KeyError):
        archive.save_article(make_article(url), capture_id=999)


def test_get_article_by_fetched_url(archive: Archive) -> None:
    canonical = "https://e.com/story"
    article = make_article("https://e.com/story?ref=rss", canonical_url=canonical)
    archive.save_capture(make_capture(article.url, b"<p>x</p>"), run_id=None, article=article)

    by_url = archive.articles.get("https://e.com/story?ref=rss")
    assert by_url is not None
    assert by_url["canonical_url"] == canonical
    assert archive.articles.get("https://e.com/nothing") is None


def test_links_are_replaced_not_duplicated(archive: Archive) -> None:
    url = "https://e.com/story"
    archive.save_capture(make_capture(url, b"1"), run_id=None, article=make_article(url))
    archive.save_capture(make_capture(url, b"1"), run_id=None, article=make_article(url))
    assert [link["target_url"] for link in archive.graph.links_from(url)] == [
        "https://www.euronews.com/a",
        "https://www.euronews.com/b",
    ]

    new_links = [
        Link(kind="translation", url="https://fr.euronews.com/x", label="fr", position=0),
        Link(kind="related", url="https://www.euronews.com/b", anchor_text="B", position=0),
        Link(kind="related", url="https://www.euronews.com/c", anchor_text="C", position=1),
        Link(kind="related", url="https://www.euronews.com/c", anchor_text="C", position=1),
    ]
    saved = archive.save_capture(
        make_capture(url, b"2"), run_id=None, article=make_article(url, links=new_links)
    )

    links = archive.graph.links_from(url)
    assert [(link["kind"], link["target_url"]) for link in links] == [
        ("related", "https://www.euronews.com/b"),
        ("related", "https://www.euronews.com/c"),
        ("translation", "https://fr.euronews.com/x"),
    ]
    assert {link["capture_id"] for link in links} == {saved.capture_id}
    assert archive.graph.links_to("https://www.euronews.com/a") == []
    assert [
        link["source_url"] for link in archive.graph.links_to("https://www.euronews.com/c")
    ] == [url]
    assert archive.stats().links == 3


def test_failure_in_the_middle_of_save_capture_leaves_no_rows(archive: Archive) -> None:
    capture = make_capture("https://e.com/a", html_page("x", 5_000))
    bad = make_article("https://e.com/a", canonical_url="")

    with pytest.raises(ArchiveError, match="no canonical URL") as error:
        archive.save_capture(
            capture, run_id=None, article=bad, errors=[("links", "bad_link", "oops")]
        )

    assert "\n" not in str(error.value)
    stats = archive.stats()
    assert (stats.captures, stats.bodies, stats.articles, stats.links, stats.errors) == (
        0,
        0,
        0,
        0,
        0,
    )
    # The archive is still usable, and the same body is stored on the next attempt.
    assert archive.save_capture(capture, run_id=None).body_stored is True


# -- search -----------------------------------------------------------------------------------


@pytest.fixture
def searchable(archive: Archive) -> Archive:
    articles = [
        make_article("https://de.euronews.com/wahl", links=[]),
        make_article(
            "https://fr.euronews.com/elections",
            title="Les élections régionales",
            text="Les électeurs français ont voté dimanche; un résultat déséquilibré.",
            language="fr",
            links=[],
        ),
        make_article(
            "https://www.euronews.com/muller",
            title="Interview with Thomas Muller",
            text="An unbalanced match, said Muller after the game.",
            language="en",
            links=[],
        ),
    ]
    for article in articles:
        capture = make_capture(article.url, article.text.encode())
        archive.save_capture(capture, run_id=None, article=article)
    return archive


@pytest.mark.parametrize(
    ("query", "url"),
    [
        ("Bürgermeister", "https://de.euronews.com/wahl"),
        ("burgermeister", "https://de.euronews.com/wahl"),
        ("MÜNCHEN", "https://de.euronews.com/wahl"),
        ("élections", "https://fr.euronews.com/elections"),
        ("elections", "https://fr.euronews.com/elections"),
        ("desequilibre", "https://fr.euronews.com/elections"),
        ("Müller", "https://www.euronews.com/muller"),
    ],
)
def test_search_ignores_accents_both_ways(searchable: Archive, query: str, url: str) -> None:
    hits = searchable.search(query)

    assert [hit.url for hit in hits] == [url]
    assert "**" in hits[0].snippet


def test_search_hit_carries_title_language_and_marked_snippet(searchable: Archive) -> None:
    (hit,) = searchable.search("voté")

    assert hit.title == "Les élections régionales"
    assert hit.language == "fr"
    assert "**voté**" in hit.snippet


def test_search_understands_fts_syntax(searchable: Archive) -> None:
    hits = searchable.search("Bürgermeister OR électeurs")
    assert {hit.url for hit in hits} == {
        "https://de.euronews.com/wahl",
        "https://fr.euronews.com/elections",
    }
    assert [hit.url for hit in searchable.search('"unbalanced match"')] == [
        "https://www.euronews.com/muller"
    ]
    assert [hit.url for hit in searchable.search("elect*")] == ["https://fr.euronews.com/elections"]
    assert len(searchable.search("Muller OR Bürgermeister OR voté", limit=2)) == 2


@pytest.mark.parametrize(
    "query", ['"unbalanced', "AND OR", "NOT", "(", "title:", "*", '""', "a:b", "---", "   "]
)
def test_search_never_raises_on_bad_syntax(searchable: Archive, query: str) -> None:
    assert isinstance(searchable.search(query), list)


def test_search_with_broken_syntax_still_finds_the_words(searchable: Archive) -> None:
    assert [hit.url for hit in searchable.search('"unbalanced')] == [
        "https://www.euronews.com/muller"
    ]
    assert [hit.url for hit in searchable.search("(Muller")] == ["https://www.euronews.com/muller"]


# -- runs, errors, stats ----------------------------------------------------------------------


def test_runs_record_settings_stats_and_counts(archive: Archive) -> None:
    first = archive.crawl_runs.start(spider="euronews", site="euronews", settings={"DEPTH": 2})
    second = archive.crawl_runs.start(spider="euronews", site="euronews", settings={})
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    archive.crawl_runs.finish(
        first,
        status="finished",
        stats={"start_time": start, "item_scraped_count": 3},
        counts={"articles": 3},
    )

    newest, oldest = archive.crawl_runs.all()
    assert (newest["id"], newest["status"], newest["finished_at"]) == (second, "running", None)
    assert oldest["status"] == "finished"
    assert oldest["settings"] == {"DEPTH": 2}
    assert oldest["stats"] == {"start_time": "2026-11-25T09:00:00+00:00", "item_scraped_count": 3}
    assert oldest["counts"] == {"articles": 3}
    assert oldest["finished_at"] > oldest["started_at"]
    with pytest.raises(KeyError):
        archive.crawl_runs.finish(999, status="finished", stats={}, counts={})


def test_stats_count_everything(archive: Archive) -> None:
    run = archive.crawl_runs.start(spider="euronews", site="euronews", settings={})
    page = html_page("a", 20_000)
    de = make_article("https://e.com/de")
    fr = make_article("https://e.com/fr", language="fr", links=[])
    unknown = make_article(
        "https://e.com/xx",
        language=None,
        links=[Link(kind="translation", url="https://e.com/de")],
    )
    archive.save_capture(make_capture(de.url, page), run_id=run, article=de)
    archive.save_capture(make_capture(fr.url, page), run_id=run, article=fr)
    archive.save_capture(make_capture(unknown.url, b"<p>?</p>"), run_id=run, article=unknown)
    archive.save_capture(
        make_capture("https://e.com/gone", b"", status=404),
        run_id=run,
        errors=[("fetch", "http_404", "Not Found")],
    )
    archive.record_error(
        run_id=run, url="https://e.com/slow", stage="fetch", kind="timeout", message="took 180 s"
    )
    archive.record_error(
        run_id=run, url="https://e.com/v", stage="extract", kind="not_article", message="video"
    )
    archive.crawl_runs.finish(run, status="finished", stats={}, counts={"articles": 3})

    stats = archive.stats()
    assert stats.captures == 4
    assert stats.bodies == 2
    assert stats.body_bytes == len(page) + len(b"<p>?</p>")
    assert 0 < stats.stored_bytes < stats.body_bytes
    assert stats.articles == 3
    assert stats.articles_by_language == {"de": 1, "fr": 1, "und": 1}
    assert stats.links == 3
    assert stats.links_by_kind == {"related": 2, "translation": 1}
    assert stats.errors == 3
    assert stats.errors_by_kind == {"http_404": 1, "not_article": 1, "timeout": 1}
    assert stats.runs == 1
    assert stats.file_bytes > 0
    assert stats.last_run is not None
    assert stats.last_run["status"] == "finished"
    assert (stats.last_run["capture_count"], stats.last_run["error_count"]) == (4, 3)


def test_utc_now_is_iso_8601_in_utc() -> None:
    parsed = dt.datetime.fromisoformat(utc_now())
    assert parsed.utcoffset() == dt.timedelta(0)
    assert utc_now().endswith("+00:00")


# -- concurrency ------------------------------------------------------------------------------


def test_reader_reads_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    with Archive.open(path) as archive:
        url = "https://e.com/a"
        archive.save_capture(make_capture(url, b"<p>a</p>"), run_id=None, article=make_article(url))

    writer = raw(path)
    # A tiny page cache makes the writer spill its changes before committing: without WAL
    # that takes an exclusive lock on the file and every reader would have to wait.
    writer.execute("PRAGMA cache_size = 10")
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany(
        "INSERT INTO errors (url, stage, kind, message, at) VALUES (?, 'fetch', 'dns', ?, 't')",
        [(f"https://e.com/{i}", "m" * 1000) for i in range(2000)],
    )
    try:
        with Archive.open(path, readonly=True) as reader:
            stats = reader.stats()
            assert (stats.captures, stats.articles, stats.errors) == (1, 1, 0)
            assert [hit.url for hit in reader.search("Bürgermeister")] == ["https://e.com/a"]
    finally:
        writer.execute("COMMIT")


def test_reader_in_a_transaction_does_not_block_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.db"
    with Archive.open(path) as archive:
        archive.save_capture(make_capture("https://e.com/1", b"1"), run_id=None)
        reader = raw(path)
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM captures").fetchone() == (1,)

        archive.save_capture(make_capture("https://e.com/2", b"2"), run_id=None)

        assert reader.execute("SELECT COUNT(*) FROM captures").fetchone() == (1,)  # its snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT COUNT(*) FROM captures").fetchone() == (2,)
        assert archive.stats().captures == 2


# -- layering ---------------------------------------------------------------------------------


def test_archive_does_not_import_scrapy() -> None:
    code = (
        "import sys, newsbot.archive; "
        "sys.exit(any(m == 'scrapy' or m.startswith('scrapy.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
    for module in ARCHIVE_DIR.glob("*.py"):
        source = module.read_text()
        assert "import scrapy" not in source, module
        assert "from scrapy" not in source, module


def test_migration_set_is_exported_and_fully_applied(archive: Archive) -> None:
    from sqlite_utils import Database

    db = Database(raw(archive.path))
    assert ARCHIVE_MIGRATIONS.pending(db) == []
    assert [m.name for m in ARCHIVE_MIGRATIONS.applied(db)] == MIGRATION_NAMES


def test_background_checkpoints_copy_the_log_into_the_file_while_the_crawl_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.db"
    archive = Archive.open(path, background_checkpoints=True)
    # The writer's own (blocking) checkpoints are off: a commit never copies the log itself.
    assert archive.session.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    size_at_start = path.stat().st_size
    for n in range(40):  # distinct pages: about 2 MB of log after compression
        body = html_page(f"Seite {n}", 200_000) + os.urandom(40_000)
        archive.save_capture(make_capture(f"https://www.euronews.com/{n}", body), run_id=None)
    deadline = time.monotonic() + 10
    while path.stat().st_size <= size_at_start + 1_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size > size_at_start + 1_000_000  # the thread copied the log back
    archive.close()
    with raw(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("select count(*) from captures").fetchone()[0] == 40
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


# -- extras ---------------------------------------------------------------------------------


def test_extras_are_kept_as_a_mapping(archive: Archive) -> None:
    url = "https://www.euronews.com/2026/11/24/wahl"
    ids = {"story_id": "9701001", "event_id": "2890001"}
    article = make_article(url, extras=ids)
    archive.save_capture(make_capture(url, b"<p>v1</p>"), run_id=None, article=article)
    stored = archive.articles.get(url)
    assert stored is not None and stored["extras"] == ids
    assert "story_id" not in stored  # no column of one site's own any more
    again = make_article(url, extras={"story_id": "9701001", "event_id": "2890002"})
    assert archive.save_article(again, capture_id=1) == "changed"


def hash_before_extras(article: Article) -> str:
    """The content hash as newsbot computed it while story_id and event_id were columns (up to
    migration 0004): every field but url and extractor_version, and the links."""
    payload = {
        "site": article.site,
        "language": article.language,
        "title": article.title,
        "teaser": article.teaser,
        "text": article.text,
        "authors": article.authors,
        "published_at": article.published_at,
        "modified_at": article.modified_at,
        "section": article.section,
        "tags": article.tags,
        "image_url": article.image_url,
        "story_id": article.extras.get("story_id"),
        "event_id": article.extras.get("event_id"),
        "sources": article.sources,
        "captions": article.captions,
        "canonical_url": article.canonical_url,
        "links": [[k.kind, k.url, k.anchor_text, k.label, k.position] for k in article.links],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def test_upgrade_moves_story_and_event_ids_into_extras(tmp_path: Path) -> None:
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    db = Database(raw(path))
    ARCHIVE_MIGRATIONS.apply(db, stop_before="0005_article_extras")
    base = "https://www.euronews.com/2026/11/2"
    both = make_article(base + "4/a", extras={"story_id": "9701001", "event_id": "2890001"})
    story_only = make_article(base + "4/b", extras={"story_id": "9701002"})
    neither = make_article(base + "5/c", site="generic", links=[])
    for n, article in enumerate((both, story_only, neither), start=1):
        # As the newsbot of migration 0004 wrote them.
        db.execute(
            "INSERT INTO captures (site, kind, url, final_url, status, fetched_at)"
            " VALUES (?, 'article', ?, ?, 200, '2026-11-25T09:00:00+00:00')",
            [article.site, article.url, article.url],
        )
        row = [article.canonical_url, article.url, n, article.site, article.title,
               article.teaser, article.text, json.dumps(article.tags), "0.9",
               hash_before_extras(article), article.extras.get("story_id"),
               article.extras.get("event_id")]  # fmt: skip
        for table, first in (("articles", "first_seen_at"), ("article_versions", "version")):
            db.execute(
                f"INSERT INTO {table} (canonical_url, url, capture_id, site, title, teaser, text,"
                f" tags, extractor_version, content_hash, story_id, event_id, {first},"
                " extracted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*row, 1 if table == "article_versions" else "2026-11-25T09:00:00+00:00",
                 "2026-11-25T09:00:05+00:00"],
            )  # fmt: skip
    db.conn.commit()
    db.close()

    with Archive.open(path, clock=Clock()) as archive:
        for article in (both, story_only, neither):
            stored = archive.articles.get(article.canonical_url)
            assert stored is not None and stored["extras"] == article.extras
            (version,) = archive.history.versions(article.canonical_url)
            assert version.article.extras == article.extras
            # Extracted the same again after the upgrade: nothing changed, no new version.
            saved = archive.save_article(
                replace(article, extractor_version="2"), capture_id=stored["capture_id"]
            )
            assert saved == "unchanged"
        assert {hit.url for hit in archive.search("Bürgermeister")} == {
            both.canonical_url, story_only.canonical_url, neither.canonical_url
        }  # fmt: skip
        # The search index still follows changes.
        changed = replace(neither, text="Die Stadtwerke erhöhen die Preise für Fernwärme.")
        assert archive.save_article(changed, capture_id=3) == "changed"
        assert [hit.url for hit in archive.search("Fernwärme")] == [neither.canonical_url]
        assert archive.session.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with raw(path) as conn:
        for table in ("articles", "article_versions"):
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert "extras" in columns and not {"story_id", "event_id"} & columns
        # Run again, the migration changes nothing.
        before = conn.execute("SELECT id, extras FROM articles ORDER BY id").fetchall()
        from newsbot.archive.migrations import article_extras

        article_extras(Database(conn))
        assert conn.execute("SELECT id, extras FROM articles ORDER BY id").fetchall() == before
