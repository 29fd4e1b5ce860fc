"""The link graph as library callers see it: synthetic archives built through the public API."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot.archive import Archive
from newsbot.archive import graph as graph_module
from newsbot.archive.graph import Backlink, ClusterMember, Edge, RelatedLink
from newsbot.items import Article, Capture, Link, LinkKind

EN = "https://www.euronews.com/2026/03/02"
DE = "https://de.euronews.com/2026/03/02"
FR = "https://fr.euronews.com/2026/03/02"


def save(
    archive: Archive,
    url: str,
    title: str,
    language: str = "en",
    links: list[Link] | None = None,
    *,
    page_url: str | None = None,
    run_id: int | None = None,
) -> None:
    """Archive one article at canonical ``url`` with ``links``, as a crawl would."""
    fetched = page_url or url
    capture = Capture(
        url=fetched,
        final_url=fetched,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=f"<html><title>{title}</title></html>".encode(),
        fetched_at="2026-03-02T10:00:00+00:00",
        site="euronews",
        kind="article",
    )
    article = Article(
        url=fetched,
        canonical_url=url,
        title=title,
        text=f"{title}. Text.",
        language=language,
        site="euronews",
        links=links or [],
        extractor_version="test",
    )
    archive.save_capture(capture, run_id=run_id, article=article)


def link(kind: LinkKind, url: str, position: int, anchor: str = "", label: str = "") -> Link:
    return Link(kind=kind, url=url, anchor_text=anchor, label=label, position=position)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "graph.db") as db:
        yield db


# -- related and backlinks ------------------------------------------------------------------


@pytest.fixture
def news(archive: Archive) -> Archive:
    """A: related B (archived) and X (not), inline-related C, inline D, translation A-de.
    E: related D. F-de: translation to D (not a backlink). D links to itself."""
    save(
        archive,
        f"{EN}/a",
        "Night trains return",
        links=[
            # Stored inline-related first: the view still lists related first.
            link("inline-related", f"{EN}/c", 1, "Read also: sleeper cars", "Related"),
            link("related", f"{EN}/b", 1, "Rail strike", "Read more"),
            link("related", f"{EN}/x", 2, "Ferries cut routes", "Read more"),
            link("inline", f"{EN}/d", 1, "the new timetable"),
            link("translation", f"{DE}/a", 1, label="de"),
        ],
    )
    save(archive, f"{EN}/b", "Rail workers strike for a second day")
    save(archive, f"{EN}/c", "Inside the new sleeper cars")
    save(archive, f"{EN}/d", "The timetable", links=[link("related", f"{EN}/d", 1, "itself")])
    save(archive, f"{EN}/e", "Timetable reactions", links=[link("related", f"{EN}/d", 1, "TT")])
    save(
        archive,
        f"{DE}/f",
        "Fahrplan",
        "de",
        links=[link("translation", f"{EN}/d", 1, label="en")],
    )
    return archive


def test_related_lists_related_then_inline_related_with_archived_titles(news: Archive) -> None:
    view = news.graph.related_of(f"{EN}/a")
    assert view is not None
    assert (view.url, view.title, view.language, view.archived) == (
        f"{EN}/a",
        "Night trains return",
        "en",
        True,
    )
    assert view.related == (
        RelatedLink(
            "related", f"{EN}/b", "Rail workers strike for a second day", "Rail strike",
            "Read more", 1, True, "en",
        ),
        RelatedLink(
            "related", f"{EN}/x", "Ferries cut routes", "Ferries cut routes",
            "Read more", 2, False, None,
        ),
        RelatedLink(
            "inline-related", f"{EN}/c", "Inside the new sleeper cars",
            "Read also: sleeper cars", "Related", 1, True, "en",
        ),
    )  # fmt: skip


def test_backlinks_are_archived_sources_of_every_kind_but_translation(news: Archive) -> None:
    assert news.graph.backlinks(f"{EN}/d") == [
        Backlink(f"{EN}/a", "Night trains return", "en", "inline", "the new timetable", "", 1),
        Backlink(f"{EN}/e", "Timetable reactions", "en", "related", "TT", "", 1),
    ]
    view = news.graph.related_of(f"{EN}/d")
    assert view is not None
    assert view.related == ()  # its only related link points at itself
    assert [b.source_url for b in view.backlinks] == [f"{EN}/a", f"{EN}/e"]


def test_a_link_target_that_is_not_archived_has_a_view_with_its_backlinks(news: Archive) -> None:
    view = news.graph.related_of(f"{EN}/x")
    assert view is not None
    assert (view.url, view.title, view.archived, view.related) == (f"{EN}/x", None, False, ())
    assert [(b.source_url, b.kind, b.anchor_text) for b in view.backlinks] == [
        (f"{EN}/a", "related", "Ferries cut routes")
    ]


def test_unknown_url_has_no_view(news: Archive) -> None:
    assert news.graph.related_of(f"{EN}/nowhere") is None
    assert news.graph.backlinks(f"{EN}/nowhere") == []
    assert news.graph.resolve_url("not a url") is None


def test_pasted_urls_are_canonicalised_like_the_crawler_does(news: Archive) -> None:
    pasted = "http://www.euronews.com/2026/03/02/a?utm_source=x&xtor=RSS-8#comments"
    assert news.graph.resolve_url(pasted) == f"{EN}/a"
    view = news.graph.related_of(pasted)
    assert view is not None and view.title == "Night trains return"
    assert news.graph.resolve_url(f"{EN}/x?utm_medium=mail") == f"{EN}/x"  # a link target only


def test_page_url_of_an_article_finds_its_canonical_url(archive: Archive) -> None:
    save(archive, f"{EN}/canonical", "Moved", page_url=f"{EN}/old-slug")
    assert archive.graph.resolve_url(f"{EN}/old-slug") == f"{EN}/canonical"


def test_mirror_urls_use_the_profile_of_the_site_crawled_into_the_archive(
    tmp_path: Path,
) -> None:
    # The generic profile (for a host no profile owns) keeps `xtor`; euronews drops it.
    mirror = "http://127.0.0.1:8000/en/2026/03/02/a"
    with Archive.open(tmp_path / "plain.db") as db:
        save(db, mirror, "Mirrored")
        assert db.graph.resolve_url(mirror + "?utm_source=x#top") == mirror
        assert db.graph.resolve_url(mirror + "?xtor=RSS-8") is None
    with Archive.open(tmp_path / "crawled.db") as db:
        run = db.crawl_runs.start(spider="euronews", site="euronews", settings={})
        save(db, mirror, "Mirrored", run_id=run)
        assert db.graph.resolve_url(mirror + "?xtor=RSS-8") == mirror


# -- translation clusters -------------------------------------------------------------------


def members(archive: Archive, url: str) -> set[str]:
    return {m.url for m in archive.graph.translation_cluster(url)}


def test_cluster_is_symmetric(archive: Archive) -> None:
    save(archive, f"{EN}/s", "Story", "en", [link("translation", f"{DE}/s", 1, label="de")])
    save(archive, f"{DE}/s", "Geschichte", "de")  # lists nobody
    assert members(archive, f"{DE}/s") == members(archive, f"{EN}/s") == {f"{EN}/s", f"{DE}/s"}


def test_cluster_is_transitive_even_through_a_page_listing_nobody(archive: Archive) -> None:
    save(archive, f"{EN}/t", "Story", "en", [link("translation", f"{DE}/t", 1, label="de")])
    save(archive, f"{DE}/t", "Geschichte", "de", [link("translation", f"{FR}/t", 1, label="fr")])
    save(archive, f"{FR}/t", "Histoire", "fr")
    everyone = {f"{EN}/t", f"{DE}/t", f"{FR}/t"}
    for url in everyone:
        assert members(archive, url) == everyone, url


def test_cluster_lists_language_url_and_title_sorted_by_language(archive: Archive) -> None:
    save(
        archive,
        f"{FR}/u",
        "Histoire",
        "fr",
        [
            link("translation", f"{EN}/u", 1, label="en"),
            link("translation", f"{DE}/u", 2, "", "de"),
        ],
    )
    save(archive, f"{EN}/u", "Story", "en")  # a page listing fewer alternates than others
    # de is not archived: its language comes from the hreflang value that named it.
    assert archive.graph.translation_cluster(f"{EN}/u?utm_source=x#top") == [
        ClusterMember(f"{DE}/u", "de", None),
        ClusterMember(f"{EN}/u", "en", "Story"),
        ClusterMember(f"{FR}/u", "fr", "Histoire"),
    ]


def test_two_stories_stay_two_clusters(archive: Archive) -> None:
    save(archive, f"{EN}/v", "One", "en", [link("translation", f"{DE}/v", 1, label="de")])
    save(archive, f"{DE}/v", "Eins", "de", [link("translation", f"{EN}/v", 1, label="en")])
    save(archive, f"{EN}/w", "Two", "en", [link("translation", f"{FR}/w", 1, label="fr")])
    # A related link between the stories does not join their clusters.
    save(archive, f"{FR}/w", "Deux", "fr", [link("related", f"{DE}/v", 1, "Eins")])
    assert members(archive, f"{EN}/v") == {f"{EN}/v", f"{DE}/v"}
    assert members(archive, f"{FR}/w") == {f"{EN}/w", f"{FR}/w"}


def test_self_link_is_ignored_and_a_story_alone_is_a_cluster_of_one(archive: Archive) -> None:
    save(archive, f"{EN}/solo", "Alone", "en", [link("translation", f"{EN}/solo", 1, label="en")])
    assert archive.graph.translation_cluster(f"{EN}/solo") == [
        ClusterMember(f"{EN}/solo", "en", "Alone")
    ]
    assert archive.graph.translation_cluster(f"{EN}/unknown") == []


def test_cluster_of_hundreds_of_versions_is_complete(archive: Archive) -> None:
    # A chain longer than one IN (…) list: every level and chunk is followed.
    chain = [f"{EN}/chain-{i}" for i in range(1200)]
    save(
        archive,
        chain[0],
        "Hub",
        "en",
        [link("translation", url, i, label="en") for i, url in enumerate(chain[1:], 1)],
    )
    save(archive, f"{DE}/chain", "Ende", "de", [link("translation", chain[-1], 1, label="en")])
    assert members(archive, f"{DE}/chain") == {*chain, f"{DE}/chain"}


# -- export ---------------------------------------------------------------------------------


def test_edges_cover_every_kind_with_languages_and_archived_flag(news: Archive) -> None:
    edges = list(news.graph.iter_edges())
    assert {e.kind for e in edges} == {"related", "inline-related", "inline", "translation"}
    by_target = {(e.source, e.target, e.kind): e for e in edges}
    assert len(by_target) == len(edges) == 8
    assert by_target[(f"{EN}/a", f"{EN}/b", "related")] == Edge(
        f"{EN}/a", f"{EN}/b", "related", "Rail strike", "Read more", 1, "en", "en", True
    )
    assert by_target[(f"{EN}/a", f"{EN}/x", "related")].target_archived is False
    assert by_target[(f"{EN}/a", f"{EN}/x", "related")].target_language is None
    # An unarchived translation target's language is the hreflang value that named it.
    assert by_target[(f"{EN}/a", f"{DE}/a", "translation")] == Edge(
        f"{EN}/a", f"{DE}/a", "translation", "", "de", 1, "en", "de", False
    )
    assert by_target[(f"{DE}/f", f"{EN}/d", "translation")].source_language == "de"
    assert by_target[(f"{EN}/d", f"{EN}/d", "related")].target_archived is True  # kept as stored


def test_edges_filtered_by_kind(news: Archive) -> None:
    assert [e.target for e in news.graph.iter_edges(["inline-related"])] == [f"{EN}/c"]
    kinds = {e.kind for e in news.graph.iter_edges(["translation", "inline"])}
    assert kinds == {"translation", "inline"}
    assert len(list(news.graph.iter_edges(["translation", "inline"]))) == 3
    with pytest.raises(ValueError, match="unknown link kind 'see-also'"):
        list(news.graph.iter_edges(["see-also"]))


def test_edges_are_streamed_in_batches(news: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_module, "EDGE_BATCH", 3)
    statements: list[str] = []
    news.session.conn.set_trace_callback(statements.append)
    edges = news.graph.iter_edges()
    assert inspect.isgenerator(edges)
    assert statements == []  # nothing read before the first edge is asked for
    first = next(edges)
    assert len(statements) == 1 and "LIMIT 3" in statements[0]
    rest = list(edges)
    news.session.conn.set_trace_callback(None)
    # 8 edges in batches of 3: the short third batch ends the stream.
    assert len(statements) == 3
    assert [first, *rest] == list(news.graph.iter_edges())
    assert len({(e.source, e.target, e.kind) for e in [first, *rest]}) == 8
