"""Who a page credits besides its authors: the agencies a byline names after them ("By Euronews
with AP") and the sources line ("Weitere Quellen • AP, dpa"), found by its label wherever it is.

The words come from phrases.toml: ``byline`` (lead words), ``byline_with`` (the word joining
agencies to the authors), ``agencies`` (agency names, and words for unnamed agencies),
``sources`` (labels of the sources line). Agencies are kept as the page writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from lxml import etree

from newsbot.extract.text import byline_match, sources_of, split_names
from newsbot.normalize import normalize_space
from newsbot.sites import phrases

#: A sources line is short; a longer element holding its label is a paragraph of text.
_SOURCES_LINE_MAX = 200


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True))


@cache
def _joining_word() -> re.Pattern[str]:
    return re.compile(rf"\s(?:{_alternation(phrases('byline_with'))})\s+", re.IGNORECASE)


@cache
def _agencies() -> frozenset[str]:
    return frozenset(normalize_space(a).casefold() for a in phrases("agencies"))


def split_agencies(names: str) -> tuple[str, list[str]]:
    """A byline's names without the agencies joined to them: ``Euronews with AP and Reuters``
    → (``Euronews``, [AP, Reuters]). What follows the joining word counts only when every part
    of it is an agency; otherwise (``Jane Doe with John Roe``) ``names`` comes back whole."""
    for match in _joining_word().finditer(names):
        head, tail = names[: match.start()].strip(), names[match.end() :].strip()
        parts = split_names(tail)
        if head and parts and all(p.strip().casefold() in _agencies() for p in parts):
            return head, [p.strip() for p in parts]
    return names, []


def byline_agencies(bylines: Iterable[str]) -> list[str]:
    """The agencies named after the authors in ``bylines`` (texts with or without their lead
    word, "Von Jane Doe mit AP" or "Jane Doe mit AP"), in order."""
    found: list[str] = []
    for text in bylines:
        names = byline_match(normalize_space(text)) or normalize_space(text)
        found += split_agencies(names)[1]
    return found


@cache
def _labels() -> tuple[str, ...]:
    # A label with both quotes cannot be an XPath literal.
    return tuple(s for s in sorted(phrases("sources")) if "'" not in s or '"' not in s)


@cache
def _label_xpath(labels: tuple[str, ...]) -> etree.XPath:
    tests = []
    for label in labels:
        quote = "'" if "'" not in label else '"'
        tests.append(f"contains(., {quote}{label}{quote})")
    return etree.XPath(f".//text()[{' or '.join(tests)}]")


def labelled_sources(scope: Any) -> list[str]:
    """Sources lines under ``scope`` found by their label, whatever their markup: for each text
    holding a label, the smallest element around it whose whole text is a sources line."""
    lines: list[str] = []
    seen: set[Any] = set()
    # Asking every text node for every label costs a thirtieth of the extraction: only the
    # labels the whole text holds are looked for.
    whole = scope.text_content()
    labels = tuple(label for label in _labels() if label in whole)
    if not labels:
        return lines
    for text in _label_xpath(labels)(scope):
        el = text.getparent()
        if el is not None and text.is_tail:
            el = el.getparent()
        while el is not None and el not in seen:
            seen.add(el)
            line = normalize_space(el.text_content())
            if len(line) > _SOURCES_LINE_MAX:
                break
            if sources_of(line) is not None:
                lines.append(line)
                break
            if el is scope:
                break
            el = el.getparent()
    return lines
