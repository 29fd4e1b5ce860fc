"""The archive's parts share one connection and one transaction: writes of several parts in one
``archive.batch`` are committed together or not at all, as another process sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_archive import make_article, make_capture

from newsbot.archive import Archive, ArchiveError, FrontierEntry

SITE = "euronews"
LISTED = [
    FrontierEntry(
        url=f"https://www.euronews.com/{n}", site=SITE, kind="article", found_in="sitemap"
    )
    for n in range(3)
]


def seen_by_reader(path: Path) -> tuple[int, int, int, int]:
    """Runs, frontier URLs, captures and articles another connection sees."""
    with Archive.open(path, readonly=True) as reader:
        stats = reader.stats()
        return stats.runs, stats.frontier.urls, stats.captures, stats.articles


def write_through_every_part(archive: Archive) -> None:
    run_id = archive.crawl_runs.start(spider=SITE, site=SITE, settings={})
    archive.frontier.record_listed(LISTED)
    url = LISTED[0].url
    archive.save_capture(make_capture(url, b"<p>one</p>"), run_id=run_id, article=make_article(url))
    archive.record_error(run_id=run_id, url=LISTED[1].url, stage="fetch", kind="dns", message="x")


def test_writes_of_several_parts_in_one_batch_are_seen_together(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        with archive.batch("save a listing and its first page"):
            write_through_every_part(archive)
            assert seen_by_reader(path) == (0, 0, 0, 0)  # nothing committed yet
        assert seen_by_reader(path) == (1, 3, 1, 1)
        assert [hit.url for hit in archive.search("München")] == [LISTED[0].url]
        assert [due.url for due in archive.frontier.due(SITE)] == [e.url for e in LISTED[1:]]


def test_a_failed_write_in_a_batch_leaves_none_of_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        failed = pytest.raises(
            ArchiveError, match=r"save a listing and its pages .*: a write failed"
        )
        with failed, archive.batch("save a listing and its pages"):
            write_through_every_part(archive)
            url = LISTED[2].url
            refused = make_article(url, canonical_url=" ")
            with pytest.raises(ArchiveError, match="no canonical URL"):
                archive.save_capture(make_capture(url, b"<p>2</p>"), run_id=1, article=refused)
        assert seen_by_reader(path) == (0, 0, 0, 0)
        assert list(archive.frontier.due(SITE)) == []
        # The archive is still usable afterwards, each write in its own transaction.
        write_through_every_part(archive)
    assert seen_by_reader(path) == (1, 3, 1, 1)


def test_a_part_of_a_read_only_archive_refuses_to_write_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        write_through_every_part(archive)
    with Archive.open(path, readonly=True) as reader:
        with pytest.raises(ArchiveError) as refused:
            reader.frontier.record_listed(LISTED)
        assert str(refused.value) == f"cannot record 3 discovered URLs: {path} is open read-only"
        with pytest.raises(ArchiveError, match="read-only"):
            reader.crawl_runs.start(spider=SITE, site=SITE, settings={})
        # Its reading parts answer from the same file.
        assert reader.articles.get(LISTED[0].url) is not None
        assert reader.history.versions(LISTED[0].url)[0].version == 1
        assert [row["kind"] for row in reader.graph.links_from(LISTED[0].url)] == ["related"] * 2
        assert reader.crawl_runs.all()[0]["error_count"] == 1
