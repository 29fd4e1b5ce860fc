"""Is this page an article? What the page says about itself first, then what it shows.

A page that declares itself an article (og:type, article JSON-LD, a publication time) is one.
A page that says nothing, or calls itself a "website" as some article pages do, is one when it
shows an article body: a run of prose paragraphs side by side in one element. Listings and home
pages show cards instead, each teaser alone in its own element, under linked headlines.
"""

from __future__ import annotations

from typing import Any

from newsbot.extract.meta import PageMeta
from newsbot.normalize import normalize_space

ARTICLE_OG_TYPES = ("article", "news")
#: A paragraph of prose: at least this many characters, most of them outside links.
_PROSE_CHARS = 40
#: An article body: at least this many prose paragraphs in one element, this much text.
_BODY_PARAGRAPHS = 3
_BODY_CHARS = 500
_HEADINGS = ("h2", "h3", "h4")


#: Why a live blog is not extracted (profiles may extract them: ``live_blogs = "extract"``).
LIVE_BLOG = "a live blog, not an article"


def is_live_blog(page: PageMeta) -> bool:
    """Whether the page's structured data calls it a live blog."""
    return any("LiveBlogPosting" in str(obj.get("@type")) for obj in page.jsonld)


def declares_article(page: PageMeta) -> bool:
    """The page's own claim to be an article: og:type, article JSON-LD or a publication time."""
    if (page.first("og:type") or "").lower().startswith(ARTICLE_OG_TYPES) or page.jsonld:
        return True
    return bool(page.first("article:published_time", "datepublished", "date.available"))


def not_an_article(doc: Any, page: PageMeta, body_found: bool) -> str | None:
    """Why the page is not an article, or None when it may be one. ``body_found``: the
    profile's own body markup matched."""
    if declares_article(page) or body_found:
        return None
    og_type = (page.first("og:type") or "").lower()
    if not og_type and sum(1 for _ in doc.iter("article")) == 1:
        return None
    if shows_article_body(doc):
        return None
    if og_type:
        return f"not an article page (og:type {og_type})"
    return "no sign of an article (og:type, JSON-LD, published time, a body of prose)"


def shows_article_body(doc: Any) -> bool:
    """Whether one element of the page holds a run of prose paragraphs (an article body), not
    a list of teasers under linked headlines."""
    body = doc.find("body")
    if body is None:
        return False
    paragraphs: dict[Any, list[int]] = {}
    for p in body.iter("p"):
        length = len(normalize_space(p.text_content()))
        if length < _PROSE_CHARS:
            continue
        linked = sum(len(a.text_content()) for a in p.iter("a"))
        if 2 * linked > length:
            continue
        paragraphs.setdefault(p.getparent(), []).append(length)
    for parent, lengths in paragraphs.items():
        if len(lengths) < _BODY_PARAGRAPHS or sum(lengths) < _BODY_CHARS or parent is None:
            continue
        linked_headings = sum(
            1 for h in parent.iterchildren(*_HEADINGS) if next(h.iter("a"), None) is not None
        )
        if 2 * linked_headings < len(lengths):
            return True
    return False
