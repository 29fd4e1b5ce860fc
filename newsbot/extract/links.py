"""Article-to-article links a page offers: related blocks, inline boxes, translations, inline links.

Read from the tree before the furniture is pruned (related blocks are furniture for the text but
links for the graph). Every target is absolute and canonical, resolved against the page's own
canonical URL when that is on the site (a page read from a mirror links to the real site, not
to the mirror). Links that are not web URLs, point back at the page itself or at a page without
an article's address are dropped here, counted by the caller; pages the profile does not
extract (video pages, live blogs) are still linked to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from newsbot.extract.text import related_headings
from newsbot.extract.urls import canonicalize_url, same_site
from newsbot.items import Link, LinkKind
from newsbot.normalize import normalize_space
from newsbot.sites import ClassIndex, Profile


@dataclass(frozen=True)
class LinkContext:
    """What deciding about a link needs: where the page is and how its site writes URLs."""

    page_url: str
    canonical_url: str
    profile: Profile

    @cached_property
    def base(self) -> str:
        """What relative links are resolved against: the canonical URL when it is on the
        page's site (a mirror serves real pages under its own address), else the page URL (a
        canonical on another site names where the text came from, not where its links go)."""
        if same_site(self.canonical_url, self.page_url, self.profile.domains):
            return self.canonical_url
        return self.page_url

    def target(self, href: str) -> str | None:
        return canonicalize_url(
            href,
            base=self.base,
            strip_params=self.profile.strip_params,
            https_hosts=self.profile.domains,
        )

    def is_article(self, url: str) -> bool:
        """True when ``url`` has the address of an article page of the site, also one the
        profile leaves unextracted (a video page is a page a reader is sent to)."""
        return bool(self.profile.article_re.search(urlsplit(url).path))


class LinkCollector:
    """Accumulates links per kind with 1-based positions, skipping repeats within a kind."""

    def __init__(self, ctx: LinkContext) -> None:
        self.ctx = ctx
        self.links: list[Link] = []
        self.dropped: Counter[str] = Counter()
        self._seen: set[tuple[str, str]] = set()
        self._count: Counter[str] = Counter()

    def add(self, kind: LinkKind, href: str, anchor: str = "", label: str = "") -> None:
        """Add a link by its href as written on the page."""
        url = self.ctx.target(href)
        if url is None:
            self.dropped["bad_url"] += 1
            return
        self.add_url(kind, url, anchor, label)

    def add_url(self, kind: LinkKind, url: str, anchor: str = "", label: str = "") -> None:
        """Add a link whose target is already canonical."""
        if url == self.ctx.canonical_url:
            self.dropped["self"] += 1
            return
        if (kind, url) in self._seen:
            return
        self._seen.add((kind, url))
        self._count[kind] += 1
        self.links.append(Link(kind, url, normalize_space(anchor), label, self._count[kind]))


def anchor_text(a: Any) -> str:
    """Visible text of a link, else its aria-label or title."""
    text = normalize_space(a.text_content())
    return text or normalize_space(a.get("aria-label", "") or a.get("title", ""))


def related_links(
    container: Any, collector: LinkCollector, index: ClassIndex | None = None
) -> None:
    """Links of the profile's related blocks under ``container``, in document order per block."""
    for block_rule in collector.ctx.profile.related:
        for block in block_rule.block.select(container, index):
            label = ""
            if block_rule.label is not None:
                labels = block_rule.label.values(block)
                label = labels[0] if labels else ""
            by_url: dict[str, str] = {}
            for a in block.iter("a"):
                href = a.get("href")
                if href is None:
                    continue  # an anchor, not a link
                url = collector.ctx.target(href)
                if url is None or not collector.ctx.is_article(url):
                    if url is None:
                        collector.dropped["bad_url"] += 1
                    continue
                # A card links its picture, its label and its title to the same article: the
                # longest anchor text (the title) names it.
                text = anchor_text(a)
                if len(text) > len(by_url.get(url, "")) or url not in by_url:
                    by_url[url] = text
            for url, text in by_url.items():
                collector.add_url(block_rule.kind, url, text, label)


def translation_links(alternates: list[tuple[str, str]], collector: LinkCollector) -> None:
    """hreflang alternates that are articles: not x-default, not the page, not a home page."""
    for lang, href in alternates:
        if lang.lower() == "x-default":
            continue
        url = collector.ctx.target(href)
        if url is None:
            collector.dropped["bad_url"] += 1
            continue
        if not collector.ctx.is_article(url):
            continue
        collector.add_url("translation", url, "", lang)


