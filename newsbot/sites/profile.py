"""Site profiles as frozen records: a site described as data (see loading.py for the files).

A profile names a site's editions, where its articles are discovered, which URLs are articles,
where each field lives in the page, the furniture to prune and the blocks of related links.
Rules may be dated: ``Profile.at(captured_at)`` gives the rules of the capture's time, so old
HTML is read by the rules of its time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any, get_args
from urllib.parse import urlsplit

from lxml import etree

from newsbot.items import LinkKind
from newsbot.normalize import normalize_space

GENERIC = "generic"
#: Fields a profile can give CSS selectors for.
FIELDS = (
    "container",
    "body",
    "title",
    "teaser",
    "authors",
    "published",
    "modified",
    "tags",
    "section",
    "captions",
    "sources",
)
LINK_KINDS: tuple[LinkKind, ...] = get_args(LinkKind)


class ProfileError(ValueError):
    """A profile file is missing or malformed; the message names the file and the key."""


class UnknownSiteError(ProfileError):
    """No profile has this slug."""


@dataclass(frozen=True)
class Step:
    """One simple selector of a descendant chain: a tag (or any) with all of some classes."""

    tag: str | None
    classes: tuple[str, ...]

    def matches(self, el: Any) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if not self.classes:
            return True
        tokens = (el.get("class") or "").split()
        return all(c in tokens for c in self.classes)


class ClassIndex:
    """Every element under a root by class (and, when asked, by tag), in document order: one
    walk of the tree answers all of a profile's simple selectors (instead of one XPath walk
    each)."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.by_class: dict[str, list[Any]] = {}
        self._by_tag: dict[str, list[Any]] = {}
        elements = list(root.iter(etree.Element))
        self.order: dict[Any, int] = dict(zip(elements, range(len(elements)), strict=True))
        for el in elements:
            classes = el.get("class")
            if classes:
                for token in classes.split():
                    self.by_class.setdefault(token, []).append(el)

    def by_tag(self, tag: str) -> list[Any]:
        """The elements named ``tag`` (the root included), in document order."""
        found = self._by_tag.get(tag)
        if found is None:
            found = self._by_tag[tag] = list(self.root.iter(tag))
        return found

    def first_step(self, step: Step) -> list[Any]:
        if step.classes:
            pool = self.by_class.get(step.classes[0], [])
            if step.tag is None and len(step.classes) == 1:
                return pool  # every element of the pool has the class
        else:
            pool = self.by_tag(step.tag) if step.tag else list(self.order)
        return [el for el in pool if step.matches(el)]


@dataclass(frozen=True)
class Selector:
    """A CSS selector compiled once to XPath. ``css@attr`` reads an attribute instead of the
    text; ``css@text`` reads only the element's own leading text (not its children's);
    ``css@own`` every text of the element itself, none of its children's.

    Simple selectors (tags, classes, descendant chains, unions of them) also keep their
    ``chains``, answered from a :class:`ClassIndex` of the root when one is given."""

    css: str
    attr: str | None
    xpath: etree.XPath = field(compare=False, repr=False)
    chains: tuple[tuple[Step, ...], ...] | None = None
    #: The first match only: libxml2 stops walking there (None for unions).
    first_xpath: etree.XPath | None = field(default=None, compare=False, repr=False)

    def first(self, root: Any, index: ClassIndex | None = None) -> Any | None:
        """The first match under ``root`` in document order, or None."""
        if self.first_xpath is not None and (index is None or index.root is not root):
            found = self.first_xpath(root)
        else:
            found = self.select(root, index)
        return found[0] if found else None

    def select(self, root: Any, index: ClassIndex | None = None) -> list[Any]:
        """Matches under ``root`` (root included), in document order."""
        if self.chains is None or index is None or index.root is not root:
            return list(self.xpath(root))
        found: set[Any] = set()
        for chain in self.chains:
            current = index.first_step(chain[0])
            for step in chain[1:]:
                below = {d for el in current for d in el.iterdescendants(step.tag or "*")}
                current = [el for el in below if step.matches(el)]
            found.update(current)
        return sorted(found, key=index.order.__getitem__)

    def values(self, root: Any, index: ClassIndex | None = None) -> list[str]:
        """Whitespace-normalised texts (or attribute values) of every match under ``root``."""
        out = []
        for el in self.select(root, index):
            if self.attr == "text":
                raw = el.text
            elif self.attr == "own":
                # Every text of the element itself, none of its children's: the value of
                # "<li><strong>Autor</strong> Jane Doe</li>", a caption after a hidden label.
                raw = "".join(el.xpath("text()"))
            else:
                raw = el.get(self.attr) if self.attr else el.text_content()
            value = normalize_space(raw) if raw else ""
            if value:
                out.append(value)
        return out


@dataclass(frozen=True)
class Edition:
    """One language edition: its articles live at ``{scheme}://{host}{path}/…``. ``path`` is
    empty for an edition that has its host to itself, else a prefix such as ``/mundo``."""

    code: str
    host: str
    language: str
    path: str = ""


@dataclass(frozen=True)
class RelatedBlock:
    kind: LinkKind
    block: Selector
    label: Selector | None


@dataclass(frozen=True)
class Discovery:
    sitemap_indexes: tuple[str, ...]
    news_sitemaps: tuple[str, ...]
    feeds: tuple[str, ...]
    sections: tuple[str, ...]
    section_pages: int


