"""Responses of the demo site: a rendered page before its base URL is known, and the response
:func:`make_response` makes of it.

Pages are rendered with :data:`~newsbot.demo.model.BASE` standing for the server's base URL;
:func:`make_response` substitutes it and adds the caching headers.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from urllib.parse import quote

from newsbot.demo.model import BASE, BASE_QUOTED, SECURE_BASE, http_date

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
#: Last-Modified of the demo site's listings, sitemaps and feeds while no article changed.
FIXED_DATE = datetime(2026, 3, 24, 6, 0, tzinfo=UTC)


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
