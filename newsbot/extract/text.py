"""Body text: prune the furniture from the tree, let trafilatura read what is left, filter lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import trafilatura
from lxml import html as lxml_html

from newsbot.normalize import normalize_space
from newsbot.sites import Selector, furniture_phrases

# Separators that glue furniture labels together on one line ("Teilen • Kommentare").
_GLUE = r"[\s•·|:,.!/\-–—]*"


@cache
def _phrase_line() -> re.Pattern[str]:
    phrases = sorted(furniture_phrases(), key=len, reverse=True)
    alternation = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"^{_GLUE}(?:(?:{alternation}){_GLUE})+$", re.IGNORECASE)


def is_furniture_line(line: str) -> bool:
    """True for a line made only of furniture phrases, alone or run together.

    "Diesen Artikel teilenKommentare" is furniture; "Sie teilen diesen Artikel gern" is a sentence.
    """
    stripped = line.strip()
    return bool(stripped) and bool(_phrase_line().match(stripped))


def filter_lines(text: str) -> str:
    """Paragraphs of ``text`` (one per line) without furniture lines, joined by blank lines."""
    kept = [normalize_space(line) for line in text.splitlines()]
    return "\n\n".join(line for line in kept if line and not is_furniture_line(line))


def prune(root: Any, selectors: Iterable[Selector]) -> int:
    """Remove every element matching ``selectors`` from the tree (keeping the text after it).

    Returns how many elements were removed.
    """
    removed = 0
    for selector in selectors:
        for el in selector.xpath(root):
            if el.getparent() is not None:
                el.drop_tree()
                removed += 1
    return removed


def body_text(container: Any, url: str, *, whole_page: bool) -> str:
    """The article text under ``container`` as paragraphs separated by blank lines.

    ``whole_page`` hands trafilatura the full document with its own boilerplate detection (the
    generic profile); otherwise the container is already the article body and trafilatura only
    turns it into clean text.
    """
    if whole_page:
        raw = trafilatura.extract(
            container, url=url, include_comments=False, include_tables=True, deduplicate=False
        )
    else:
        doc = lxml_html.Element("html")
        body = lxml_html.Element("body")
        doc.append(body)
        body.append(container)
        raw = trafilatura.extract(
            doc,
            url=url,
            fast=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
        )
    return filter_lines(raw or "")
