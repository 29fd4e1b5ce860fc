"""extract_article: a pure function of (page bytes, URL, site profile) to an Article or NotArticle.

No Scrapy, no network, no database: the crawl and offline re-extraction call this same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from newsbot import EXTRACT_RULES, __version__
from newsbot.extract.crop import HTML_LOOKUP, check_tags, parse_cropped
from newsbot.extract.decode import (
    decode_html,
    first_codec,
    looks_binary,
    text_without_controls,
    without_controls,
)
from newsbot.extract.fields import load_fields
from newsbot.extract.links import (
    LinkCollector,
    LinkContext,
    inline_links,
    labelled_related,
    paragraph_links,
    related_links,
    translation_links,
)
from newsbot.extract.loader import distinct
from newsbot.extract.meta import read_page_meta
from newsbot.extract.scripted import scripted_body
from newsbot.extract.signs import LIVE_BLOG, is_live_blog, not_an_article
from newsbot.extract.standfirst import shown_standfirst
from newsbot.extract.text import (
    body_text,
    clean_lines,
    drop_link_lists,
    has_related_heading,
    prune,
    standfirst_line,
)
from newsbot.items import Article, NotArticle
from newsbot.sites import GENERIC, ClassIndex, Profile, load_profile, profile_for_url

MIN_TEXT_CHARS = 60
#: Larger pages are not articles but accidents or traps (the crawl refuses far larger anyway).
MAX_PAGE_BYTES = 10 * 1024 * 1024
#: Six times the tags of the largest news page seen (about 5,000): more is a DOM bomb, which
#: would take a worker minutes and a gigabyte to read.
MAX_TAGS = 30_000
# No ID hash: nothing looks elements up by id, and building it costs a sixth of the parse.
_PARSER_OPTIONS = {
    "remove_comments": True,
    "remove_pis": True,
    "no_network": True,
    "collect_ids": False,
}
_UTF8_OPTIONS = {**_PARSER_OPTIONS, "encoding": "utf-8"}
_PARSER = lxml_html.HTMLParser(**_PARSER_OPTIONS)
_UTF8 = lxml_html.HTMLParser(**_UTF8_OPTIONS)
for _parser in (_PARSER, _UTF8):
    _parser.set_element_class_lookup(HTML_LOOKUP)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def extractor_version(profile: Profile) -> str:
    """Names everything that decides an extraction's output: code, trafilatura, profile rules."""
    return (
        f"newsbot/{__version__} rules/{EXTRACT_RULES} "
        f"trafilatura/{trafilatura.__version__} {profile.slug}/{profile.digest}"
    )


@dataclass(frozen=True)
class Extraction:
    """An extraction's result with what the crawl counts about it (links dropped, by reason)."""

    result: Article | NotArticle
    dropped_links: dict[str, int] = field(default_factory=dict)
    #: Rules not applied because they would have removed most of the text: furniture matches
    #: left in place, repeats of the teaser kept (a selector gone wrong: worth a look).
    spared: int = 0


def extract_article(
    html: bytes | str,
    url: str,
    site: str | None = None,
    *,
    content_type: str | None = None,
    captured_at: str | None = None,
) -> Article | NotArticle:
    """Extract the article of one page.

    ``site`` is a profile slug; None chooses the profile from the URL's host (unknown hosts get
    the generic profile). ``content_type`` is the HTTP header, used for its charset;
    ``captured_at`` (ISO 8601) chooses the profile's rules of that time. A page that is not an
    article, or cannot be read, gives a falsy :class:`NotArticle` saying why: this function does
    not raise for any page content (an unknown ``site`` slug does raise UnknownSiteError).
    """
    return extract_page(html, url, site, content_type=content_type, captured_at=captured_at).result


