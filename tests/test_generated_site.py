"""The generated site for benchmarks and crash tests, and the server's latency and throttling,
served for real on 127.0.0.1 and read with plain urllib and lxml."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
from test_demo_site import NEWS, SITEMAP, fetch, path_of

from sitegen import DemoServer, GeneratedSite

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> GeneratedSite:
    return GeneratedSite(2000)


@pytest.fixture(scope="module")
def server(site: GeneratedSite) -> Iterator[DemoServer]:
    with DemoServer(site) as served:
        yield served


def test_building_renders_nothing_and_a_page_renders_once() -> None:
    site = GeneratedSite(2000)
    assert site.rendered == 0
    assert len(site.articles) == 2000
    assert site.rendered == 0  # the truth needs no page
    path = site.articles[0].path
    first = site.respond(path, BASE)
    assert site.rendered == 1
    assert site.respond(path, BASE).body == first.body
    assert site.rendered == 1


def test_two_builds_with_one_seed_are_identical_and_another_seed_differs(
    site: GeneratedSite,
) -> None:
    again = GeneratedSite(2000)
    assert again.articles == site.articles
    for a in site.articles[::100]:
        assert again.respond(a.path, BASE).body == site.respond(a.path, BASE).body
    other = GeneratedSite(2000, seed=2)
    assert {a.title for a in other.articles[:50]} != {a.title for a in site.articles[:50]}


def test_two_thousand_distinct_articles_in_three_editions_over_months(
    site: GeneratedSite,
) -> None:
    articles = site.articles
    assert len(articles) == 2000 and site.editions == ("de", "en", "fr")
    assert Counter(a.edition for a in articles) == {"de": 667, "en": 667, "fr": 666}
    for field in ("path", "title", "published_at", "story"):
        assert len({getattr(a, field) for a in articles}) == 2000, field
    slugs = {a.path.rsplit("/", 1)[1] for a in articles}
    assert len(slugs) == 2000
    assert len({a.published_at[:7] for a in articles}) >= 5
    assert all(a.template == 2026 and a.language == a.edition for a in articles)
    assert not site.video_paths and not site.missing_paths and not site.redirects
    for a in articles:
        assert 5 <= len(a.paragraphs) <= 9
        assert a.related and a.path not in a.related
        assert all(site.article(p).edition == a.edition for p in a.related)
    words = " ".join(p for a in articles[:50] for p in a.paragraphs).lower()
    assert "lorem" not in words and "ipsum" not in words


def test_every_article_is_in_its_editions_monthly_sitemaps(
    site: GeneratedSite, server: DemoServer
) -> None:
    listed: dict[str, str] = {}
    for e in site.editions:
        index = fetch(server, f"/{e}/sitemaps/{e}/articles.xml").xml()
        children = [c.text or "" for c in index.iter(f"{SITEMAP}loc")]
        assert len(children) >= 5
        for child in children:
            urlset = fetch(server, child)
            assert urlset.status == 200, child
            for entry in urlset.xml().iter(f"{SITEMAP}url"):
                path = path_of(entry.findtext(f"{SITEMAP}loc") or "")
                assert path.startswith(f"/{e}/") and path not in listed
                listed[path] = entry.findtext(f"{SITEMAP}lastmod") or ""
    assert listed == {a.path: a.modified_at for a in site.articles}
    assert fetch(server, "/en/sitemaps/en/articles/2019/01.xml").status == 404


def test_news_sitemap_and_feeds_list_the_latest_articles(
    site: GeneratedSite, server: DemoServer
) -> None:
    for e in site.editions:
        mine = sorted((a for a in site.articles if a.edition == e), key=lambda a: a.published_at)
        news = fetch(server, f"/{e}/sitemaps/{e}/latest-news.xml").xml()
        entries = list(news.iter(f"{SITEMAP}url"))
        assert [path_of(x.findtext(f"{SITEMAP}loc") or "") for x in entries] == [
            a.path for a in reversed(mine[-100:])
        ]
        for entry in entries[:5]:
            a = site.article(path_of(entry.findtext(f"{SITEMAP}loc") or ""))
            assert entry.findtext(f".//{NEWS}title") == a.title
            assert entry.findtext(f".//{NEWS}publication_date") == a.published_at
        feed = fetch(server, f"/{e}/rss?level=theme&name=news")
        assert feed.headers["Content-Type"].startswith("application/rss+xml")
        items = feed.xml().findall("./channel/item")
        assert [path_of(i.findtext("link") or "") for i in items] == [
            a.path for a in reversed(mine[-50:])
        ]
        culture = fetch(server, f"/{e}/rss?level=vertical&name=culture").xml()
        for item in culture.findall("./channel/item"):
            assert site.article(path_of(item.findtext("link") or "")).section == "culture"


def test_article_pages_are_euronews_sized_and_show_their_truth(
    site: GeneratedSite, server: DemoServer
) -> None:
    for a in site.articles[::40]:
        page = fetch(server, a.path)
        assert page.status == 200
        assert 250_000 <= len(page.body) <= 330_000, (a.path, len(page.body))
        tree = page.tree()
        assert tree.findtext(".//title") == f"{a.title} | Euronews"
        assert tree.findtext(".//h1").strip() == a.title
        assert [s.text_content() for s in tree.cssselect("h2.c-article-summary")] == [a.teaser]
        (content,) = tree.cssselect("div.c-article-content")
        assert [p.text_content() for p in content.findall("p")] == list(a.paragraphs)
        assert [h.text_content() for h in content.findall("h2")] == list(a.subheads)
        related = tree.cssselect(".c-article-you-might-also-like a.the-media-object__link")
        assert [path_of(x.get("href")) for x in related] == list(a.related)
        inline = tree.cssselect(".c-widget-related a.c-widget-related__article")
        assert [path_of(x.get("href")) for x in inline] == list(a.inline_related)
        links = [
            (path_of(x.get("href")) if x.get("href").startswith("http://") else x.get("href"))
            for x in content.xpath("./p/a")
        ]
        assert links == [href for href, _ in a.inline_links]
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert canonical == [server.base_url + a.path]
        assert tree.xpath("//meta[@name='date.modified']/@content")


def test_sections_tags_homes_and_robots_are_served(site: GeneratedSite, server: DemoServer) -> None:
    assert "Sitemap: " in fetch(server, "/robots.txt").body.decode()
    for e in site.editions:
        assert fetch(server, f"/{e}/").status == 200
        assert fetch(server, f"/{e}").status == 301
        first = fetch(server, f"/{e}/news/europe").tree()
        assert first.cssselect("a.c-pagination__link[rel=next]")
        last = fetch(server, f"/{e}/news/europe?p=25").tree()
        assert not last.cssselect("a.c-pagination__link[rel=next]")
        assert fetch(server, f"/{e}/news/europe?p=26").status == 404
        culture = fetch(server, f"/{e}/culture").tree()
        for c in culture.cssselect(".c-listing__list a.the-media-object__link"):
            assert site.article(path_of(c.get("href"))).section == "culture"
    a = site.articles[-1]
    tags = fetch(server, a.path).tree().cssselect("ul.c-tags-list a")
    assert [t.text_content() for t in tags] == list(a.tags)
    for t in tags:
        listing = fetch(server, t.get("href"))
        assert listing.status == 200 and a.title in listing.body.decode()


def test_change_article_on_a_generated_site_changes_that_page_only() -> None:
    site = GeneratedSite(90)
    with DemoServer(site) as server:
        target = site.articles[-1]  # the newest of the fr edition: in its feed and news sitemap
        others = [a for a in site.articles if a.path != target.path]
        before = {a.path: fetch(server, a.path) for a in [target, *others[::7]]}
        index = "/fr/sitemaps/fr/articles.xml"
        old_index = fetch(server, index)
        changed = site.change_article(
            target.path, title="Nouveau titre", add_paragraph="Un paragraphe de plus."
        )
        assert changed == site.article(target.path) and changed in site.articles
        assert changed.paragraphs[-1] == "Un paragraphe de plus."
        assert changed.modified_at > target.modified_at
        page = fetch(server, target.path)
        assert page.headers["ETag"] != before[target.path].headers["ETag"]
        assert page.tree().findtext(".//h1").strip() == "Nouveau titre"
        for a in others[::7]:
            assert fetch(server, a.path).body == before[a.path].body, a.path
        lastmods = {
            path_of(e.findtext(f"{SITEMAP}loc") or ""): e.findtext(f"{SITEMAP}lastmod")
            for child in fetch(server, index).xml().iter(f"{SITEMAP}loc")
            for e in fetch(server, child.text or "").xml().iter(f"{SITEMAP}url")
        }
        assert lastmods[target.path] == changed.modified_at
        assert fetch(server, index).headers["ETag"] != old_index.headers["ETag"]
        assert "Nouveau titre" in fetch(server, "/fr/sitemaps/fr/latest-news.xml").body.decode()
        assert "Nouveau titre" in fetch(server, "/fr/rss?level=theme&name=news").body.decode()


# --- server options ------------------------------------------------------------------------


def test_latency_delays_every_response(site: GeneratedSite) -> None:
    with DemoServer(site, latency=0.3) as slow:
        start = time.monotonic()
        assert fetch(slow, "/robots.txt").status == 200
        assert time.monotonic() - start >= 0.3


def test_throttled_path_answers_429_with_retry_after_then_normally(
    site: GeneratedSite,
) -> None:
    path = site.articles[0].path
    with DemoServer(site) as server:
        server.throttle(path, status=429, retry_after=1, times=1)
        start = time.monotonic()
        first = fetch(server, path)
        assert first.status == 429 and first.headers["Retry-After"] == "1"
        assert fetch(server, "/robots.txt").status == 200  # other paths are not throttled
        second = fetch(server, path)
        assert second.status == 200 and "Retry-After" not in second.headers
        end = time.monotonic()
        server.throttle("/en/rss?level=theme&name=news", status=503, retry_after=7, times=2)
        feed = [fetch(server, "/en/rss?level=theme&name=news") for _ in range(3)]
        assert [f.status for f in feed] == [503, 503, 200]
        assert feed[0].headers["Retry-After"] == "7"
        assert fetch(server, "/en/rss?level=vertical&name=culture").status == 200
    log = server.request_log
    assert [(r.method, r.path_and_query, r.status) for r in log[:3]] == [
        ("GET", path, 429),
        ("GET", "/robots.txt", 200),
        ("GET", path, 200),
    ]
    assert start <= log[0].at <= log[1].at <= log[2].at <= end
    assert [r.at for r in log] == sorted(r.at for r in log)
    assert server.requests == [(r.method, r.path_and_query) for r in log]


def test_conditional_requests_are_logged_as_304(site: GeneratedSite, server: DemoServer) -> None:
    a = site.articles[1]
    etag = fetch(server, a.path).headers["ETag"]
    assert fetch(server, a.path, If_None_Match=etag).status == 304
    assert server.request_log[-1][1:2] == (a.path,) and server.request_log[-1].status == 304
