"""The headline: the most trusted of the page's titles, without the site's name around it.

A page names its headline several times: the profile's own selector, the JSON-LD headline,
og:title (at times a headline for social media, worded apart), the first <h1>, twitter:title
and <title>. Each is read with its entities decoded (some sites escape them twice) and without
the segments that name the site ("… | Börsen-Zeitung", "… - The Namibian", "NTV Haber | …"), as
the page itself says its name (og:site_name, the publisher, the host). When one title is another
followed by a separator and more ("Headline - Section"), or another after a kicker and a colon
("Olympische Spiele: Headline"), the shorter one is the headline.

Many sites write one headline for search engines (JSON-LD, <title>, an <h1> in the
breadcrumbs) and another for readers, shown over the article and shared as og:title; others
share a headline worded for social media and show the JSON-LD one. Where the page shows one
of its named headlines in a heading of its article (not in navigation or a list of links),
possibly with a kicker in an element of its own, that is the one taken.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from newsbot.extract.meta import PageMeta
from newsbot.extract.text import word_key
from newsbot.normalize import normalize_space

# Between a headline and the site's name: " | ", " - ", " – ", " :: ", " · ", "ㅣ", "：" …
_SEPARATOR = re.compile(r"(\s+(?:[|–—·•*:/-]{1,2})\s+|\s*[|ㅣ｜]\s*|：)")
#: A site name shorter than this (after dropping non-letters) is only matched whole.
_NAME_INSIDE = 4


def decode_entities(value: str) -> str:
    """``value`` with HTML entities decoded, also those a site escaped twice ("&amp;quot;"),
    and its whitespace normalised."""
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    return normalize_space(value)


def site_names(page: PageMeta, url: str) -> frozenset[str]:
    """The names the page gives its site (as comparison keys: letters and digits, folded)."""
    names = [*page.all("og:site_name", "application-name", "twitter:site", "publisher")]
    for obj in page.jsonld:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host:
        names += [host, host.split(".")[0]]
    return frozenset(k for k in (word_key(n) for n in names) if len(k) >= 2)


def _is_site(segment: str, names: frozenset[str]) -> bool:
    key = word_key(segment)
    if not key:
        return False
    return key in names or any(n in key for n in names if len(n) >= _NAME_INSIDE)


def strip_site_name(title: str, names: frozenset[str]) -> str:
    """``title`` without a leading segment that names the site, and without a trailing one
    (with what follows it: "Headline | Site | by Author")."""
    parts = _SEPARATOR.split(title)
    segments = parts[0::2]
    # A name among the last two segments ends the headline.
    for i in range(len(segments) - 1, max(0, len(segments) - 3), -1):
        if _is_site(segments[i], names):
            parts = parts[: 2 * i - 1]
            break
    while len(parts) > 2 and _is_site(parts[0], names):
        parts = parts[2:]
    return "".join(parts).strip()


def choose_title(candidates: Iterable[str | None], names: frozenset[str]) -> str | None:
    """The first of ``candidates`` (most trusted first) once cleaned; but another candidate
    that it merely extends with a separator and more text ("Headline - Section"), or with a
    kicker before a colon ("Neue Leipziger Schule: Headline"), wins."""
    cleaned = [strip_site_name(decode_entities(c), names) for c in candidates if c]
    cleaned = [c for c in cleaned if c]
    if not cleaned:
        return None
    first = cleaned[0]
    for other in cleaned[1:]:
        # (Three words at least: a lone section or site name in an <h1> is no headline.)
        if (
            len(other) < len(first)
            and first.startswith(other)
            and len(other.split()) >= 3
            and _SEPARATOR.match(first, len(other))
        ):
            return other
        if (
            len(other) < len(first)
            and first.endswith(other)
            and len(other.split()) >= 3
            and first[: len(first) - len(other)].rstrip().endswith(":")
        ):
            return other
    return first


#: Where a heading is not the article's: navigation, breadcrumbs, lists of links, furniture.
_NOT_HEADLINE = frozenset({"nav", "li", "a", "aside", "footer", "button", "label"})
#: A kicker line longer than this (characters) before a heading is not its kicker.
_KICKER_CHARS = 80
#: A shown title this short (letters and digits) is a section's name, not a headline.
_HEADLINE_KEY = 12


def _in_article(el: Any) -> bool:
    for parent in el.iterancestors():
        if parent.tag in _NOT_HEADLINE or "crumb" in (parent.get("class") or ""):
            return False
    return True


def _last_line(el: Any) -> str:
    """The last piece of text an element shows (a kicker block's own line)."""
    pieces: list[str] = [p for p in el.itertext() if p.strip()]
    return pieces[-1] if pieces else ""


def shown_headings(scope: Any) -> frozenset[str]:
    """Keys (:func:`word_key`) of the headlines the page shows in its article: each heading
    (h1, h2) outside navigation, breadcrumbs and lists of links; each element of its own inside
    one (a kicker and a headline set apart); and a heading with the kicker line right before
    it."""
    keys: set[str] = set()
    for el in scope.iter("h1", "h2"):
        if not _in_article(el):
            continue
        whole = word_key(el.text_content())
        if not whole:
            continue
        keys.add(whole)
        for part in el:
            if isinstance(part.tag, str):
                keys.add(word_key(part.text_content()))
        before = el.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        if before is not None and before.tag not in ("h1", "h2"):
            kicker = _last_line(before)
            if 0 < len(kicker.strip()) <= _KICKER_CHARS:
                keys.add(word_key(kicker) + whole)
    keys.discard("")
    return frozenset(keys)


def shown_title(
    default: str, candidates: Iterable[str | None], names: frozenset[str], shown: frozenset[str]
) -> str:
    """``default``, unless the page shows another of ``candidates`` (most trusted first) as
    its article's headline and not ``default``'s words."""
    cleaned = [strip_site_name(decode_entities(c), names) for c in candidates if c]
    found = [c for c in cleaned if len(word_key(c)) >= _HEADLINE_KEY and word_key(c) in shown]
    if not found:
        return default
    # Where the page shows both a headline and its kicker with it, the headline.
    key = min((word_key(c) for c in found), key=len)
    if key == word_key(default):
        return default
    return next(c for c in found if word_key(c) == key)


def page_titles(scope: Any, page: PageMeta, headlines: list[str]) -> list[str | None]:
    """The page's own titles after a profile's selector, most trusted first. ``headlines``:
    the JSON-LD headline, else the meta tags named headline."""
    h1 = next((h for h in scope.iter("h1") if _in_article(h)), None)
    return [
        *headlines[:1],
        page.first("og:title"),
        h1.text_content() if h1 is not None else None,
        page.first("twitter:title"),
        page.title,
    ]
