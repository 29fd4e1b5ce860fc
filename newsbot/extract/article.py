"""extract_article: a pure function of (page bytes, URL, site profile) to an Article or NotArticle.

No Scrapy, no network, no database: the crawl and offline re-extraction call this same function.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from newsbot import __version__
from newsbot.extract.decode import decode_html, looks_binary
from newsbot.extract.links import (
    LinkCollector,
    LinkContext,
    inline_links,
    related_links,
    translation_links,
)
from newsbot.extract.loader import ArticleLoader, split_list
from newsbot.extract.meta import PageMeta, ld_names, ld_urls, read_page_meta
from newsbot.extract.text import body_text, prune
from newsbot.items import Article, NotArticle
from newsbot.sites import GENERIC, Profile, load_profile, profile_for_url

#: Bump when the extraction code changes what it produces; profiles carry their own digest.
EXTRACT_RULES = "1"
MIN_TEXT_CHARS = 60
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_ARTICLE_OG_TYPES = ("article", "news")


def extractor_version(profile: Profile) -> str:
    """Names everything that decides an extraction's output: code, trafilatura, profile rules."""
    return (
        f"newsbot/{__version__} rules/{EXTRACT_RULES} "
        f"trafilatura/{trafilatura.__version__} {profile.slug}/{profile.digest}"
    )


def extract_article(
    html: bytes | str,
    url: str,
    site: str | None = None,
    *,
    content_type: str | None = None,
) -> Article | NotArticle:
    """Extract the article of one page.

    ``site`` is a profile slug; None chooses the profile from the URL's host (unknown hosts get
    the generic profile). ``content_type`` is the HTTP header, used for its charset. A page that
    is not an article, or cannot be read, gives a :class:`NotArticle` saying why: this function
    does not raise for any page content (an unknown ``site`` slug does raise UnknownSiteError).
    """
    profile = load_profile(site) if site else profile_for_url(url)
    path = urlsplit(url).path
    if any(rx.search(path) for rx in profile.exclude_res):
        return NotArticle(url, f"the {profile.slug} profile excludes {path}")
    try:
        return _extract(html, url, profile, content_type)
    except RecursionError:
        return NotArticle(url, "page too deeply nested")
    except Exception as exc:  # the contract: a page never makes extraction raise
        return NotArticle(url, f"extraction failed: {type(exc).__name__}: {exc}")


def parse_html(html: bytes | str, content_type: str | None = None) -> Any:
    """Decode and parse a page into an lxml document; raises ValueError with a short reason."""
    if isinstance(html, bytes):
        if not html.strip():
            raise ValueError("empty page")
        if looks_binary(html):
            raise ValueError("not HTML (binary content)")
        text = decode_html(html, content_type)
    else:
        text = html
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise ValueError("empty page")
    try:
        return lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"unparsable HTML ({exc})") from None


def _extract(
    html: bytes | str, url: str, profile: Profile, content_type: str | None
) -> Article | NotArticle:
    try:
        doc = parse_html(html, content_type)
    except ValueError as exc:
        return NotArticle(url, str(exc))
    page = read_page_meta(doc)
    og_type = (page.first("og:type") or "").lower()
    if og_type and not og_type.startswith(_ARTICLE_OG_TYPES) and not page.jsonld:
        return NotArticle(url, f"not an article page (og:type {og_type})")

    container = _first_match(doc, profile, "container")
    scope = container if container is not None else doc
    body = _first_match(scope, profile, "body")
    if body is None and not _says_it_is_an_article(doc, page):
        # Without the site's own body markup, only a page that declares itself an article is
        # one: listings (tags, sections, home pages) also have plenty of text.
        return NotArticle(url, "no sign of an article (og:type, JSON-LD, published time)")
    loader = _load_fields(scope, page, url, profile)
    canonical: str = loader.get_output_value("canonical_url") or url

    collector = LinkCollector(LinkContext(page_url=url, canonical_url=canonical, profile=profile))
    related_links(scope, collector)
    translation_links(page.alternates, collector)
    prune(scope, profile.prune)
    if body is not None:
        inline_links(body, collector)
    text = body_text(
        body if body is not None else scope, url, whole_page=body is None or profile.slug == GENERIC
    )
    fields = loader.load_item()
    text = _without_leading_title(text, fields.get("title"))
    if len(text) < MIN_TEXT_CHARS:
        return NotArticle(url, "no article text")
    if not fields.get("title"):
        return NotArticle(url, "no title")
    return Article(
        url=url,
        canonical_url=canonical,
        title=fields["title"],
        text=text,
        teaser=fields.get("teaser") or "",
        authors=fields.get("authors") or [],
        published_at=fields.get("published_at"),
        modified_at=fields.get("modified_at"),
        language=fields.get("language"),
        section=fields.get("section"),
        tags=fields.get("tags") or [],
        image_url=fields.get("image_url"),
        site=profile.slug,
        links=collector.links,
        extractor_version=extractor_version(profile),
    )


