"""The records that flow from capture to archive.

Plain dataclasses, no Scrapy: spiders yield :class:`Capture` items (Scrapy accepts dataclass
items), pipelines turn them into :class:`Article` and :class:`Link` records, and the archive
stores all three. Re-extraction builds the same records from captures read back from the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: Where a capture came from in the site's structure; decides what the pipelines do with it.
CaptureKind = Literal["article", "sitemap", "feed", "section", "page"]

#: What an article-to-URL link means (see the links table).
LinkKind = Literal["related", "inline-related", "translation", "inline"]


@dataclass(frozen=True)
class StoredBody:
    """A body already named by its sha256 and compressed (by an extraction worker, off the
    crawler's event loop), ready for the archive to store as is."""

    sha256: str
    codec: str
    data: bytes = field(repr=False)
    #: Length of the body itself (not of ``data``).
    size: int = 0


@dataclass
class Capture:
    """One fetch, exactly as the server answered it. Never edited once archived.

    ``url`` is the URL that was requested first, ``final_url`` the one that answered after
    redirects. ``body`` is the raw bytes as received (after transfer decoding). A fetch that got
    no answer at all has ``status`` 0, an empty body and ``error`` saying why.

    ``content_encoding`` names the HTTP content coding ``body`` is still in ("gzip"), left for
    an extraction worker to decode (:mod:`newsbot.content_coding`); empty when ``body`` is plain.
    """

    url: str
    final_url: str
    status: int
    headers: list[tuple[str, str]] = field(repr=False)
    body: bytes = field(repr=False)
    fetched_at: str
    site: str
    kind: CaptureKind = "page"
    error: str | None = None
    content_encoding: str = ""
    #: How the crawl came to fetch it (depth, where it was listed); not part of the record.
    crawl_meta: dict[str, Any] = field(default_factory=dict, repr=False)
    # Filled by the pipelines, not by spiders.
    article: Article | None = None
    not_article: str | None = None
    #: A live blog its profile records without extracting (then not_article says so too).
    live_blog: bool = False
    capture_id: int | None = None
    stored_body: StoredBody | None = field(default=None, repr=False)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


@dataclass(frozen=True)
class Link:
    """One link from an article to a URL: what kind it is, where it stood, what it said."""

    kind: LinkKind
    url: str
    anchor_text: str = ""
    label: str = ""
    position: int = 0


@dataclass(frozen=True)
class Article:
    """The clean article extracted from one capture.

    Dates are ISO 8601 with time and zone (``2026-03-24T15:41:34+01:00``); lists are never None.
    """

    url: str
    canonical_url: str
    title: str
    text: str
    teaser: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    site: str = "generic"
    #: Fields only some sites have, named by their profile's ``[meta]`` table and read from
    #: the page's meta tags (Euronews: ``story_id``, ``event_id``); only those the page gives.
    extras: dict[str, str] = field(default_factory=dict)
    #: News agencies the article names as sources ("Weitere Quellen • AP, dpa" → AP, dpa).
    sources: list[str] = field(default_factory=list)
    #: Picture captions (lead picture first): never part of ``text``.
    captions: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    extractor_version: str = ""


@dataclass(frozen=True)
class NotArticle:
    """What extraction returns for a page that is not an article, saying why. It is falsy.

    ``kind`` says what the page is: ``not_article`` (a listing, an error page, unreadable …),
    or ``live_blog`` (a live blog its profile records without extracting: not a failure)."""

    url: str
    reason: str
    kind: str = "not_article"

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class Reextracted:
    """A new extraction of one stored capture (made in a worker)."""

    capture_id: int
    url: str
    article: Article | None
    #: Why there is no article.
    reason: str | None = None
    live_blog: bool = False
    failed: bool = False
    content_hash: str | None = None
    extractor_version: str | None = None
