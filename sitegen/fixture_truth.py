"""What a correct extraction of a hosted page gives, computed from the story truth alone.

Never from newsbot's extractor: these records are the ground truth the extraction fixtures hold
the extractor to. Strings are whitespace-normalised like :func:`newsbot.normalize.normalize_space`,
dates are ISO 8601 with zone, URLs are the canonical https URLs of the real hosts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from newsbot.demo.labels import CLOSE_BUTTON, COPY_BUTTON, labels
from newsbot.demo.model import ArticleView
from newsbot.demo.stories import strip_links
from newsbot.evaluate import COMPARED
from newsbot.normalize import normalize_space as ns
from sitegen import legacy_page, other_sites
from sitegen.edition_hosts import edition_url
from sitegen.fixture_site import HostedPage
from sitegen.truth import FURNITURE, credited_sources

#: The fields of an expected article, in the order expected.json lists them: the ones the
#: evaluation compares.
ARTICLE_FIELDS = COMPARED
_SENTENCE_END = re.compile(r"[.!?…»”“\"')]\s")


def body_paragraphs(v: ArticleView, keep: int | None = None) -> list[str]:
    """The true body paragraphs (plain text, normalised), the first ``keep`` only if given."""
    paragraphs = [ns(strip_links(p)) for p in v.version.paragraphs]
    return paragraphs if keep is None else paragraphs[:keep]


def last_sentences(cut: str) -> str:
    """A text cut mid-word, cut back to its last complete sentence."""
    ends = [m.start() + 1 for m in _SENTENCE_END.finditer(cut + " ")]
    return ns(cut[: ends[-1]]) if ends else ""


class _Links:
    """Links in the extractor's order and numbering: per kind, 1-based, no repeats, not self."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.items: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, kind: str, url: str, anchor: str = "", label: str = "") -> None:
        if url == self.page_url or (kind, url) in self._seen:
            return
        self._seen.add((kind, url))
        position = 1 + sum(1 for link in self.items if link["kind"] == kind)
        self.items.append(
            {
                "kind": kind,
                "url": url,
                "anchor_text": ns(anchor),
                "label": ns(label),
                "position": position,
            }
        )


def euronews_links(
    page: HostedPage, keep: int | None = None, related_label: str | None = None
) -> list[dict[str, Any]]:
    """Related, inline-related, translation and inline links of a Euronews article page.

    ``keep`` (a truncated page) keeps what stands before the end of paragraph ``keep``;
    ``related_label`` overrides the related block's heading (class-less pages)."""
    v = page.view
    assert v is not None
    lab = labels(v.language)
    links = _Links(page.url)
    if keep is None:
        template = v.story.template
        label = related_label or (lab.related_2024 if template == 2024 else lab.related_2026)
        for c in v.related:
            links.add("related", edition_url(c.path), c.title, label)
    if v.inline_related and related_label is None:
        after, c = v.inline_related
        if keep is None or after < keep - 1:
            links.add("inline-related", edition_url(c.path), c.title, lab.inline_related)
    for language, path in v.hreflang:
        links.add("translation", edition_url(path), "", language)
    for segments in v.paragraphs[:keep]:
        for seg in segments:
            if seg.href is not None and not seg.external:
                links.add("inline", edition_url(seg.href), seg.text)
    return links.items


def euronews_article(page: HostedPage, keep: int | None = None) -> dict[str, Any]:
    """The expected article of a Euronews article page (2024 or 2026 template)."""
    v = page.view
    assert v is not None
    s, ver = v.story, v.version
    captions = [ver.image_caption] + [
        text for i, text in sorted(v.captions.items()) if keep is None or i < keep - 1
    ]
    record: dict[str, Any] = {
        "url": page.url,
        "canonical_url": page.url,
        "title": ns(ver.title),
        "teaser": ns(ver.teaser),
        "authors": [ns(a) for a in ver.authors],
        "published_at": s.published_at.isoformat(),
        "modified_at": s.modified_at.isoformat(),
        "language": v.language,
        "section": s.vertical or "news",
        "tags": [ns(t) for t in ver.tags],
        "image_url": v.card.image,
        "site": "euronews",
        "extras": {"story_id": str(s.story_id), "event_id": str(s.event_id)},
        # A cut page still shows its byline, not the footer after the text.
        "sources": list(credited_sources(ver) if keep is None else ver.byline_agencies),
        "captions": [ns(c) for c in captions],
        "links": euronews_links(page, keep),
    }
    return record


def legacy_article(page: HostedPage, teaser: str) -> dict[str, Any]:
    """The expected article of a class-less older page; ``teaser`` is what it shows of it."""
    v = page.view
    assert v is not None
    record = euronews_article(page)
    heading = legacy_page.RELATED_HEADING.get(v.language, labels(v.language).related_2024)
    record.update(
        teaser=teaser,
        extras={},
        sources=[],
        captions=[],
        links=euronews_links(page, related_label=heading),
    )
    return record


def other_site_article(page: HostedPage) -> dict[str, Any]:
    """The expected article of a page of another site (read with the generic profile)."""
    v = page.view
    assert v is not None
    s, ver = v.story, v.version
    site = other_sites.SITES[s.id]
    links = _Links(page.url)
    for segments in v.paragraphs:
        for seg in segments:
            if seg.href and seg.href.startswith(f"https://{site.host}/"):
                links.add("inline", seg.href, seg.text)
    return {
        "url": page.url,
        "canonical_url": page.url,
        "title": ns(ver.title),
        # A standfirst only where the page shows one: a description in meta tags alone is not.
        "teaser": ns(ver.teaser) if other_sites.shows_standfirst(site) else "",
        "authors": [ns(a) for a in ver.authors],
        "published_at": s.published_at.isoformat(),
        "modified_at": s.modified_at.isoformat(),
        "language": site.language,
        "section": site.section,
        "tags": [ns(t) for t in ver.tags],
        "image_url": other_sites.image(site, v, "lead"),
        "site": "generic",
        "extras": {},
        "sources": [],
        "captions": [ns(ver.image_caption)] + [ns(c) for _, c in sorted(v.captions.items())],
        "links": links.items,
    }


def visible_text(page_html: str) -> str:
    """The page's text as a reader could see it (tags dropped, entities decoded), roughly."""
    body = page_html[page_html.find("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return ns(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def distinctive(label: str) -> bool:
    """A label distinctive enough to demand its absence: several words, or shouted."""
    return len(label.split()) >= 2 or (label.isupper() and len(label) > 3)


def furniture_labels(
    page: HostedPage, extra: Iterable[str] = (), page_html: str | None = None
) -> list[str]:
    """The distinctive furniture labels the page (or ``page_html``, a cut copy) shows, in a
    fixed order: labels of several words, shouted labels and the ad label."""
    v = page.view
    language = page.language
    lab = labels(language)
    candidates = [getattr(lab, name) for name in FURNITURE]
    candidates += [COPY_BUTTON, CLOSE_BUTTON, *extra]
    if v is not None and v.story.template == 2015:
        candidates.append(legacy_page.EMBED_PROMPT.get(language, ""))
        candidates.append(legacy_page.RELATED_HEADING.get(language, ""))
    shown = visible_text(page.html if page_html is None else page_html)
    out: list[str] = []
    for label in candidates:
        label = ns(label)
        wanted = distinctive(label) or label == lab.ad
        if label and wanted and label in shown and label not in out:
            out.append(label)
    return out