def inline_links(body: Any, collector: LinkCollector) -> None:
    """Links inside the body text to other articles of the same site."""
    ctx = collector.ctx
    for a in body.iter("a"):
        href = a.get("href")
        if href is None:
            continue  # an anchor, not a link
        url = ctx.target(href)
        if url is None:
            collector.dropped["bad_url"] += 1
            continue
        if same_site(url, ctx.page_url, ctx.profile.domains) and ctx.is_article(url):
            collector.add_url("inline", url, anchor_text(a))


_LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "li", "dt")


def _is_related_heading(el: Any, labels: frozenset[str]) -> bool:
    own = el.text
    if not own or len(own) > 80:
        return False
    text = normalize_space(own).rstrip(" :").casefold()
    return text in labels and normalize_space(el.text_content()).rstrip(" :").casefold() == text


def _inline_label(el: Any, labels: frozenset[str]) -> str | None:
    """The label of a one-line related box ("Lesen Sie auch: <a>…</a>", "Les også: <a>…</a>"):
    an element whose own text is a related heading and whose other text is its links'."""
    own = el.text
    if not own or len(own) > 80 or ":" not in own:
        return None
    label = normalize_space(own).rstrip(" :")
    if label.casefold() not in labels:
        return None
    total, linked = _link_share(el)
    if not linked or total - linked > len(label) + 10:
        return None
    return label


def _link_share(el: Any) -> tuple[int, int]:
    """(characters of text, characters of it inside links) of an element."""
    total = len(normalize_space(el.text_content()))
    linked = sum(len(normalize_space(a.text_content())) for a in el.iter("a"))
    return total, linked


def labelled_related(root: Any, collector: LinkCollector) -> list[Any]:
    """Blocks of links that only a heading names ("Zum selben Thema", "Read more", …): pages
    whose markup has no class for them. The heading's following siblings made mostly of links
    are the block; a block that text paragraphs follow is an inline box. Their links are added
    to ``collector``; the elements (heading included) are returned for the caller to prune."""
    labels = related_headings(collector.ctx.profile.phrases)
    blocks: list[Any] = []
    claimed: set[Any] = set()
    for el in list(root.iter(*_LABEL_TAGS)):
        if el in claimed:
            continue
        if not _is_related_heading(el, labels):
            inline = _inline_label(el, labels)
            if inline is not None:
                box = _one_line_box(el, root)
                for a in box.iter("a"):
                    url = collector.ctx.target(a.get("href", ""))
                    if url and collector.ctx.is_article(url):
                        collector.add_url("inline-related", url, anchor_text(a), inline)
                blocks.append([box])
                claimed.update(box.iter())
            continue
        anchor = el
        # A heading wrapped on its own (<div><h2>Read more</h2></div>): its wrapper is the item.
        while anchor.getnext() is None and anchor.getparent() is not None:
            if anchor.getparent() is root:
                break
            anchor = anchor.getparent()
        items: list[Any] = []
        sibling = anchor.getnext()
        while sibling is not None:
            total, linked = _link_share(sibling)
            if total and linked * 10 < total * 6:
                break  # a paragraph of text: the block ended
            items.append(sibling)
            sibling = sibling.getnext()
        links = [a for item in items for a in item.iter("a") if a.get("href")]
        if not links:
            continue
        kind: LinkKind = "inline-related" if sibling is not None else "related"
        label = normalize_space(el.text_content()).rstrip(" :")
        for a in links:
            url = collector.ctx.target(a.get("href", ""))
            if url and collector.ctx.is_article(url):
                collector.add_url(kind, url, anchor_text(a), label)
        blocks.append([anchor, *items])
        claimed.update(e for part in (anchor, *items) for e in part.iter())
    return [el for block in blocks for el in block]


def _one_line_box(el: Any, root: Any) -> Any:
    """``el``, or the wrappers that hold nothing else (the <p> around a <b>Read more: …</b>)."""
    text = normalize_space(el.text_content())
    while el.getparent() is not None and el.getparent() is not root:
        if normalize_space(el.getparent().text_content()) != text:
            break
        el = el.getparent()
    return el


#: A paragraph this long is body text (navigation, tag lists and captions are shorter).
_BODY_PARAGRAPH = 80


def paragraph_links(root: Any, collector: LinkCollector) -> None:
    """Inline links where no markup names the body: links to other articles of the same site
    inside paragraphs long enough to be body text, outside comment threads."""
    ctx = collector.ctx
    for p in root.iter("p"):
        if len(normalize_space(p.text_content())) < _BODY_PARAGRAPH or _in_comments(p):
            continue
        for a in p.iter("a"):
            url = ctx.target(a.get("href", ""))
            if url and same_site(url, ctx.page_url, ctx.profile.domains) and ctx.is_article(url):
                collector.add_url("inline", url, anchor_text(a))


def _in_comments(el: Any) -> bool:
    return any(
        "comment" in f"{a.get('class', '')} {a.get('id', '')}".lower() for a in el.iterancestors()
    )
