"""Site profiles: a site described as data (one TOML file per site), loaded into frozen records.

A profile names a site's editions, where its articles are discovered, which URLs are articles,
where each field lives in the page, the furniture to prune and the blocks of related links.
Loading validates every key and says which key of which file is wrong.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast, get_args
from urllib.parse import urlsplit

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from newsbot.items import LinkKind
from newsbot.normalize import normalize_space

SITES_DIR = Path(__file__).parent
GENERIC = "generic"
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
)
LINK_KINDS: tuple[LinkKind, ...] = get_args(LinkKind)


class ProfileError(ValueError):
    """A profile file is missing or malformed; the message names the file and the key."""


class UnknownSiteError(ProfileError):
    """No profile has this slug."""


@dataclass(frozen=True)
class Selector:
    """A CSS selector, optionally reading an attribute (``css@attr``), compiled once to XPath."""

    css: str
    attr: str | None
    xpath: etree.XPath = field(compare=False, repr=False)

    def values(self, root: Any) -> list[str]:
        """Whitespace-normalised texts (or attribute values) of every match under ``root``."""
        out = []
        for el in self.xpath(root):
            raw = el.get(self.attr) if self.attr else el.text_content()
            value = normalize_space(raw) if raw else ""
            if value:
                out.append(value)
        return out


@dataclass(frozen=True)
class Edition:
    code: str
    host: str
    language: str


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
    source: Path
    #: Changes whenever the profile file or the phrase list changes: part of the extractor version.
    digest: str

    def owns_host(self, host: str) -> bool:
        """True when ``host`` is one of the profile's domains or under one of them."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def edition_roots(
        self, codes: Sequence[str] | None = None, base_url: str | None = None
    ) -> dict[str, str]:
        """Root URL of each edition (no trailing slash).

        On the real site an edition's root is ``https://{host}``; with ``base_url`` (a mirror or
        the demo site) every edition lives under ``{base_url}/{code}`` on that one host.
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
        return {c: f"https://{self.editions[c].host}" for c in chosen}

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
        rparts = urlsplit(root)
        rpath = rparts.path.rstrip("/")
        inside = here[1] == rpath or here[1].startswith(rpath + "/")
        if rparts.netloc.lower() == here[0] and inside and len(rpath) > best_len:
            best, best_len = (code, here[1][len(rpath) :] or "/"), len(rpath)
    return best


# --- loading -----------------------------------------------------------------------------------

_TRANSLATOR = HTMLTranslator()


def compile_selector(spec: str, where: str) -> Selector:
    """Compile ``css`` or ``css@attr``; ``where`` names the file and key for error messages."""
    css, _, attr = spec.partition("@") if "@" in spec.rsplit("]", 1)[-1] else (spec, "", "")
    try:
        xpath = etree.XPath(_TRANSLATOR.css_to_xpath(css.strip()))
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise ProfileError(f"{where}: {spec!r} is not a valid CSS selector ({exc})") from None
    return Selector(css=css.strip(), attr=attr.strip() or None, xpath=xpath)


class _Reader:
    """Typed access to a parsed TOML document that reports the file and dotted key on error."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def where(self, key: str) -> str:
        return f"{self.path.name}: key '{self.prefix}{key}'"

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise ProfileError(f"{self.where(key)} is missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProfileError(f"{self.where(key)} must be {kind.__name__}, not {value!r}")
        return value

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if not all(isinstance(v, str) for v in value):
            raise ProfileError(f"{self.where(key)} must be a list of strings")
        return tuple(value)

    def table(self, key: str, default: Any = ...) -> _Reader:
        return _Reader(self.path, self.get(key, dict, default), f"{self.prefix}{key}.")


def _regex(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(
            f"{where}: {pattern!r} is not a valid regular expression ({exc})"
        ) from None


def load_profile_file(path: Path) -> Profile:
    """Load and validate one profile file."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path.name}: not UTF-8 text") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path.name}: not valid TOML ({exc})") from None
    top = _Reader(path, data)
    slug = top.get("slug", str)
    editions: dict[str, Edition] = {}
    eds = top.table("editions", {})
    for code in eds.data:
        entry = eds.table(code)
        editions[code] = Edition(code, entry.get("host", str), entry.get("language", str))
    default_editions = top.strings("default_editions", [])
    for code in default_editions:
        if code not in editions:
            raise ProfileError(f"{top.where('default_editions')} names unknown edition {code!r}")
    disc = top.table("discovery", {})
    discovery = Discovery(
        sitemap_indexes=disc.strings("sitemap_indexes", []),
        news_sitemaps=disc.strings("news_sitemaps", []),
        feeds=disc.strings("feeds", []),
        sections=disc.strings("sections", []),
        section_pages=disc.get("section_pages", int, 1),
    )
    urls = top.table("urls")
    sel = top.table("selectors", {})
    selectors = {
        name: tuple(compile_selector(s, sel.where(name)) for s in sel.strings(name, []))
        for name in FIELDS
    }
    unknown = set(sel.data) - set(FIELDS)
    if unknown:
        raise ProfileError(f"{sel.where(sorted(unknown)[0])} is not a field ({', '.join(FIELDS)})")
    furniture = top.table("furniture", {})
    prune = tuple(
        compile_selector(s, furniture.where("prune")) for s in furniture.strings("prune", [])
    )
    related = []
    for i, block in enumerate(top.get("related", list, [])):
        if not isinstance(block, dict):
            raise ProfileError(f"{top.where(f'related[{i}]')} must be a table")
        rb = _Reader(path, block, f"related[{i}].")
        kind = rb.get("kind", str)
        if kind not in LINK_KINDS:
            raise ProfileError(f"{rb.where('kind')} must be one of {', '.join(LINK_KINDS)}")
        label = rb.get("label", str, "")
        related.append(
            RelatedBlock(
                kind=cast(LinkKind, kind),
                block=compile_selector(rb.get("block", str), rb.where("block")),
                label=compile_selector(label, rb.where("label")) if label else None,
            )
        )
    return Profile(
        slug=slug,
        name=top.get("name", str, slug),
        domains=top.strings("domains", []),
        editions=editions,
        default_editions=default_editions,
        discovery=discovery,
        article_re=_regex(urls.get("article", str), urls.where("article")),
        exclude_res=tuple(_regex(p, urls.where("exclude")) for p in urls.strings("exclude", [])),
        strip_params=urls.strings("strip_params", []),
        selectors=selectors,
        prune=prune,
        related=tuple(related),
        source=path,
        digest=hashlib.sha256(raw + (SITES_DIR / "phrases.toml").read_bytes()).hexdigest()[:12],
    )


def known_sites() -> list[str]:
    """Slugs of every bundled profile, the generic one included."""
    return sorted(p.stem for p in SITES_DIR.glob("*.toml") if p.stem != "phrases")


@cache
def load_profile(slug: str) -> Profile:
    """The profile named ``slug``; raises :class:`UnknownSiteError` for an unknown slug."""
    if slug not in known_sites():
        raise UnknownSiteError(f"unknown site {slug!r} (known: {', '.join(known_sites())})")
    return load_profile_file(SITES_DIR / f"{slug}.toml")


def profile_for_url(url: str) -> Profile:
    """The profile whose domains own the URL's host, else the generic profile."""
    host = urlsplit(url).hostname or ""
    for slug in known_sites():
        profile = load_profile(slug)
        if profile.owns_host(host):
            return profile
    return load_profile(GENERIC)


PHRASE_TABLES = ("furniture", "related", "sources", "byline", "dateline")


@cache
def phrases(table: str) -> frozenset[str]:
    """Every language's phrases of one table of phrases.toml (``furniture``, ``related``,
    ``sources``, ``byline``, ``dateline``), as written."""
    path = SITES_DIR / "phrases.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if table not in PHRASE_TABLES:
        raise ProfileError(f"{path.name}: no phrase table {table!r}")
    reader = _Reader(path, data).table(table)
    return frozenset(p for lang in reader.data for p in reader.strings(lang))


def furniture_phrases() -> frozenset[str]:
    """Phrases that, alone on a line, are page furniture: furniture labels, related-block
    headings and bare sources labels."""
    return phrases("furniture") | phrases("related") | phrases("sources")