def _says_it_is_an_article(doc: Any, page: PageMeta) -> bool:
    """A page's own claim to be an article: og:type, article JSON-LD, a publication time, or
    exactly one <article> element."""
    if (page.first("og:type") or "").lower().startswith(_ARTICLE_OG_TYPES) or page.jsonld:
        return True
    if page.first("article:published_time", "datepublished", "date.available"):
        return True
    return sum(1 for _ in doc.iter("article")) == 1


def _without_leading_title(text: str, title: str | None) -> str:
    """The title is a field of its own; a body that starts by repeating it loses that line."""
    first, _, rest = text.partition("\n\n")
    return rest if title and first.casefold() == title.casefold() else text


def _first_match(root: Any, profile: Profile, name: str) -> Any | None:
    for selector in profile.selectors[name]:
        found = selector.xpath(root)
        if found:
            return found[0]
    return None


def _select(root: Any, profile: Profile, name: str) -> list[str]:
    """Values of the first selector of field ``name`` that matches anything."""
    for selector in profile.selectors[name]:
        values = selector.values(root)
        if values:
            return values
    return []


def _all_selected(root: Any, profile: Profile, name: str) -> list[str]:
    """Values of every selector of field ``name``, in order (each checked by the loader)."""
    return [v for selector in profile.selectors[name] for v in selector.values(root)]


def _first_list(*sources: list[str]) -> list[str]:
    """The most trusted source that has any values: sources do not mix within a list field."""
    for values in sources:
        if values:
            return values
    return []


def _ld_strings(page: PageMeta, key: str) -> list[str]:
    values: list[str] = []
    for value in page.ld(key):
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list):
            values.extend(v for v in value if isinstance(v, str))
    return values


def _title_from_head(page: PageMeta, profile: Profile) -> str | None:
    """The <title> without its " | Site" suffix."""
    if not page.title:
        return None
    parts = re.split(r"\s+[|–—-]\s+", page.title)
    return parts[0] if len(parts) > 1 else page.title


def _load_fields(scope: Any, page: PageMeta, url: str, profile: Profile) -> ArticleLoader:
    # The loader context: how the site writes URLs, for the URL fields' processors.
    loader = ArticleLoader(
        base_url=url, strip_params=profile.strip_params, https_hosts=profile.domains
    )
    main = ld_urls(page.ld("mainEntityOfPage")) + ld_urls(page.ld("url"))
    loader.add_value("canonical_url", [page.canonical, page.first("og:url"), *main, url])
    loader.add_value("title", _select(scope, profile, "title"))
    loader.add_value("title", _ld_strings(page, "headline"))
    loader.add_value(
        "title", [page.first("og:title", "twitter:title"), _title_from_head(page, profile)]
    )

    loader.add_value("teaser", _select(scope, profile, "teaser"))
    loader.add_value("teaser", _ld_strings(page, "description"))
    loader.add_value("teaser", [page.first("og:description", "description", "twitter:description")])

    loader.add_value(
        "authors",
        _first_list(
            _select(scope, profile, "authors"),
            ld_names(page.ld("author")),
            page.all("article:author", "author"),
        ),
    )
    loader.add_value(
        "published_at",
        [
            *page.all("article:published_time", "date.available", "datepublished"),
            *_ld_strings(page, "datePublished"),
            *_all_selected(scope, profile, "published"),
        ],
    )
    loader.add_value(
        "modified_at",
        [
            *page.all("article:modified_time", "date.modified", "og:updated_time", "datemodified"),
            *_ld_strings(page, "dateModified"),
            *_all_selected(scope, profile, "modified"),
        ],
    )
    loader.add_value(
        "language",
        [page.lang, page.first("og:locale", "content-language"), *_ld_strings(page, "inLanguage")],
    )
    loader.add_value("section", _select(scope, profile, "section"))
    loader.add_value("section", [page.first("article:vertical", "article:section")])
    loader.add_value("section", _ld_strings(page, "articleSection"))
    keywords = [k for v in page.all("news_keywords", "keywords") for k in split_list(v)]
    ld_keywords = [k for v in _ld_strings(page, "keywords") for k in split_list(v)]
    loader.add_value(
        "tags",
        _first_list(
            _select(scope, profile, "tags"), page.all("article:tag"), ld_keywords, keywords
        ),
    )
    loader.add_value("image_url", [page.first("og:image", "twitter:image")])
    loader.add_value("image_url", ld_urls(page.ld("image")))
    return loader
