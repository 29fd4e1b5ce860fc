"""What the demo sites serve and share: responses, the truth record of an article page, and the
interface (:class:`ServedSite`) the server and the tests rely on.

Pages are rendered with :data:`~newsbot.demo.model.BASE` standing for the server's base URL;
:func:`make_response` substitutes it and adds the caching headers.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Protocol
from urllib.parse import quote

from newsbot.demo.build import article_path
from newsbot.demo.model import BASE, BASE_QUOTED, SECURE_BASE, ArticleView, http_date, iso
from newsbot.demo.stories import strip_links

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
#: Last-Modified of the demo site's listings, sitemaps and feeds while no article changed.
FIXED_DATE = datetime(2026, 3, 24, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoArticle:
    """The truth about one article page: what a correct crawl archives for it."""

    story: str
    edition: str
    language: str
    path: str
    title: str
    teaser: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    published_at: str
    modified_at: str
    section: str
    template: int
    video: bool
    image_url: str
    paragraphs: tuple[str, ...]
    subheads: tuple[str, ...]
    captions: tuple[str, ...]
    sources: tuple[str, ...]
    related: tuple[str, ...]
    inline_related: tuple[str, ...]
    inline_links: tuple[tuple[str, str], ...]
    hreflang: tuple[tuple[str, str], ...]
    translations: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoResponse:
    """One response of a site. ``gzipped``, when a site keeps it, is ``body`` compressed as the
    server would compress it, so that the server need not compress it again; a site that keeps
    only that passes ``plain=None`` and ``body`` is decompressed on first use (a server sending
    it gzipped never pays for that)."""

    status: int
    headers: list[tuple[str, str]]
    plain: bytes | None = field(repr=False)
    gzipped: bytes | None = field(default=None, compare=False, repr=False)

    @cached_property
    def body(self) -> bytes:
        if self.plain is not None:
            return self.plain
        assert self.gzipped is not None, "a response needs its body, plain or gzipped"
        return gzip.decompress(self.gzipped)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


@dataclass(frozen=True)
class Page:
    """A rendered page before the base URL is known."""

    status: int
    content_type: str
    text: str
    last_modified: datetime
    location: str | None = None


class ServedSite(Protocol):
    """What :class:`~newsbot.demo.DemoServer` serves and what tests read as the truth:
    :class:`~newsbot.demo.DemoSite` and :class:`~newsbot.demo.GeneratedSite` both offer it."""

    @property
    def editions(self) -> tuple[str, ...]: ...

    @property
    def articles(self) -> tuple[DemoArticle, ...]: ...

    @property
    def video_paths(self) -> tuple[str, ...]: ...

    @property
    def disallowed_paths(self) -> tuple[str, ...]: ...

    @property
    def missing_paths(self) -> tuple[str, ...]: ...

    @property
    def redirects(self) -> Mapping[str, str]: ...

    def article(self, path: str) -> DemoArticle: ...

    def furniture_strings(self, language: str) -> tuple[str, ...]: ...

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse: ...

    def change_article(
        self,
        path: str,
        *,
        title: str | None = None,
        add_paragraph: str | None = None,
        modified_at: str | None = None,
    ) -> DemoArticle: ...


def article_truth(v: ArticleView) -> DemoArticle:
    """The truth of the article page ``v`` renders."""
    s, ver = v.story, v.version
    links = tuple(
        (seg.href, seg.text) for para in v.paragraphs for seg in para if seg.href is not None
    )
    return DemoArticle(
        story=s.id,
        edition=v.edition,
        language=v.language,
        path=v.path,
        title=ver.title,
        teaser=ver.teaser,
        authors=ver.authors,
        tags=ver.tags,
        published_at=iso(s.published_at),
        modified_at=iso(s.modified_at),
        section=s.vertical or "news",
        template=s.template,
        video=s.video,
        image_url=v.card.image,
        paragraphs=tuple(strip_links(p) for p in ver.paragraphs),
        subheads=tuple(text for _, text in ver.subheads),
        captions=tuple(text for _, text in ver.captions),
        sources=ver.credited_sources,
        related=tuple(c.path for c in v.related),
        inline_related=(v.inline_related[1].path,) if v.inline_related else (),
        inline_links=links,
        hreflang=v.hreflang,
        translations=tuple(
            (o.language, article_path(s, o)) for o in s.versions if o.language != v.language
        ),
    )


def make_response(page: Page, base_url: str) -> DemoResponse:
    """``page`` as served at ``base_url``: placeholders replaced, ETag (a digest of the body),
    Last-Modified and caching headers added."""
    base = base_url.rstrip("/")
    text = page.text.replace(BASE_QUOTED, quote(base, safe="")).replace(BASE, base)
    text = text.replace(SECURE_BASE, base)
    body = text.encode("utf-8")
    headers = [
        ("Content-Type", page.content_type),
        ("Content-Length", str(len(body))),
        ("ETag", f'"{hashlib.sha256(body).hexdigest()[:32]}"'),
        ("Last-Modified", http_date(page.last_modified)),
        ("Cache-Control", "public, max-age=60"),
        ("Vary", "Accept-Encoding"),
    ]
    if page.location:
        headers.append(("Location", base + page.location))
    return DemoResponse(page.status, headers, body)


def newest(dates: Iterable[datetime], floor: datetime = FIXED_DATE) -> datetime:
    """Last-Modified of a document listing entries of these dates: the latest of them, never
    earlier than ``floor``, so that it moves forward when an entry changes."""
    return max((floor, *dates))
