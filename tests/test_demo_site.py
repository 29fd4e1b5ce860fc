"""The bundled demo site, served for real on 127.0.0.1 and read with plain urllib and lxml."""

from __future__ import annotations

import gzip
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from newsbot.demo.stories import STORIES_DIR, StoryError
from sitegen import DemoServer, DemoSite

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_PLAIN = urllib.request.build_opener(_NoRedirect)


class Fetched:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def tree(self) -> html.HtmlElement:
        return html.fromstring(self.body)

    def xml(self) -> etree._Element:
        return etree.fromstring(self.body)


def fetch(demo_server: DemoServer, target: str, follow: bool = False, **headers: str) -> Fetched:
    url = target if target.startswith("http") else demo_server.base_url + target
    req = urllib.request.Request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})
    opener = urllib.request.build_opener() if follow else _PLAIN
    try:
        with opener.open(req, timeout=10) as resp:
            return Fetched(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, dict(err.headers.items()), err.read())


def path_of(url: str) -> str:
    return urlsplit(url).path


def sitemap_locs(demo_server: DemoServer, edition: str) -> set[str]:
    index = fetch(demo_server, f"/{edition}/sitemaps/{edition}/articles.xml").xml()
    assert index.tag == f"{SITEMAP}sitemapindex"
    locs: set[str] = set()
    for child in index.iter(f"{SITEMAP}loc"):
        urlset = fetch(demo_server, child.text or "").xml()
        for entry in urlset.iter(f"{SITEMAP}url"):
            lastmod = entry.findtext(f"{SITEMAP}lastmod") or ""
            assert lastmod[-6] in "+-" and "T" in lastmod, lastmod
            locs.add(path_of(entry.findtext(f"{SITEMAP}loc") or ""))
    return locs


def test_site_has_enough_articles_editions_templates_and_videos(demo_site: DemoSite) -> None:
    assert len(demo_site.articles) >= 30
    assert demo_site.editions == ("de", "en", "fr")
    assert {a.edition for a in demo_site.articles} == set(demo_site.editions)
    assert {a.template for a in demo_site.articles} == {2024, 2026}
    assert demo_site.video_paths and all("/video/" in p for p in demo_site.video_paths)
    assert any(a.video for a in demo_site.articles)
    assert len({a.path for a in demo_site.articles}) == len(demo_site.articles)


