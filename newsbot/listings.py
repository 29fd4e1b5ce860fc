"""Reading discovery documents: sitemaps, news sitemaps, RSS/Atom feeds, section pages.

Pure functions over bytes, no Scrapy: the spiders call them and decide what to fetch. XML is
parsed without entity expansion, DTDs or network access, so entity bombs and external entities
in a hostile sitemap come to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree
from lxml import html as lxml_html

from newsbot.extract.dates import DAY, parse_date, to_iso8601

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_HTML_PARSER = lxml_html.HTMLParser(remove_comments=True, no_network=True)


@dataclass(frozen=True)
class Entry:
    """One URL a discovery document lists, with what it says about it."""

    url: str
    lastmod: str | None = None
    published_at: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Listing:
    """A discovery document: ``index`` lists further documents, ``urls`` lists pages."""

    kind: Literal["index", "urls"]
    entries: tuple[Entry, ...]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    iso = to_iso8601(value)
    if iso:
        return iso
    # Sitemaps allow a bare date (or a time without zone): keep its day, which still orders
    # and compares, when that is a day of the calendar ("2026-02-30" is not).
    day = parse_date(value[:10])
    return day[0] if day is not None and day[1] == DAY else None


def parse_xml_root(data: bytes) -> Any | None:
    """The root element of an XML document, or None when it is not XML at all."""
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return None


def parse_sitemap(data: bytes) -> Listing | None:
    """A sitemap index, urlset (Google News extension included), or None if it is neither."""
    root = parse_xml_root(data)
    if root is None:
        return None
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return None
    entries = []
    for item in root:
        fields: dict[str, str] = {}
        for el in item.iter():
            name = _local(el.tag)
            if name and name not in fields and el.text and el.text.strip():
                fields[name] = el.text.strip()
        if "loc" in fields:
            entries.append(
                Entry(
                    url=fields["loc"],
                    lastmod=_date(fields.get("lastmod")),
                    published_at=_date(fields.get("publication_date")),
                    title=fields.get("title"),
                )
            )
    return Listing("index" if kind == "sitemapindex" else "urls", tuple(entries))


def parse_feed(data: bytes) -> Listing | None:
    """Items of an RSS 2.0 or Atom feed, or None if the document is not a feed."""
    root = parse_xml_root(data)
    if root is None or _local(root.tag) not in ("rss", "feed", "RDF"):
        return None
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link = None
        published = None
        title = None
        for el in item:
            name = _local(el.tag)
            if name == "link":
                link = link or (el.get("href") or (el.text or "")).strip() or None
            elif name in ("pubDate", "published", "updated", "date") and el.text:
                published = published or _rfc822_or_iso(el.text)
            elif name == "title" and el.text:
                title = " ".join(el.text.split())
        if link:
            entries.append(Entry(url=link, published_at=published, title=title))
    return Listing("urls", tuple(entries))


def _rfc822_or_iso(value: str) -> str | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value.strip()).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        return to_iso8601(value)


@dataclass(frozen=True)
class SectionPage:
    """Links of a section page: every href in document order, and its next page if any."""

    links: tuple[str, ...]
    next_page: str | None


def parse_section(data: bytes, encoding: str = "utf-8") -> SectionPage | None:
    """Hrefs of a listing page and its rel=next link; None when the page cannot be parsed."""
    try:
        doc = lxml_html.document_fromstring(data.decode(encoding, "replace"), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    links = tuple(href.strip() for a in doc.iter("a") if (href := a.get("href")) and href.strip())
    next_page = None
    for el in doc.iter("link", "a"):
        if "next" in (el.get("rel") or "").lower().split() and el.get("href"):
            next_page = el.get("href").strip()
            break
    return SectionPage(links, next_page)
