"""The full-text index, brought up to date in batches: nothing saved stays unsearchable."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_archive import make_article, make_capture

from newsbot.archive import Archive
from newsbot.archive.index import IndexBatch
from newsbot.archive.migrations import MIGRATION_SET

URL = "https://de.euronews.com/2026/11/24/wahl-{}"


def save(archive: Archive, n: int, *, text: str = "Die Wahl in München") -> None:
    url = URL.format(n)
    article = make_article(url, title=f"Wahl {n}", text=f"{text}, Bericht {n}.", links=[])
    archive.save_capture(make_capture(url, article.text.encode()), run_id=None, article=article)


def found(path: Path, query: str) -> set[str]:
    """What a reader (another connection, read-only) finds."""
    with Archive.open(path, readonly=True) as reader:
        return {hit.url for hit in reader.search(query, limit=1000)}


def test_a_batch_policy_counts_articles_and_waits_no_longer_than_its_delay() -> None:
    now = [100.0]
    batch = IndexBatch(size=3, delay=2.0, clock=lambda: now[0])
    assert not batch.due()
    batch.note()
    batch.note()
    assert not batch.due()
    batch.note()
    assert batch.due()
    batch.done()
    assert not batch.due()
    batch.note()
    now[0] += 1.9
    assert not batch.due()
    now[0] += 0.1
    assert batch.due()


def test_readers_find_every_article_once_the_batch_is_full_or_the_writer_closes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.db"
    writer = Archive.open(path)
    for n in range(IndexBatch.size):
        save(writer, n)
    assert len(found(path, "München")) == IndexBatch.size  # a full batch is indexed at once
    save(writer, 1000)
    writer.close()
    assert len(found(path, "München")) == IndexBatch.size + 1
    assert found(path, "1000") == {URL.format(1000)}


def test_the_writer_itself_always_finds_what_it_just_saved(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        save(archive, 1)
        assert [hit.url for hit in archive.search("München")] == [URL.format(1)]


def test_a_writer_killed_before_indexing_leaves_nothing_unsearchable(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_search_index import save
        from newsbot.archive import Archive
        archive = Archive.open({str(path)!r})
        for n in range(3):
            save(archive, n)
        os._exit(9)  # no close: as if killed
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    Archive.open(path).close()  # the next writer, a crawl say, opens the archive
    assert found(path, "München") == {URL.format(n) for n in range(3)}


@pytest.mark.parametrize("indexed_first", [True, False], ids=["indexed", "still-pending"])
def test_a_changed_article_is_found_by_its_new_text_only(
    tmp_path: Path, indexed_first: bool
) -> None:
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    save(archive, 1, text="Die Wahl in München")
    if indexed_first:
        archive.close()
        archive = Archive.open(path)
    save(archive, 1, text="Die Abstimmung in Augsburg")
    archive.close()
    assert found(path, "München") == set()
    assert found(path, "Augsburg") == {URL.format(1)}
    assert found(path, "Bericht") == {URL.format(1)}  # once, not twice


@pytest.mark.parametrize("indexed_first", [True, False], ids=["indexed", "still-pending"])
def test_an_article_deleted_by_hand_leaves_the_index(tmp_path: Path, indexed_first: bool) -> None:
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    save(archive, 1)
    save(archive, 2, text="Die Abstimmung in München")
    if indexed_first:
        archive.close()
        archive = Archive.open(path)
    archive.session.conn.execute("DELETE FROM links")
    archive.session.conn.execute("DELETE FROM article_versions")
    archive.session.conn.execute("DELETE FROM articles WHERE canonical_url = ?", (URL.format(1),))
    archive.close()
    assert found(path, "München") == {URL.format(2)}
    assert found(path, "1") == set()


def test_an_archive_from_before_batches_keeps_its_index_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        save(archive, 0)
    # Back to the schema of migration 0003, the index kept by a trigger per row, and an
    # article saved by the newsbot of that time.
    db = sqlite3.connect(path, isolation_level=None)
    for trigger in ("articles_ai", "articles_au", "articles_ad"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE articles_fts_pending")
    db.execute(
        "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN INSERT INTO articles_fts"
        " (rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
    )
    db.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = ? AND name LIKE '0004%'",
        (MIGRATION_SET,),
    )
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)") if row[1] != "id"]
    copied = ", ".join(
        {"canonical_url": "?", "text": "'Die Wahl in Augsburg.'"}.get(c, c) for c in columns
    )
    db.execute(
        f"INSERT INTO articles ({', '.join(columns)}) SELECT {copied} FROM articles",
        (URL.format(100),),
    )
    db.close()
    with Archive.open(path) as archive:
        save(archive, 1)
    assert found(path, "München") == {URL.format(0), URL.format(1)}
    assert found(path, "Augsburg") == {URL.format(100)}