@dataclass(frozen=True)
class Phrases:
    """Phrase tables by name (``furniture``, ``related``, ``sources``, ``byline``, …), every
    language together, as written: the shared phrases.toml with a site's own words added.
    Hashable, so what is compiled from a set of phrases is compiled once per set."""

    tables: tuple[tuple[str, frozenset[str]], ...] = ()

    def __getitem__(self, table: str) -> frozenset[str]:
        for name, words in self.tables:
            if name == table:
                return words
        return frozenset()

    def furniture(self) -> frozenset[str]:
        """Phrases that, alone on a line, are page furniture: furniture labels, related-block
        headings and bare sources labels."""
        return self["furniture"] | self["related"] | self["sources"]

    def adding(self, tables: Mapping[str, frozenset[str]]) -> Phrases:
        """These phrases with ``tables`` added (this very object when they add nothing: what
        is compiled from it is then found by identity, not by comparing every table)."""
        if all(words <= self[name] for name, words in tables.items()):
            return self
        names = [name for name, _ in self.tables] + [
            n for n in tables if n not in dict(self.tables)
        ]
        return Phrases(tuple((n, self[n] | tables.get(n, frozenset())) for n in names))


@dataclass(frozen=True)
class Profile:
    slug: str
    name: str
    domains: tuple[str, ...]
    editions: Mapping[str, Edition]
    default_editions: tuple[str, ...]
    discovery: Discovery
    article_re: re.Pattern[str]
    exclude_res: tuple[re.Pattern[str], ...]
    strip_params: tuple[str, ...]
    selectors: Mapping[str, tuple[Selector, ...]]
    prune: tuple[Selector, ...]
    related: tuple[RelatedBlock, ...]
    #: Extra fields of the site's articles (``Article.extras``) → the meta tag names (name or
    #: property, lower-cased) they are read from, in order of trust.
    meta: Mapping[str, tuple[str, ...]]
    #: The element that holds everything read from the body, as (tag, class): the parser may
    #: skip the rest of the body (menus, footer). None: parse the whole page.
    crop: tuple[str, str] | None
    #: The file the profile was read from (a package resource or a file of a user's folder).
    source: Traversable
    #: Changes whenever the profile file or the phrase list changes: part of the extractor version.
    digest: str
    #: Rules of other times, as complete profiles: (from, until, profile), ISO dates, either open.
    dated: tuple[tuple[str | None, str | None, Profile], ...] = ()
    #: How the editions are reached: "https" (the default) or "http".
    scheme: str = "https"
    #: The shared phrase tables with the site's own words ([phrases.*] of its file) added.
    phrases: Phrases = Phrases()
    #: Whether a live blog (JSON-LD LiveBlogPosting) is extracted as an article; by default it
    #: is recorded as a live blog and left unextracted.
    live_blogs: bool = False

    def at(self, captured_at: str | None) -> Profile:
        """The rules for a page captured at ``captured_at`` (ISO 8601): of the dated rules
        whose [from, until) holds the date, the one with the narrowest range (the most specific);
        none: this profile. None means "now"."""
        if captured_at is None:
            return self
        day = captured_at[:10]
        holding = [
            (date.fromisoformat(end or "9999-12-31") - date.fromisoformat(start or "0001-01-01"), i)
            for i, (start, end, _) in enumerate(self.dated)
            if (start is None or start <= day) and (end is None or day < end)
        ]
        return self.dated[min(holding)[1]][2] if holding else self

    def owns_host(self, host: str) -> bool:
        """True when ``host`` is one of the profile's domains or under one of them."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def edition_roots(
        self, codes: Sequence[str] | None = None, base_url: str | None = None
    ) -> dict[str, str]:
        """Root URL of each edition (no trailing slash).

        On the real site an edition's root is ``https://{host}{path}`` (``path`` empty or a
        prefix like ``/mundo``); with ``base_url`` (a mirror or the demo site) every edition
        lives under ``{base_url}/{code}`` on that one host, whatever its path on the real site.
        """
        chosen = list(codes) if codes else list(self.default_editions or self.editions)
        unknown = [c for c in chosen if c not in self.editions]
        if unknown:
            known = ", ".join(sorted(self.editions))
            raise ProfileError(
                f"unknown edition {unknown[0]!r} for {self.slug} (known: {known or 'none'})"
            )
        if base_url:
            base = base_url.rstrip("/")
            return {c: f"{base}/{c}" for c in chosen}
        return {c: self.edition_root(self.editions[c]) for c in chosen}

    def edition_root(self, edition: Edition) -> str:
        """The edition's root URL on the real site (no trailing slash)."""
        return f"{self.scheme}://{edition.host}{edition.path}"

    def is_article_path(self, path: str) -> bool:
        """True when ``path`` (relative to an edition root) is an article and not excluded."""
        if not self.article_re.search(path):
            return False
        return not any(rx.search(path) for rx in self.exclude_res)


def split_root(url: str, roots: Mapping[str, str]) -> tuple[str, str] | None:
    """(edition code, path relative to its root) for a URL under one of ``roots``, else None.

    The scheme is ignored: sites link to themselves over http and https alike.
    """
    parts = urlsplit(url)
    here = (parts.netloc.lower(), parts.path or "/")
    best: tuple[str, str] | None = None
    best_len = -1
    for code, root in roots.items():
        netloc, rpath = _root_parts(root)
        inside = here[1] == rpath or here[1].startswith(rpath + "/")
        if netloc == here[0] and inside and len(rpath) > best_len:
            best, best_len = (code, here[1][len(rpath) :] or "/"), len(rpath)
    return best


@lru_cache(maxsize=256)
def _root_parts(root: str) -> tuple[str, str]:
    parts = urlsplit(root)
    return parts.netloc.lower(), parts.path.rstrip("/")
