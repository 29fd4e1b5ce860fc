"""The link graph of one real crawl of the demo site, against the site's own truth.

Every link the demo site's truth lists is archived with its kind, target, order, anchor text and
label, and nothing else; translation clusters and backlinks follow from those links.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from newsbot.archive import Archive
from newsbot.demo.labels import labels
from newsbot.normalize import normalize_space
from sitegen import DemoArticle, DemoServer, DemoSite


@pytest.fixture(scope="module")
def archive(crawled: Path) -> Any:
    with Archive.open(crawled, readonly=True) as db:
        yield db


def is_article_path(site: DemoSite, href: str) -> bool:
    try:
        site.article(href)
    except KeyError:
        return False
    return True


def title(site: DemoSite, path: str) -> str:
    """The title of the article at ``path`` (of a video page: its story's article) as archived:
    whitespace normalised (no NBSP)."""
    if "/video/" in path:
        slug = path.rsplit("/", 1)[1]
        path = next(t.path for t in site.articles if t.video and t.path.endswith(f"/{slug}"))
    return normalize_space(site.article(path).title)


def links_of(archive: Archive, url: str, kind: str) -> list[dict[str, Any]]:
    found = [link for link in archive.graph.links_from(url) if link["kind"] == kind]
    return sorted(found, key=lambda link: link["position"])


def test_related_links_are_the_truth_in_order_with_block_label_and_titles(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    for truth in demo_site.articles:
        lab = labels(truth.language)
        heading = lab.related_2024 if truth.template == 2024 else lab.related_2026
        got = [
            (link["target_url"], link["anchor_text"], link["label"], link["position"])
            for link in links_of(archive, base + truth.path, "related")
        ]
        want = [
            (base + path, title(demo_site, path), heading, i)
            for i, path in enumerate(truth.related, 1)
        ]
        assert got == want, truth.path


def test_inline_related_links_are_the_truth_with_the_box_label(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    for truth in demo_site.articles:
        got = [
            (link["target_url"], link["label"], link["position"])
            for link in links_of(archive, base + truth.path, "inline-related")
        ]
        box = labels(truth.language).inline_related
        want = [(base + path, box, i) for i, path in enumerate(truth.inline_related, 1)]
        assert got == want, truth.path


def test_translation_links_are_the_hreflang_alternates_labelled_by_language(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    for truth in demo_site.articles:
        got = sorted(
            (link["label"], link["target_url"])
            for link in links_of(archive, base + truth.path, "translation")
        )
        want = sorted((lang, base + path) for lang, path in truth.hreflang if path != truth.path)
        assert got == want, truth.path


def test_inline_links_are_the_body_links_to_site_articles_in_order(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    for truth in demo_site.articles:
        got = [
            (link["target_url"], link["anchor_text"], link["position"])
            for link in links_of(archive, base + truth.path, "inline")
        ]
        site_links = [(h, t) for h, t in truth.inline_links if is_article_path(demo_site, h)]
        want = [(base + href, text, i) for i, (href, text) in enumerate(site_links, 1)]
        assert got == want, truth.path


def test_no_link_of_any_other_kind_or_source(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    sources = {base + truth.path for truth in demo_site.articles}
    edges = list(archive.graph.iter_edges())
    assert edges
    assert {edge.kind for edge in edges} == {"related", "inline-related", "translation", "inline"}
    assert {edge.source for edge in edges} <= sources
    expected = sum(
        len(t.related)
        + len(t.inline_related)
        + len([p for _, p in t.hreflang if p != t.path])
        + len([h for h, _ in t.inline_links if is_article_path(demo_site, h)])
        for t in demo_site.articles
    )
    assert len(edges) == expected


def story_versions(site: DemoSite) -> dict[str, set[str]]:
    by_story: dict[str, set[str]] = defaultdict(set)
    for truth in site.articles:
        by_story[truth.story].add(truth.path)
    return by_story


def test_every_story_is_one_translation_cluster_of_its_language_versions(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    versions = story_versions(demo_site)
    assert any(len(paths) == 1 for paths in versions.values())  # a story in one edition only
    for truth in demo_site.articles:
        cluster = archive.graph.translation_cluster(base + truth.path)
        assert {m.url for m in cluster} == {base + p for p in versions[truth.story]}, truth.path
        languages = {demo_site.article(p).language for p in versions[truth.story]}
        assert {m.language for m in cluster} == languages, truth.path
        assert all(m.title == title(demo_site, m.url[len(base) :]) for m in cluster)


def test_a_page_listing_only_itself_is_still_in_its_story_cluster(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    lonely = [t for t in demo_site.articles if t.story == "s13" and t.language == "fr"]
    assert lonely and lonely[0].hreflang == (("fr", lonely[0].path),)  # lists only itself
    others = {base + t.path for t in demo_site.articles if t.story == "s13"}
    assert len(others) == 2
    cluster = archive.graph.translation_cluster(base + lonely[0].path)
    assert [m.language for m in cluster] == ["en", "fr"]
    assert {m.url for m in cluster} == others


def linked_from(truth: DemoArticle, site: DemoSite) -> set[tuple[str, str]]:
    """(target path, kind) of every related, inline-related and inline link of ``truth`` to
    another site article."""
    inline = [h for h, _ in truth.inline_links if is_article_path(site, h)]
    pairs = {
        *((p, "related") for p in truth.related),
        *((p, "inline-related") for p in truth.inline_related),
        *((p, "inline") for p in inline),
    }
    return {(path, kind) for path, kind in pairs if path != truth.path}


def test_backlinks_are_the_demo_articles_linking_to_each_article(
    archive: Archive, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    pointing: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for source in demo_site.articles:
        for target, kind in linked_from(source, demo_site):
            pointing[target].add((base + source.path, kind))
    assert sum(len(v) for v in pointing.values()) > 40
    for truth in demo_site.articles:
        backlinks = archive.graph.backlinks(base + truth.path)
        assert {(b.source_url, b.kind) for b in backlinks} == pointing[truth.path], truth.path
        for b in backlinks:
            assert b.title == title(demo_site, b.source_url[len(base) :])
