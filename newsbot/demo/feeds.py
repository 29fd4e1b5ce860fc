"""Machine-readable discovery documents: robots.txt, sitemap indexes with monthly children,
Google News sitemaps and RSS 2.0 feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsbot.demo.model import Card, url

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def robots(editions: Sequence[str], disallow: Sequence[str]) -> str:
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow), ""]
    lines += [f"Sitemap: {url(f'/{e}/sitemaps/{e}/articles.xml')}" for e in editions]
    return "\n".join(lines) + "\n"


def month_key(when: datetime) -> str:
    return when.strftime("%Y/%m")


def sitemap_index(edition: str, language: str, entries: Sequence[tuple[str, datetime]]) -> str:
    """Index of the monthly children that hold ``entries`` (path, lastmod)."""
    months: dict[str, datetime] = {}
    for _, when in entries:
        key = month_key(when)
        months[key] = max(months.get(key, when), when)
    items = "".join(
        f"<sitemap><loc>{url(f'/{edition}/sitemaps/{language}/articles/{key}.xml')}</loc>"
        f"<lastmod>{last.isoformat()}</lastmod></sitemap>\n"
        for key, last in sorted(months.items(), reverse=True)
    )
    return f'{XML_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">\n{items}</sitemapindex>\n'


def sitemap_month(entries: Sequence[tuple[str, datetime]]) -> str:
    items = "".join(
        f"<url><loc>{escape(url(path))}</loc><lastmod>{when.isoformat()}</lastmod></url>\n"
        for path, when in entries
    )
    return f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">\n{items}</urlset>\n'


def news_sitemap(language: str, cards: Sequence[Card]) -> str:
    items = "".join(
        f"<url><loc>{escape(url(c.path))}</loc><news:news><news:publication>"
        f"<news:name>Euronews</news:name><news:language>{language}</news:language>"
        f"</news:publication><news:publication_date>{c.published.isoformat()}"
        f"</news:publication_date><news:title>{escape(c.title)}</news:title></news:news></url>\n"
        for c in cards
    )
    return f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n{items}</urlset>\n'


def rss(
    edition: str,
    language: str,
    title: str,
    feed_query: str,
    cards: Sequence[Card],
    paths: dict[str, str] | None = None,
) -> str:
    """An RSS 2.0 channel; ``paths`` replaces some item paths (stale links kept by a feed)."""
    paths = paths or {}
    items = []
    for c in cards:
        link = escape(url(paths.get(c.path, c.path)))
        items.append(
            f"<item><title>{escape(c.title)}</title><link>{link}</link>"
            f"<description>{escape(c.teaser)}</description>"
            f"<pubDate>{format_datetime(c.published)}</pubDate>"
            f'<guid isPermaLink="true">{link}</guid></item>\n'
        )
    newest = max((c.published for c in cards), default=None)
    build = f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>" if newest else ""
    self_url = escape(url(f"/{edition}/rss?{feed_query}"))
    return (
        f'{XML_HEAD}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        f"<title>{escape(title)}</title><link>{url(f'/{edition}/')}</link>"
        f"<description>{escape(title)}</description><language>{language}</language>{build}"
        f'<atom:link href="{self_url}" rel="self" type="application/rss+xml"/>\n'
        f"{''.join(items)}</channel></rss>\n"
    )
