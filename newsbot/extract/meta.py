"""What a page says about itself outside the body: meta tags, JSON-LD, canonical, hreflang."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BackgroundNewsArticle",
    }
)


def _body_tags(doc: Any) -> Iterator[Any]:
    """Head tags a page writes after an <img> or a <div> in its head end up in the body (the
    parser closes the head there), and JSON-LD may sit in the body on purpose. Not read there:
    microdata (an itemprop describes whatever item holds it: a picture, a related article) and
    titles (an SVG's <title> is not the page's)."""
    body = doc.find("body")
    if body is None:
        return
    # (One walk of the body, its tags told apart in C: a tenth of an XPath union's time.)
    for el in body.iter("meta", "link", "script"):
        tag = el.tag
        if tag == "meta":
            if el.get("property") or el.get("name"):
                yield el
        elif tag == "link":
            if el.get("hreflang") or el.get("rel") == "canonical":
                yield el
        elif el.get("type") == "application/ld+json":
            yield el


@dataclass
class PageMeta:
    """Head metadata of one page. Meta names and properties are lower-cased keys."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    canonical: str | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)
    lang: str | None = None
    title: str | None = None

    def first(self, *names: str) -> str | None:
        """The first value of the first of ``names`` that the page has."""
        for name in names:
            values = self.meta.get(name)
            if values:
                return values[0]
        return None

    def all(self, *names: str) -> list[str]:
        """Every value of every one of ``names``, in that order."""
        return [v for name in names for v in self.meta.get(name, [])]

    def ld(self, key: str) -> list[Any]:
        """Values of ``key`` across the page's article JSON-LD objects."""
        return [obj[key] for obj in self.jsonld if key in obj]


def read_page_meta(doc: Any) -> PageMeta:
    """Collect head metadata in one pass over the document's meta, link, title and script tags."""
    page = PageMeta(lang=doc.get("lang") or None)
    head = doc.find("head")
    # Head tags live in the head (a full walk of a 300 KB page costs more than the rest);
    # JSON-LD may also sit in the body.
    tags = (
        head.iter("meta", "link", "title", "script")
        if head is not None
        else doc.iter("meta", "link", "title", "script")
    )
    if head is not None:
        tags = itertools.chain(tags, _body_tags(doc))
    for el in tags:
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop")
            # Some saved pages carry meta values in ``value`` instead of ``content``.
            value = el.get("content")
            if value is None:
                value = el.get("value")
            if key and value is not None:
                value = value.strip()
                if value:
                    page.meta.setdefault(key.strip().lower(), []).append(value)
            elif el.get("http-equiv", "").lower() == "content-language" and value:
                page.meta.setdefault("content-language", []).append(value.strip())
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            href = (el.get("href") or "").strip()
            if not href:
                continue
            if "canonical" in rel and page.canonical is None:
                page.canonical = href
            elif "alternate" in rel and el.get("hreflang"):
                page.alternates.append((el.get("hreflang", "").strip(), href))
        elif tag == "title":
            if page.title is None and el.text:
                page.title = " ".join(el.text.split())
        elif (el.get("type") or "").lower() == "application/ld+json" and el.text:
            page.jsonld.extend(_article_objects(el.text))
    return page


def _article_objects(raw: str) -> list[dict[str, Any]]:
    """Article-like objects of a JSON-LD block (top level, lists and @graph); [] when invalid."""
    try:
        data = json.loads(raw, strict=False)
    except ValueError:
        return []
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t in ARTICLE_TYPES for t in names):
                found.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return found


def _flat(values: list[Any]) -> Iterator[Any]:
    """JSON-LD values one by one: a property may hold one value or a list of them."""
    for value in values:
        yield from value if isinstance(value, list) else [value]


def ld_names(values: list[Any]) -> list[str]:
    """Names out of JSON-LD person/organisation values (strings, objects or lists of them)."""
    out: list[str] = []
    for item in _flat(values):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item["name"])
    return out


def ld_urls(values: list[Any]) -> list[str]:
    """URLs out of JSON-LD image / page values (strings, objects with url/@id, or lists)."""
    out: list[str] = []
    for item in _flat(values):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            url = next(
                (item[k] for k in ("url", "@id", "contentUrl") if isinstance(item.get(k), str)),
                None,
            )
            if url:
                out.append(url)
    return out
