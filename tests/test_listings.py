"""Discovery documents: sitemaps, news sitemaps, feeds, section pages, and hostile ones."""

import gzip

import pytest

from newsbot.content_coding import gunzip_capped
from newsbot.listings import parse_feed, parse_section, parse_sitemap

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://de.example.org/sitemaps/de/articles/2026/03.xml</loc>
    <lastmod>2026-03-31T23:00:00+02:00</lastmod></sitemap>
  <sitemap><loc>https://de.example.org/sitemaps/de/articles/2026/02.xml</loc></sitemap>
</sitemapindex>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://de.example.org/2026/03/20/sturm-an-der-ostsee</loc>
    <news:news><news:publication><news:name>Example</news:name><news:language>de</news:language>
    </news:publication><news:publication_date>2026-03-20T06:55:00+01:00</news:publication_date>
    <news:title>Sturm schließt Häfen an der Ostsee</news:title></news:news></url>
  <url><loc>https://de.example.org/2026/03/19/other</loc><lastmod>2026-03-19</lastmod></url>
</urlset>""".encode()


def test_sitemap_index_lists_its_children_with_lastmod() -> None:
    listing = parse_sitemap(INDEX)
    assert listing is not None and listing.kind == "index"
    assert [e.url for e in listing.entries] == [
        "https://de.example.org/sitemaps/de/articles/2026/03.xml",
        "https://de.example.org/sitemaps/de/articles/2026/02.xml",
    ]
    assert listing.entries[0].lastmod == "2026-03-31T23:00:00+02:00"
    assert listing.entries[1].lastmod is None


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    listing = parse_sitemap(NEWS)
    assert listing is not None and listing.kind == "urls"
    first, second = listing.entries
    assert first.published_at == "2026-03-20T06:55:00+01:00"
    assert first.title == "Sturm schließt Häfen an der Ostsee"
    assert second.lastmod == "2026-03-19" and second.published_at is None


def test_entity_bomb_and_external_entities_come_to_nothing() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.example.org/a&lol9;&xxe;</loc></url></urlset>"
    )
    listing = parse_sitemap(bomb)
    assert listing is not None
    for entry in listing.entries:
        assert "lollol" not in entry.url and "root:" not in entry.url


def test_not_a_sitemap_gives_none() -> None:
    assert parse_sitemap(b"<html><body>hello</body></html>") is None
    assert parse_sitemap(b"\x00\x01 binary") is None
    assert parse_feed(INDEX) is None


def test_rss_and_atom_items() -> None:
    rss = b"""<rss version="2.0"><channel><title>x</title>
      <item><title>One</title><link>https://x.example.org/2026/03/02/one</link>
      <pubDate>Mon, 02 Mar 2026 09:14:00 +0100</pubDate></item>
      <item><title>No link</title></item></channel></rss>"""
    listing = parse_feed(rss)
    assert listing is not None
    assert [(e.url, e.published_at) for e in listing.entries] == [
        ("https://x.example.org/2026/03/02/one", "2026-03-02T09:14:00+01:00")
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
      <link href="https://x.example.org/a"/><updated>2026-03-02T08:00:00Z</updated></entry></feed>"""
    listing = parse_feed(atom)
    assert listing is not None and listing.entries[0].url == "https://x.example.org/a"


def test_section_page_links_and_next_page() -> None:
    page = parse_section(
        b"""<html><head><link rel="next" href="?p=2"></head><body>
        <a href="/de/2026/03/02/a">A</a><a href="">empty</a><a href="/de/tag/x">tag</a>
        </body></html>"""
    )
    assert page is not None
    assert page.links == ("/de/2026/03/02/a", "/de/tag/x")
    assert page.next_page == "?p=2"


def test_gzip_sitemaps_are_capped() -> None:
    data = gzip.compress(b"<urlset/>" + b" " * 100_000)
    assert gunzip_capped(data, 200_000).startswith(b"<urlset/>")
    with pytest.raises(ValueError, match="expands past 1000 bytes"):
        gunzip_capped(data, 1000)
    with pytest.raises(ValueError, match="broken gzip"):
        gunzip_capped(b"\x1f\x8bnot really gzip", 1000)


@pytest.mark.parametrize("callback", ["parse_sitemap", "parse_feed", "parse_section"])
def test_a_listing_served_as_broken_gzip_is_counted_not_a_traceback(callback: str) -> None:
    """A listing whose body starts like gzip but is not: the spider logs it and counts it as
    unreadable (a traceback in the callback would leave no trace in the archive's counts)."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from newsbot.spiders.loader import spider_class

    cls = spider_class("euronews")
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler)
    crawler.stats.open_spider()
    url = "https://www.euronews.com/sitemaps/en/articles.xml"
    response = HtmlResponse(url, body=b"\x1f\x8b\x08\x00broken", request=Request(url))
    produced = list(getattr(spider, callback)(response))
    # The listing's own capture is still archived; nothing is read from it.
    assert [type(item).__name__ for item in produced] == ["Capture"]
    what = callback.removeprefix("parse_")
    assert crawler.stats.get_value(f"newsbot/discovery/unreadable_{what}") == 1