def extract_page(
    html: bytes | str,
    url: str,
    site: str | None = None,
    *,
    content_type: str | None = None,
    captured_at: str | None = None,
) -> Extraction:
    """:func:`extract_article` with the counts the crawl records (links dropped and why)."""
    profile = (load_profile(site) if site else profile_for_url(url)).at(captured_at)
    path = urlsplit(url).path
    if any(rx.search(path) for rx in profile.exclude_res):
        return Extraction(NotArticle(url, f"the {profile.slug} profile excludes {path}"))
    try:
        return _extract_readable(html, url, profile, content_type)
    except RecursionError:
        return Extraction(NotArticle(url, "page too deeply nested"))
    except Exception as exc:  # the contract: a page never makes extraction raise
        return Extraction(NotArticle(url, f"extraction failed: {type(exc).__name__}: {exc}"))


def parse_html(
    html: bytes | str, content_type: str | None = None, crop: tuple[str, str] | None = None
) -> Any:
    """Decode and parse a page into an lxml document; raises ValueError with a short reason.
    ``crop`` (tag, class): when the page has that element, read only the head and that element
    (:func:`~newsbot.extract.crop.parse_cropped`). A page that would open more than
    ``MAX_TAGS`` elements (of what is read) is refused before it is parsed."""
    if len(html) > MAX_PAGE_BYTES:
        raise ValueError(f"page too large ({len(html)} bytes)")
    if isinstance(html, bytes):
        if not html or html.isspace():  # (isspace stops at the first letter; strip copies)
            raise ValueError("empty page")
        if looks_binary(html):
            raise ValueError("not HTML (binary content)")
        if crop is not None:
            codec, certain = first_codec(html, content_type)
            if codec == "utf-8":
                # Only what is read needs to be UTF-8 (a BOM vouches for it all).
                doc = parse_cropped(html, *crop, _UTF8_OPTIONS, utf8=not certain, max_tags=MAX_TAGS)
                if doc is not None:
                    return doc
        check_tags(html, MAX_TAGS)
        encoding, text = decode_html(html, content_type)
        # libxml2 parses UTF-8 bytes faster than a Python string; other encodings as text.
        source: str | bytes = (
            without_controls(html) if encoding == "utf-8" else text_without_controls(text)
        )
    else:
        check_tags(html, MAX_TAGS)
        source = text = text_without_controls(html)
    if not text or text.isspace():
        raise ValueError("empty page")
    if isinstance(source, str):
        source = _XML_DECL.sub("", source, count=1)
    try:
        parser = _UTF8 if isinstance(source, bytes) else _PARSER
        return lxml_html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"unparsable HTML ({exc})") from None


def _extract_readable(
    html: bytes | str, url: str, profile: Profile, content_type: str | None
) -> Extraction:
    """:func:`_extract`, again on the page's text without control characters when lxml refused
    one in a tree edit. The cropped parse leaves them in: removing them from every page up
    front would cost that fast path a twentieth of its time, for the rare page that has them."""
    try:
        return _extract(html, url, profile, content_type)
    except ValueError as exc:
        if "XML compatible" not in str(exc):
            raise
    text = decode_html(html, content_type)[1] if isinstance(html, bytes) else html
    return _extract(text_without_controls(text), url, profile, content_type)


