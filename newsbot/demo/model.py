"""What the page templates render: resolved views of stories, plus small markup helpers.

Pages are rendered once with :data:`BASE` standing for the server's base URL
(``http://127.0.0.1:PORT``); the server substitutes it per request.
"""

from __future__ import annotations

import hashlib
import html
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from newsbot.demo.stories import Story, StoryVersion

BASE = "@@BASE@@"
BASE_QUOTED = quote(BASE, safe="")
# Links the real site writes in https even where the rest of the page says http (body text).
SECURE_BASE = "@@SECURE-BASE@@"
# Images are not served; they live on a fixed host that never resolves (RFC 2606 .invalid).
IMAGE_HOST = "https://static.newsbot-demo.invalid"


def esc(text: str) -> str:
    """Text escaped for HTML content and double-quoted attributes."""
    return html.escape(text, quote=True)


def url(path: str) -> str:
    """Absolute URL (with the base placeholder) of a root-relative path."""
    return BASE + path


def secure_url(path: str) -> str:
    """Absolute https URL (with the secure base placeholder) of a root-relative path."""
    return SECURE_BASE + path


def qurl(path: str) -> str:
    """Absolute URL of ``path``, percent-encoded as a query value."""
    return BASE_QUOTED + quote(path, safe="")


def js_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def attr_json(obj: Any) -> str:
    """JSON escaped for a double-quoted attribute."""
    return esc(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def digest(text: str, n: int = 20) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


# Latin letters NFKD does not reduce to ASCII, and German's as the site writes them in URLs.
_TRANSLIT = str.maketrans({
    "ł": "l", "ı": "i", "ø": "o", "đ": "d", "œ": "oe", "æ": "ae", "ß": "ss", "ä": "ae", "ö": "oe",
    "ü": "ue",
})  # fmt: skip


def slugify(text: str) -> str:
    """URL slug of a tag or label: Latin letters lose their accents (German umlauts become
    ae, oe, ue), other scripts keep their letters."""
    text = text.lower().translate(_TRANSLIT)
    out = []
    for c in text:
        plain = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode("ascii")
        if plain:
            out.append("".join(p if p.isalnum() else "-" for p in plain))
        elif unicodedata.combining(c):
            continue
        else:
            out.append(c if c.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p) or "tag"


def meta_date(when: datetime) -> str:
    """``2026-03-24 15:41:34 +01:00``, the format of the date metas and the 2026 <time>."""
    off = when.strftime("%z")
    return when.strftime("%Y-%m-%d %H:%M:%S ") + f"{off[:3]}:{off[3:]}"


def timestamp(when: datetime) -> int:
    return int(when.timestamp())


def http_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def gmt_label(when: datetime) -> str:
    """``GMT+1`` for a +01:00 offset."""
    off = when.utcoffset()
    hours = int(off.total_seconds() // 3600) if off else 0
    return "GMT" if hours == 0 else f"GMT{hours:+d}"


def image_url(story: str, language: str, name: str = "lead") -> str:
    return (
        f"{IMAGE_HOST}/articles/{story}/{language}/{name}-{digest(story + language + name, 8)}.jpg"
    )


@dataclass(frozen=True)
class Card:
    """A link to a page with what listings and teasers show of it."""

    story: str
    language: str
    path: str
    title: str
    teaser: str
    image: str
    program: str  # programme label
    section_path: str  # listing the programme label links to
    vertical: str
    video: bool
    published: datetime
    kind: str = "article"  # or "video"


@dataclass(frozen=True)
class Segment:
    """A run of paragraph text; ``href`` is a demo path (``/de/...``) or an external URL."""

    text: str
    href: str | None = None

    @property
    def external(self) -> bool:
        return bool(self.href) and not (self.href or "").startswith("/")


@dataclass(frozen=True)
class ArticleView:
    """Everything an article page shows, resolved (paths are root-relative)."""

    story: Story
    version: StoryVersion
    edition: str
    card: Card
    paragraphs: tuple[tuple[Segment, ...], ...]
    subheads: dict[int, str]  # before paragraph i
    captions: dict[int, str]  # after paragraph i
    inline_related: tuple[int, Card] | None  # after paragraph i (0-based)
    related: tuple[Card, ...]
    hreflang: tuple[tuple[str, str], ...]
    x_default: str
    top_stories: tuple[Card, ...]
    most_read: tuple[Card, ...]
    tags: tuple[tuple[str, str], ...]  # (label, tag page path)
    video_path: str | None
    program_label: str
    breadcrumbs: tuple[tuple[str, str], ...]  # (label, path), home excluded

    @property
    def path(self) -> str:
        return self.card.path

    @property
    def language(self) -> str:
        return self.version.language


@dataclass(frozen=True)
class EditionView:
    """Edition-wide data the chrome shows on every page of the edition."""

    code: str
    language: str
    latest: tuple[Card, ...]  # articles, newest first
    trending: tuple[tuple[str, str], ...]  # (tag label, tag path)
    by_vertical: dict[str, tuple[Card, ...]]
    vertical_tags: dict[str, tuple[tuple[str, str], ...]]  # (tag label, tag path)
    programmes: tuple[tuple[str, str], ...]  # (label, slug)
    home_paths: dict[str, str]  # language -> edition home path


def programme_label(slug: str) -> str:
    return " ".join(w.capitalize() for w in slug.split("-"))
