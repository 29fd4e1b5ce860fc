"""Who wrote it: people before organisations, names before links, each name once.

Pages name their authors in JSON-LD (people, or only the publisher as an organisation), in meta
tags (names, or links to author pages), and in a byline the reader sees, marked up as such
(``rel=author``, ``itemprop=author``, a class with "author" or "byline") or not marked at all. A
person named anywhere beats an organisation named anywhere: a page whose structured data credits
only "STERN.de" while its byline says "von Jemima Kelly" was written by Jemima Kelly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from newsbot.extract.meta import PageMeta
from newsbot.extract.text import byline_match, split_names, word_key
from newsbot.normalize import normalize_space
from newsbot.sites import Phrases

#: A name is at most this many words and characters (longer: a sentence, a bio).
_NAME_WORDS = 6
_NAME_CHARS = 60
#: A byline element is at most this long.
_BYLINE_CHARS = 120
_LINK = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_DOMAIN = re.compile(r"^www\.|\.(?:com|net|org|de|co\.uk)\b", re.IGNORECASE)
_NOT_NAME = re.compile(r"[\d@/|<>{}=]")
# "emma-mackenzie": an author page's slug, not a name.
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_ORGANIZATIONS = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "WebSite"})
_MARKED = etree.XPath(
    "/html/body//*[@rel='author' or @itemprop='author'"
    " or contains(@class, 'author') or contains(@class, 'byline')]"
)
_MARK_WORDS = re.compile(r"(?:^|[\s_-])(?:authors?|bylines?)(?:$|[\s_-])", re.IGNORECASE)
# Korean, Japanese and Chinese bylines write the reporter's role after the name ("신현주 기자",
# "山田太郎記者"): a title, not part of the name.
_ROLE_AFTER = re.compile(r"\s*(?:기자|특파원|記者|特派員|记者)$")
_JOINED = re.compile(r"\s(?:and|und|et|e|y|и|και|&)\s", re.IGNORECASE)


def is_name(value: str) -> bool:
    """Whether ``value`` reads as a person's name (not a link, a slug, a domain, a date, a
    sentence, a label or initials)."""
    value = value.strip()
    if not value or len(value) > _NAME_CHARS or len(value.split()) > _NAME_WORDS:
        return False
    if _LINK.search(value) or _DOMAIN.search(value) or _SLUG.match(value):
        return False
    # Names are written with a capital where the script has them ("unserer Redaktion", "amw":
    # words of a byline, initials).
    return not _NOT_NAME.search(value) and not value[0].islower()


def _names(values: Iterable[Any], test: Callable[[str], bool] = is_name) -> list[str]:
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        name = _ROLE_AFTER.sub("", normalize_space(value).strip(" ,;:"))
        if test(name) and name not in out:
            out.append(name)
    return out


def _organization_name(value: str) -> bool:
    # An organisation may go by its domain ("ndr.de"), never by a link.
    return bool(value) and len(value) <= _NAME_CHARS and not _LINK.search(value)


def ld_authors(values: Iterable[Any]) -> list[tuple[str, bool]]:
    """(name, is an organisation) of each JSON-LD author value, in order (strings, objects or
    lists of them; a person may be given as givenName and familyName)."""
    out: list[tuple[str, bool]] = []
    stack = list(values)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, str):
            out.append((item, False))
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):
                parts = [item.get("givenName"), item.get("familyName")]
                name = " ".join(p for p in parts if isinstance(p, str))
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            out.append((name, any(k in _ORGANIZATIONS for k in kinds if isinstance(k, str))))
    return out


def marked_byline(scope: Any, words: Phrases | None = None) -> list[str]:
    """Names of the byline the page marks up as one (``rel=author``, ``itemprop=author``, a
    class naming an author or byline): the first such element that reads as a byline ("By
    Jane Doe"), else the first whose links or text give names. A marked box that holds more
    than a byline (a brand label, the date) loses to the byline inside it."""
    fallback: list[str] = []
    for el in _MARKED(scope):
        if el.tag in ("meta", "link", "img") or not _marks_author(el):
            continue
        text = normalize_space(el.text_content())
        if not text or len(text) > _BYLINE_CHARS:
            continue
        named = byline_match(text, words)
        if named:
            links = [normalize_space(a.text_content()) for a in el.iter("a")]
            names = _names(links) or _names(split_names(named))
            if names:
                return names
        if not fallback:
            links = [normalize_space(a.text_content()) for a in el.iter("a")]
            fallback = _names(links) if links else _names(split_names(text))
    return fallback


def _marks_author(el: Any) -> bool:
    if el.get("rel") == "author" or el.get("itemprop") == "author":
        return True
    return bool(_MARK_WORDS.search(el.get("class") or ""))


def _meta_authors(page: PageMeta) -> list[str]:
    """The first author meta tag that has any: Dublin Core's "Family, Given" turned round."""
    for key in ("article:author", "author", "dc.creator", "parsely-author"):
        values = [normalize_space(v) for v in page.all(key)]
        if key == "dc.creator":
            values = [" ".join(reversed(v.split(",", 1))).strip() for v in values]
        values = [v for v in values if v and not _LINK.search(v) and not _SLUG.match(v)]
        if values:
            return values
    return []


def _names_site(value: str, site: frozenset[str]) -> bool:
    key = word_key(value)
    return bool(key) and any(n in key or key in n for n in site if len(n) >= 3)


def split_joined(value: str) -> list[str]:
    """The names in "Jane Doe, John Roe and Ann Poe" (a value joining several with a word);
    ``value`` itself otherwise ("Doe, Jane" is one name)."""
    return split_names(value) if _JOINED.search(value) else [value]


def page_authors(
    page: PageMeta, site: frozenset[str], *bylines: Callable[[], list[str]]
) -> list[str]:
    """The article's authors: the people JSON-LD names (with any organisation it names beside
    them), else the people the author meta tags name, else the first of ``bylines`` (readers of
    the page's visible byline, most trusted first) that finds any, else the organisations
    named by JSON-LD or the meta tags (``site``: keys of the site's own names)."""
    ld = [(n, is_org) for n, is_org in ld_authors(page.ld("author")) if n.strip()]
    if any(not is_org for _, is_org in ld):
        return _names(_split(name for name, _ in ld), _organization_name)
    meta = _split(_meta_authors(page))
    people = _names(v for v in meta if not _names_site(v, site))
    if people:
        return people
    for byline in bylines:
        names = _names(_split(byline()))
        if names:
            return names
    return _names([*(name for name, _ in ld), *meta], _organization_name)


def _split(names: Iterable[str]) -> list[str]:
    return [n for name in names for n in split_joined(name)]
