"""The three readings ``newsbot eval`` compares on every page, timed in CPU seconds.

- ``newsbot``: :func:`newsbot.extract.extract_article`, as the crawl runs it.
- ``trafilatura``: plain ``trafilatura.extract(page, url=url)`` with its default options (the
  time counted), and the metadata ``bare_extraction(..., with_metadata=True)`` would give.
- ``options``: plain ``trafilatura.extract`` with the options newsbot itself hands it for a
  whole page (:func:`newsbot.extract.text.trafilatura_options`); those ask for no metadata.

The three run interleaved page by page, in an order that rotates, so a busy machine or a warm
cache favours none of them.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from copy import copy
from dataclasses import asdict, dataclass, replace
from typing import Any

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor

from newsbot.extract import Article, extract_article
from newsbot.extract.dates import to_iso8601
from newsbot.extract.text import trafilatura_options

#: The extractors in table order, with the heading each column prints.
EXTRACTORS = ("newsbot", "trafilatura", "options")
HEADINGS = {
    "newsbot": ("newsbot", ""),
    "trafilatura": ("trafilatura", "defaults"),
    "options": ("trafilatura", "newsbot's opts"),
}
_TOKEN = re.compile(r"\w+")


class EvalError(ValueError):
    """A folder cannot be evaluated; the message is one line for the user."""


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1 ("1 real page", "3 articles")."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased: the unit every body score counts."""
    return _TOKEN.findall(text.lower())


def tokens(text: str) -> Counter[str]:
    """The words of ``text`` as a multiset."""
    return Counter(words(text))


@dataclass(frozen=True)
class Reading:
    """What one extractor read off one page.

    ``fields`` holds the article's fields under newsbot's names (None: no article: refused, with
    ``reason``); ``lead`` is the standfirst newsbot shows apart from ``text`` ("" for
    trafilatura); ``cpu`` the CPU seconds the extraction took.
    """

    fields: dict[str, Any] | None
    text: str
    lead: str = ""
    reason: str = ""
    cpu: float = 0.0

    @property
    def body(self) -> str:
        """The article's whole text as the page shows it: the standfirst, then the text."""
        return "\n".join(part for part in (self.lead, self.text) if part)


@dataclass(frozen=True)
class Page:
    """One page to read: its bytes and what the crawl would know about it."""

    html: bytes
    url: str
    site: str | None = None
    content_type: str | None = None
    captured_at: str | None = None


def read_newsbot(page: Page) -> Reading:
    result = extract_article(
        page.html,
        page.url,
        page.site,
        content_type=page.content_type,
        captured_at=page.captured_at,
    )
    if not isinstance(result, Article):
        return Reading(None, "", reason=result.reason)
    return Reading(asdict(result), result.text, lead=result.teaser)


def read_trafilatura(page: Page) -> Reading:
    text = trafilatura.extract(page.html, url=page.url) or ""
    return Reading(None, "", reason="no text") if not text else Reading({}, text)


def trafilatura_metadata(page: Page) -> dict[str, Any]:
    """trafilatura's metadata mapped onto newsbot's field names (what it cannot read: absent).

    Read the way ``bare_extraction(page, url=url, with_metadata=True)`` reads it.
    """
    options = Extractor(url=page.url, with_metadata=True)
    doc = extract_metadata(
        page.html, options.url, options.date_params, options.fast, options.author_blacklist
    )
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    tags = [t.strip() for t in doc.tags if t.strip()] if isinstance(doc.tags, list) else []
    return {
        "url": page.url,
        "canonical_url": doc.url,
        "title": doc.title,
        "teaser": doc.description or "",
        "authors": authors,
        "published_at": to_iso8601(doc.date or "") or doc.date,
        "tags": tags,
        "image_url": doc.image,
    }


#: The fields trafilatura can read at all (with its metadata); newsbot's options ask for no
#: metadata. A field an extractor cannot read prints "n/a" in its column, never 0%.
TRAFILATURA_FIELDS = frozenset(
    {
        "url",
        "canonical_url",
        "title",
        "teaser",
        "authors",
        "published_at",
        "tags",
        "image_url",
    }
)


def reads_field(extractor: str, name: str) -> bool:
    """True when ``extractor`` (one of :data:`EXTRACTORS`) can read the field ``name``."""
    if extractor == "newsbot":
        return True
    return extractor == "trafilatura" and name in TRAFILATURA_FIELDS


def read_with_newsbot_options(page: Page) -> Reading:
    options = copy(trafilatura_options(True))
    options.url = options.source = page.url
    text = trafilatura.extract(page.html, options=options) or ""
    return Reading(None, "", reason="no text") if not text else Reading({}, text)


_READERS: dict[str, Callable[[Page], Reading]] = {
    "newsbot": read_newsbot,
    "trafilatura": read_trafilatura,
    "options": read_with_newsbot_options,
}


def read_all(page: Page, turn: int) -> dict[str, Reading]:
    """The three readings of ``page``; ``turn`` (the page's index) rotates who goes first.

    Only the extraction is timed; trafilatura's metadata is read afterwards, untimed, as
    ``trafilatura.extract``'s default output (the baseline) carries none.
    """
    readings: dict[str, Reading] = {}
    start = turn % len(EXTRACTORS)
    for name in EXTRACTORS[start:] + EXTRACTORS[:start]:
        began = time.process_time()
        reading = _READERS[name](page)
        cpu = time.process_time() - began
        readings[name] = replace(reading, cpu=cpu)
    plain = readings["trafilatura"]
    if plain.fields is not None:
        readings["trafilatura"] = replace(plain, fields=trafilatura_metadata(page))
    return readings


def warm_up() -> None:
    """Import and cache what every extractor needs once, so the first page's time is its own."""
    html = "<html><body>" + "<p>warm up the stoplists and the profiles</p>" * 20
    page = Page((html + "</body></html>").encode(), "https://example.org/news/warm-up")
    for name in EXTRACTORS:
        _READERS[name](page)