def _extract(html: bytes | str, url: str, profile: Profile, content_type: str | None) -> Extraction:
    try:
        doc = parse_html(html, content_type, profile.crop)
    except ValueError as exc:
        return Extraction(NotArticle(url, str(exc)))
    page = read_page_meta(doc)
    container = _first_match(doc, profile, "container")
    scope = container if container is not None else doc
    # One walk of the article indexes it for all the profile's selectors; not worth it for a
    # whole page read by a profile with two selectors.
    index = ClassIndex(scope) if container is not None else None
    body = _first_match(scope, profile, "body", index)
    if is_live_blog(page) and not profile.live_blogs:
        return Extraction(NotArticle(url, LIVE_BLOG, kind="live_blog"))
    reason = not_an_article(doc, page, body is not None)
    if reason:
        return Extraction(NotArticle(url, reason))

    fields = load_fields(scope, page, url, profile, index)
    canonical: str = fields.get("canonical_url") or url
    collector = LinkCollector(LinkContext(page_url=url, canonical_url=canonical, profile=profile))
    related_links(scope, collector, index)
    translation_links(page.alternates, collector)
    if body is not None and profile.slug != GENERIC:
        spared = prune(scope, profile.prune, index, within=body)
        inline_links(body, collector)
        raw = body_text(body, url, whole_page=False)
    else:
        # No body markup of the site: its furniture may have no class names either.
        spared = prune(scope, profile.prune, index)
        paragraph_links(scope, collector)
        labelled = drop_link_lists(scope, profile.phrases)
        if profile.slug == GENERIC and not labelled:
            raw = body_text(scope, url, whole_page=True)
            # Looking for related lists named only by a heading walks the whole page: on
            # unknown sites only when the text shows such a heading, then read it again.
            if has_related_heading(raw, profile.phrases) and _drop_labelled_related(
                scope, collector
            ):
                raw = body_text(scope, url, whole_page=True)
        else:
            _drop_labelled_related(scope, collector)
            raw = body_text(scope, url, whole_page=True)
    # The teaser is a standfirst the page shows apart from the body: its own element where the
    # profile names one; else the element a meta description repeats (whole, where the
    # description is cut), unless that is the body's lead paragraph, which stays in the text.
    # A description the page never shows is no teaser.
    teaser = fields.get("teaser") or ""
    if not fields["standfirst_found"]:
        teaser = ""
        # A site's page without its markup (older templates): the paragraph its cut meta
        # description begins. Not on unknown sites, where that is the lede.
        legacy = body is None and profile.slug != GENERIC
        if legacy:
            teaser = standfirst_line(raw, fields["descriptions"]) or ""
        teaser = teaser or shown_standfirst(doc, raw, fields["descriptions"], cuts=legacy)
    cleaned = clean_lines(
        raw,
        duplicates=[fields.get("title", ""), teaser],
        headlines=fields["headlines"],
        words=profile.phrases,
    )
    if len(cleaned.text) < MIN_TEXT_CHARS:
        # The rules that drop repeats (of the teaser, of the headline) must not empty an
        # article whose only paragraph the page also shows as its standfirst.
        lenient = clean_lines(raw, words=profile.phrases)
        if len(lenient.text) >= MIN_TEXT_CHARS:
            cleaned, spared = lenient, spared + 1
    if len(cleaned.text) < MIN_TEXT_CHARS:
        # Nothing in the markup: the page may ship its article for a script to draw.
        scripted = scripted_body(doc)
        if scripted is not None:
            cleaned = clean_lines(
                body_text(scripted, url, whole_page=False),
                duplicates=[fields.get("title", ""), teaser],
                headlines=fields["headlines"],
                words=profile.phrases,
            )
    if len(cleaned.text) < MIN_TEXT_CHARS:
        return Extraction(NotArticle(url, "no article text"), dict(collector.dropped), spared)
    if not fields.get("title"):
        return Extraction(NotArticle(url, "no title"), dict(collector.dropped), spared)
    article = Article(
        url=url,
        canonical_url=canonical,
        title=fields["title"],
        text=cleaned.text,
        teaser=teaser,
        authors=fields.get("authors") or [],
        published_at=fields.get("published_at"),
        modified_at=fields.get("modified_at"),
        language=fields.get("language"),
        section=fields.get("section"),
        tags=fields.get("tags") or [],
        image_url=fields.get("image_url"),
        site=profile.slug,
        extras={name: fields[name] for name in profile.meta if isinstance(fields.get(name), str)},
        sources=distinct([*(fields.get("sources") or []), *cleaned.sources]),
        captions=fields.get("captions") or [],
        links=collector.links,
        extractor_version=extractor_version(profile),
    )
    return Extraction(article, dict(collector.dropped), spared)


def _drop_labelled_related(scope: Any, collector: LinkCollector) -> bool:
    """Record and remove the related lists only a heading names; True if there were any."""
    found = labelled_related(scope, collector)
    for el in found:
        if el.getparent() is not None:
            el.drop_tree()
    return bool(found)


def _first_match(
    root: Any, profile: Profile, name: str, index: ClassIndex | None = None
) -> Any | None:
    for selector in profile.selectors[name]:
        found = selector.first(root, index)
        if found is not None:
            return found
    return None
