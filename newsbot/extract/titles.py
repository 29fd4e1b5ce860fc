"""The headline: the most trusted of the page's titles, without the site's name around it.

A page names its headline several times: the profile's own selector, the JSON-LD headline,
og:title (at times a headline for social media, worded apart), the first <h1>, twitter:title
and <title>. Each is read with its entities decoded (some sites escape them twice) and without
the segments that name the site ("… | Börsen-Zeitung", "… - The Namibian", "NTV Haber | …"), as
the page itself says its name (og:site_name, the publisher, the host). When one title is another
followed by a separator and more ("Headline - Section"), or another after a kicker and a colon
("Olympische Spiele: Headline"), the shorter one is the headline.
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


def page_titles(scope: Any, page: PageMeta, ld_headlines: list[str]) -> list[str | None]:
    """The page's own titles after a profile's selector, most trusted first."""
    h1 = next(scope.iter("h1"), None)
    return [
        *ld_headlines[:1],
        page.first("og:title"),
        h1.text_content() if h1 is not None else None,
        page.first("twitter:title"),
        page.title,
    ]