def test_building_the_site_is_fast_and_every_page_renders_identically_twice(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    start = time.perf_counter()
    again = DemoSite()
    assert time.perf_counter() - start < 2
    for a in demo_site.articles:
        page = fetch(demo_server, a.path)
        assert page.status == 200
        assert 150_000 <= len(page.body) <= 400_000, (a.path, len(page.body))
        assert again.respond(a.path, demo_server.base_url).body == page.body, a.path


def test_every_article_is_in_its_editions_sitemaps(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for edition in demo_site.editions:
        locs = sitemap_locs(demo_server, edition)
        expected = {a.path for a in demo_site.articles if a.edition == edition}
        expected |= {p for p in demo_site.video_paths if p.startswith(f"/{edition}/")}
        assert expected <= locs, expected - locs
        if edition == "en":
            assert set(demo_site.disallowed_paths) <= locs
            assert set(demo_site.missing_paths) <= locs


def test_news_sitemap_and_feeds_parse_and_point_at_real_pages(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for edition in demo_site.editions:
        news = fetch(demo_server, f"/{edition}/sitemaps/{edition}/latest-news.xml").xml()
        entries = list(news.iter(f"{SITEMAP}url"))
        assert entries
        for entry in entries:
            article = demo_site.article(path_of(entry.findtext(f"{SITEMAP}loc") or ""))
            assert article.template == 2026
            assert entry.findtext(f".//{NEWS}title") == article.title
            assert entry.findtext(f".//{NEWS}publication_date") == article.published_at
        for query in ("level=theme&name=news", "level=vertical&name=culture"):
            feed = fetch(demo_server, f"/{edition}/rss?{query}")
            assert feed.headers["Content-Type"].startswith("application/rss+xml")
            items = feed.xml().findall("./channel/item")
            assert items
            for item in items:
                assert item.findtext("title") and item.findtext("pubDate")
                assert item.findtext("guid") == item.findtext("link")
                landed = fetch(demo_server, item.findtext("link") or "", follow=True)
                assert landed.status == 200
                assert landed.tree().findtext(".//h1").strip() == item.findtext("title")


def test_de_news_feed_keeps_the_old_url_that_redirects(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    feed = fetch(demo_server, "/de/rss?level=theme&name=news").xml()
    links = {path_of(x.text or "") for x in feed.iter("link")}
    ((old, new),) = demo_site.redirects.items()
    assert old in links and new not in links
    moved = fetch(demo_server, old)
    assert moved.status == 301
    assert moved.headers["Location"] == demo_server.base_url + new
    assert demo_site.article(new).story == "s05" and demo_site.article(new).edition == "de"


def test_robots_disallows_the_internal_page_which_still_exists(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    robots = fetch(demo_server, "/robots.txt").body.decode()
    assert "User-agent: *" in robots and "Disallow: /en/internal/" in robots
    sitemaps = [
        line.split(" ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")
    ]
    assert len(sitemaps) == len(demo_site.editions)
    (internal,) = demo_site.disallowed_paths
    assert internal.startswith("/en/internal/")
    page = fetch(demo_server, internal)
    assert (
        page.status == 200
        and len(page.tree().xpath("//div[@class and contains(@class, 'c-article-content')]/p")) == 3
    )
    assert internal not in {a.path for a in demo_site.articles}


def test_missing_and_unknown_paths_answer_404_in_the_site_chrome(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for target in (*demo_site.missing_paths, "/de/no/such/page", "/fr/news/europe?p=99"):
        page = fetch(demo_server, target)
        assert page.status == 404, target
        tree = page.tree()
        assert tree.xpath("//header[contains(@class, 'o-site-hr')]")
        assert tree.xpath("//footer")
    assert "Page not found" in fetch(demo_server, demo_site.missing_paths[0]).body.decode()


def _texts(nodes: list[html.HtmlElement]) -> list[str]:
    return [n.text_content() for n in nodes]


def test_article_pages_show_their_truth(demo_site: DemoSite, demo_server: DemoServer) -> None:
    for a in demo_site.articles:
        tree = fetch(demo_server, a.path).tree()
        assert tree.findtext(".//title") == f"{a.title} | Euronews"
        (h1,) = tree.cssselect("h1.c-article-redesign-title")
        assert h1.text_content() == a.title
        summary = "p.c-article-summary" if a.template == 2024 else "h2.c-article-summary"
        assert [s.text_content() for s in tree.cssselect(summary)] == [a.teaser]
        (content,) = tree.cssselect("div.c-article-content")
        assert _texts(content.findall("p")) == list(a.paragraphs), a.path
        assert _texts(content.findall("h2")) == list(a.subheads)
        assert _texts(content.cssselect("figcaption .widget__captionText")) == list(a.captions)
        if a.template == 2024:
            related = tree.cssselect(".c-article-you-might-also-like__item h3 a")
            inline = tree.cssselect(".widget--type-related a")
        else:
            related = tree.cssselect(".c-article-you-might-also-like a.the-media-object__link")
            inline = tree.cssselect(".c-widget-related a.c-widget-related__article")
        assert [path_of(x.get("href")) for x in related] == list(a.related), a.path
        assert [path_of(x.get("href")) for x in inline] == list(a.inline_related), a.path
        links = [
            (
                path_of(x.get("href"))
                if x.get("href").startswith(("/", demo_server.base_url))
                else x.get("href"),
                x.text_content(),
            )
            for x in content.xpath("./p/a")
        ]
        assert links == list(a.inline_links)
        hreflang = [
            (x.get("hreflang"), path_of(x.get("href")))
            for x in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
            if x.get("hreflang") != "x-default"
        ]
        assert hreflang == list(a.hreflang), a.path
        og_image = tree.xpath("//meta[@property='og:image']/@content")
        assert og_image == [a.image_url]
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert canonical == [demo_server.base_url + a.path]


def test_translations_form_clusters_and_one_page_lists_too_few(demo_site: DemoSite) -> None:
    partial = [a for a in demo_site.articles if len(a.hreflang) < len(a.translations) + 1]
    assert [(a.story, a.language) for a in partial] == [("s13", "fr")]
    for a in demo_site.articles:
        for language, path in a.translations:
            other = demo_site.article(path)
            assert other.story == a.story and other.language == language


def test_video_stories_carry_the_embed_widget_and_have_video_pages(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for a in (a for a in demo_site.articles if a.video):
        tree = fetch(demo_server, a.path).tree()
        (embed,) = tree.cssselect(".c-article-partage-commentaire-popup__content__embed_container")
        text = embed.text_content()
        assert "Copy to clipboard" in text
        furniture = demo_site.furniture_strings(a.language)
        assert sum(1 for f in furniture if f in text) >= 3
    for path in demo_site.video_paths:
        assert fetch(demo_server, path).status == 200


def test_furniture_labels_appear_on_pages_but_never_in_truth_text(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for language in ("en", "de", "fr"):
        furniture = set(demo_site.furniture_strings(language))
        shown: set[str] = set()
        for a in (a for a in demo_site.articles if a.language == language):
            tree = fetch(demo_server, a.path).tree()
            visible = tree.text_content() + " ".join(tree.xpath("//img/@alt"))
            shown |= {f for f in furniture if f in visible}
            for text in (*a.paragraphs, a.title, a.teaser, *a.captions):
                assert text.strip() not in furniture
        assert shown == furniture


def test_sections_paginate_with_rel_next_and_list_everything(
    demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for edition in demo_site.editions:
        target: str | None = f"/{edition}/news/europe"
        seen: list[str] = []
        pages = 0
        while target:
            tree = fetch(demo_server, target).tree()
            pages += 1
            cards = tree.cssselect(".c-listing__list a.the-media-object__link")
            assert 0 < len(cards) <= 8
            seen += [path_of(c.get("href")) for c in cards]
            nxt = tree.cssselect("a.c-pagination__link[rel=next]")
            head_next = tree.xpath("//head/link[@rel='next']/@href")
            assert [n.get("href") for n in nxt] == head_next
            target = nxt[0].get("href") if nxt else None
        expected = [a.path for a in demo_site.articles if a.edition == edition]
        expected += [p for p in demo_site.video_paths if p.startswith(f"/{edition}/")]
        assert sorted(seen) == sorted(expected)
        assert pages >= 2
        culture = fetch(demo_server, f"/{edition}/culture").tree()
        listed = {
            path_of(c.get("href"))
            for c in culture.cssselect(".c-listing__list a.the-media-object__link")
        }
        assert listed and all(demo_site.article(p).section == "culture" for p in listed)


def test_tag_pages_exist_for_every_tag_link(demo_site: DemoSite, demo_server: DemoServer) -> None:
    a = demo_site.articles[0]
    tree = fetch(demo_server, a.path).tree()
    tags = tree.cssselect(".c-article-tags a, ul.c-tags-list a")
    assert [t.text_content() for t in tags] == list(a.tags)
    for t in tags:
        page = fetch(demo_server, t.get("href"))
        assert page.status == 200
        assert a.title in page.body.decode()


def test_conditional_get_and_gzip(demo_site: DemoSite, demo_server: DemoServer) -> None:
    a = demo_site.articles[-1]
    first = fetch(demo_server, a.path)
    etag, last = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')
    assert fetch(demo_server, a.path, If_None_Match=etag).status == 304
    assert fetch(demo_server, a.path, If_Modified_Since=last).status == 304
    assert fetch(demo_server, a.path, If_None_Match='"other"').status == 200
    zipped = fetch(demo_server, a.path, Accept_Encoding="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.body) < len(first.body) / 3
    assert gzip.decompress(zipped.body) == first.body
    head = urllib.request.Request(demo_server.base_url + a.path, method="HEAD")
    with urllib.request.urlopen(head, timeout=10) as resp:
        assert resp.status == 200 and resp.read() == b""
        assert int(resp.headers["Content-Length"]) == len(first.body)
    assert ("HEAD", a.path) in demo_server.requests


def test_a_malformed_story_file_is_named_with_its_key(tmp_path: Path) -> None:
    for f in STORIES_DIR.glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    broken = tmp_path / "s01.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("template = ", "template = 1", 1))
    with pytest.raises(StoryError, match=r"s01\.toml: key 'template'"):
        DemoSite(tmp_path)


# --- change_article -------------------------------------------------------------------------


def snapshot(server: DemoServer, site: DemoSite, extra: tuple[str, ...] = ()) -> dict[str, Fetched]:
    """Every page a crawl reads: articles, sitemaps, feeds, sections and homes (plus ``extra``)."""
    targets = ["/", "/robots.txt", *(a.path for a in site.articles), *site.video_paths, *extra]
    for e in site.editions:
        index = f"/{e}/sitemaps/{e}/articles.xml"
        targets += [index, f"/{e}/sitemaps/{e}/latest-news.xml", f"/{e}/", f"/{e}/culture"]
        targets += [path_of(x.text or "") for x in fetch(server, index).xml().iter(f"{SITEMAP}loc")]
        targets += [f"/{e}/news/europe", f"/{e}/news/europe?p=2"]
        targets += [f"/{e}/rss?level=theme&name=news", f"/{e}/rss?level=vertical&name=culture"]
    return {t: fetch(server, t) for t in dict.fromkeys(targets)}


def lastmods(server: DemoServer, edition: str) -> dict[str, str]:
    """Path -> <lastmod> of every entry of the edition's monthly sitemaps."""
    index = fetch(server, f"/{edition}/sitemaps/{edition}/articles.xml").xml()
    out: dict[str, str] = {}
    for child in index.iter(f"{SITEMAP}loc"):
        for entry in fetch(server, child.text or "").xml().iter(f"{SITEMAP}url"):
            loc = path_of(entry.findtext(f"{SITEMAP}loc") or "")
            out[loc] = entry.findtext(f"{SITEMAP}lastmod") or ""
    return out


@pytest.mark.parametrize("template", [2026, 2024])
def test_change_article_changes_that_page_its_lastmod_and_the_truth_only(
    template: int, demo_site: DemoSite
) -> None:
    site = DemoSite()  # not the shared site: this test changes it
    with DemoServer(site) as server:
        target = next(a for a in site.articles if a.edition == "en" and a.template == template)
        tags = tuple(
            path_of(t.get("href"))
            for t in fetch(server, target.path)
            .tree()
            .cssselect(".c-article-tags a, ul.c-tags-list a")
        )
        before = snapshot(server, site, tags)
        old_lastmods = lastmods(server, "en")
        changed = site.change_article(
            target.path,
            title="Updated: " + target.title,
            add_paragraph="Editor's note: this article was updated with the latest figures.",
            modified_at="2026-03-22T08:30:00+01:00",
        )
        after = snapshot(server, site, tags)

        assert changed == site.article(target.path)
        assert changed.title == "Updated: " + target.title
        assert changed.paragraphs == (
            *target.paragraphs,
            "Editor's note: this article was updated with the latest figures.",
        )
        assert changed.modified_at == "2026-03-22T08:30:00+01:00"
        assert (changed.path, changed.published_at) == (target.path, target.published_at)
        assert changed in site.articles and target not in site.articles
        assert len(site.articles) == len(demo_site.articles)
        for a in site.articles:
            if a.path != target.path:
                assert a == demo_site.article(a.path), a.path

        page = after[target.path]
        assert page.headers["ETag"] != before[target.path].headers["ETag"]
        assert page.headers["Last-Modified"] == "Sun, 22 Mar 2026 07:30:00 GMT"
        old_etag = before[target.path].headers["ETag"]
        assert fetch(server, target.path, If_None_Match=old_etag).status == 200
        tree = page.tree()
        assert tree.findtext(".//title") == f"{changed.title} | Euronews"
        assert tree.findtext(".//h1").strip() == changed.title
        (content,) = tree.cssselect("div.c-article-content")
        assert [p.text_content() for p in content.findall("p")] == list(changed.paragraphs)
        stamp = "2026-03-22 08:30:00 +01:00"
        assert tree.xpath("//meta[@name='date.modified']/@content") == [stamp]
        if template == 2024:
            assert f'"dateModified":"{stamp}"' in page.body.decode()
        else:
            assert tree.xpath("//meta[@name='article:modified_time']/@content") == [stamp]

        new_lastmods = lastmods(server, "en")
        assert new_lastmods.pop(target.path) == "2026-03-22T08:30:00+01:00"
        assert old_lastmods.pop(target.path) == target.modified_at
        assert new_lastmods == old_lastmods
        news = after["/en/sitemaps/en/latest-news.xml"].body.decode()
        feed = after["/en/rss?level=theme&name=news"].body.decode()
        assert ("Updated: " in news) == (template == 2026)  # 2024 pages are in no news sitemap
        assert "Updated: " in feed

        differ = {t for t in before if before[t].body != after[t].body}
        allowed = {t for t in before if t.startswith(("/en/sitemaps/en/", "/en/rss?"))}
        assert target.path in differ and differ <= allowed | {target.path}, differ - allowed


def test_a_change_reaches_a_page_already_served_and_cached(demo_site: DemoSite) -> None:
    site = DemoSite()
    with DemoServer(site) as server:
        a = site.articles[-1]
        first = fetch(server, a.path)
        assert fetch(server, a.path).body == first.body
        changed = site.change_article(a.path)
        second = fetch(server, a.path)
        assert second.headers["ETag"] != first.headers["ETag"]
        assert second.headers["Last-Modified"] != first.headers["Last-Modified"]
        assert second.body != first.body
        assert changed.modified_at > a.modified_at and changed.title == a.title
        last = first.headers["Last-Modified"]
        assert fetch(server, a.path, If_Modified_Since=last).status == 200
    assert demo_site.article(a.path) == a  # the shared site is untouched


def test_change_article_refuses_unknown_paths_and_bad_values() -> None:
    site = DemoSite()
    a = site.articles[0]
    with pytest.raises(KeyError):
        site.change_article("/en/no/such/article")
    with pytest.raises(KeyError):
        site.change_article(site.video_paths[0])
    with pytest.raises(ValueError, match="ISO 8601"):
        site.change_article(a.path, modified_at="yesterday")
    with pytest.raises(ValueError, match="UTC offset"):
        site.change_article(a.path, modified_at="2026-03-22T08:30:00")
    with pytest.raises(ValueError, match="earlier than published_at"):
        site.change_article(a.path, modified_at="2001-01-01T00:00:00+00:00")
    with pytest.raises(ValueError, match="title"):
        site.change_article(a.path, title=" ")
    assert site.article(a.path) == a
