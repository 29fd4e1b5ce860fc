"""Article history: earlier extractions stay queryable, `newsbot history` shows what changed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_newsbot
from sqlite_utils import Database

from newsbot.archive import ARCHIVE_MIGRATIONS, Archive, version_changes
from newsbot.items import Article, Capture, Link

URL = "https://www.euronews.com/2026/11/24/wahl-in-muenchen"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> str:
        self.now += dt.timedelta(seconds=1)
        return self.now.isoformat()


def capture(body: bytes, fetched_at: str, url: str = URL) -> Capture:
    return Capture(
        url=url,
        final_url=url,
        status=200,
        headers=[("Content-Type", "text/html")],
        body=body,
        fetched_at=fetched_at,
        site="euronews",
        kind="article",
    )


V1 = Article(
    url=URL,
    canonical_url=URL,
    title="Die Bürgermeisterwahl in München",
    text="Der Bürgermeister von München hat am Sonntag die Wahl gewonnen.",
    authors=["Anna Schmidt"],
    published_at="2026-11-24T08:00:00+01:00",
    language="de",
    tags=["Wahl", "München"],
    site="euronews",
    links=[Link(kind="related", url="https://www.euronews.com/a", anchor_text="A")],
    extractor_version="1",
)
V2 = replace(
    V1,
    title="Der Bürgermeister von München tritt zurück",
    text=V1.text + " Am Dienstag trat er überraschend zurück.",
    modified_at="2026-11-25T08:00:00+01:00",
    tags=["Wahl", "Rücktritt"],
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """An archive where the article was fetched three times: new, changed, unchanged."""
    path = tmp_path / "newsbot.db"
    with Archive.open(path, clock=Clock()) as archive:
        outcomes = [
            archive.save_capture(capture(body, at), run_id=None, article=article).article
            for body, at, article in (
                (b"<p>1</p>", "2026-11-24T09:00:00+00:00", V1),
                (b"<p>2</p>", "2026-11-25T09:00:00+00:00", V2),
                (b"<p>3</p>", "2026-11-25T09:30:00+00:00", V2),
            )
        ]
    assert outcomes == ["new", "changed", "unchanged"]
    return path


def test_new_then_changed_then_unchanged_keeps_two_versions_oldest_first(path: Path) -> None:
    with Archive.open(path, readonly=True) as archive:
        versions = archive.history.versions(URL)

    assert [v.version for v in versions] == [1, 2]
    assert [v.fetched_at for v in versions] == [
        "2026-11-24T09:00:00+00:00",
        "2026-11-25T09:00:00+00:00",
    ]
    assert [v.capture_id for v in versions] == [1, 2]
    assert versions[0].extracted_at < versions[1].extracted_at
    assert versions[0].article == V1  # the earlier extraction, whole, links included
    assert versions[1].article == V2


def test_history_is_found_by_the_page_url_too(tmp_path: Path) -> None:
    page = URL + "?ref=rss"
    with Archive.open(tmp_path / "a.db") as archive:
        article = replace(V1, url=page)
        archive.save_capture(
            capture(b"<p>1</p>", "2026-11-24T09:00:00+00:00", page), run_id=None, article=article
        )

        assert [v.canonical_url for v in archive.history.versions(page)] == [URL]
        assert archive.history.versions("https://www.euronews.com/nothing") == []


def test_reextraction_that_changes_the_article_adds_a_version(path: Path) -> None:
    with Archive.open(path, clock=Clock()) as archive:
        assert archive.save_article(replace(V2, extractor_version="2"), capture_id=3) == "unchanged"
        better = replace(V2, teaser="Ein Rücktritt.", extractor_version="2")
        assert archive.save_article(better, capture_id=3) == "changed"

        versions = archive.history.versions(URL)

    assert [(v.version, v.capture_id) for v in versions] == [(1, 1), (2, 2), (3, 3)]
    assert version_changes(versions[1].article, versions[2].article) == [
        "teaser changed",
        "extractor_version 1 → 2",
    ]


def test_version_changes_names_what_changed_in_words() -> None:
    assert version_changes(V1, V2) == [
        "title changed",
        "text 63 → 104 characters",
        "modified_at none → 2026-11-25T08:00",
        "tags changed (+Rücktritt, −München)",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"text": "x" * 3120}, "text 63 → 3,120 characters"),
        ({"text": V1.text.upper()}, "text changed (63 characters)"),
        (
            {"published_at": "2026-11-24T08:00:30+01:00"},
            "published_at 2026-11-24T08:00:00+01:00 → 2026-11-24T08:00:30+01:00",
        ),
        ({"published_at": None}, "published_at 2026-11-24T08:00 → none"),
        ({"authors": ["Anna Schmidt", "Jan Novak"]}, "authors changed (+Jan Novak)"),
        ({"tags": ["München", "Wahl"]}, "tags reordered"),
        ({"links": []}, "links 1 → 0"),
        ({"captions": ["Ein Foto"]}, "captions 0 → 1"),
        ({"section": "europe"}, "section none → europe"),
        ({"extras": {"story_id": "9701001"}}, "extras changed (story_id none → 9701001)"),
        ({"url": URL + "?ref=rss"}, None),  # the page it was read from is not the article
    ],
)
def test_version_changes_wording(change: dict[str, object], expected: str | None) -> None:
    changes = version_changes(V1, replace(V1, **change))  # type: ignore[arg-type]

    assert changes == ([expected] if expected else [])


# -- the command ------------------------------------------------------------------------------


def test_history_command_prints_versions_and_changes(path: Path) -> None:
    # As a user would paste it: tracking parameters, plain http.
    typed = URL.replace("https://", "http://") + "?utm_source=newsletter"

    result = run_newsbot("history", typed, "--archive", str(path))

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == f"{URL}: 2 versions"
    assert "version 1  fetched 2026-11-24T09:00:00+00:00 (capture 1)" in out
    assert "version 2  fetched 2026-11-25T09:00:00+00:00 (capture 2)" in out
    assert "Die Bürgermeisterwahl in München" in out
    assert "Der Bürgermeister von München tritt zurück" in out
    assert "text 63 characters · published 2026-11-24T08:00 · modified none" in out
    assert (
        "changed: title changed; text 63 → 104 characters; "
        "modified_at none → 2026-11-25T08:00; tags changed (+Rücktritt, −München)"
    ) in out
    assert result.stderr == ""


def test_history_of_an_unknown_url_is_one_line_and_exit_2(path: Path) -> None:
    result = run_newsbot("history", "https://www.euronews.com/nothing", "--archive", str(path))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"newsbot: error: no article at https://www.euronews.com/nothing in {path}\n"
    )


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b""])
def test_history_of_a_broken_archive_is_one_line_and_exit_2(
    tmp_path: Path, path: Path, content: bytes
) -> None:
    broken = tmp_path / "broken.db"
    # A damaged copy: garbage, or a real archive cut short.
    broken.write_bytes(content or path.read_bytes()[: 4096 * 3])

    result = run_newsbot("history", URL, "--archive", str(broken))

    assert result.returncode == 2
    assert result.stderr.startswith("newsbot: error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_history_of_something_that_is_not_a_url(path: Path) -> None:
    result = run_newsbot("history", "mailto:someone@example.com", "--archive", str(path))

    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "not a web URL" in result.stderr


# -- upgrading ----------------------------------------------------------------------------------


def test_upgrade_makes_existing_articles_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    ARCHIVE_MIGRATIONS.apply(db, stop_before="0003_frontier_revisits_history")
    db.conn.execute(
        "INSERT INTO captures (site, kind, url, final_url, status, fetched_at)"
        " VALUES ('euronews', 'article', ?, ?, 200, '2026-11-20T09:00:00+00:00')",
        (URL, URL),
    )
    db.conn.execute(
        "INSERT INTO articles (canonical_url, url, capture_id, site, language, title, teaser,"
        " text, authors, tags, extractor_version, content_hash, first_seen_at, extracted_at,"
        " published_at, sources)"
        " VALUES (?, ?, 1, 'euronews', 'de', 'Alt', '', 'Alter Text', '[\"Anna\"]', '[\"Wahl\"]',"
        " '0.9', 'h1', '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:05+00:00',"
        " '2026-11-20T08:00:00+01:00', '[\"dpa\"]')",
        (URL, URL),
    )
    db.conn.execute(
        "INSERT INTO links (source_url, target_url, kind, anchor_text, label, position)"
        " VALUES (?, 'https://www.euronews.com/b', 'related', 'B', '', 0)",
        (URL,),
    )
    db.conn.commit()
    db.close()

    with Archive.open(path, clock=Clock()) as archive:
        (old,) = archive.history.versions(URL)
        assert (old.version, old.fetched_at, old.extracted_at, old.content_hash) == (
            1,
            "2026-11-20T09:00:00+00:00",
            "2026-11-20T09:00:05+00:00",
            "h1",
        )
        assert (old.article.title, old.article.authors, old.article.sources) == (
            "Alt",
            ["Anna"],
            ["dpa"],
        )
        assert old.article.links == [
            Link(kind="related", url="https://www.euronews.com/b", anchor_text="B")
        ]
        # The next change is version 2.
        archive.save_capture(
            capture(b"<p>new</p>", "2026-11-25T09:00:00+00:00"), run_id=None, article=V1
        )
        assert [v.version for v in archive.history.versions(URL)] == [1, 2]
        assert archive.session.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_change_of_extras_names_the_extras_that_changed(tmp_path: Path) -> None:
    older = replace(V1, extras={"story_id": "9701001", "event_id": "2890001"})
    newer = replace(V1, extras={"story_id": "9701001", "event_id": "2890002", "page": "3"})
    assert version_changes(older, newer) == [
        "extras changed (event_id 2890001 → 2890002, page none → 3)"
    ]
    with Archive.open(tmp_path / "a.db", clock=Clock()) as archive:
        for when, article in (
            ("2026-11-24T09:00:00+00:00", older),
            ("2026-11-25T09:00:00+00:00", newer),
        ):
            archive.save_capture(capture(when.encode(), when), run_id=None, article=article)
        assert [v.article.extras for v in archive.history.versions(URL)] == [
            older.extras,
            newer.extras,
        ]
