"""Loading site profiles and phrase tables from their TOML files, validating every key.

A mistake names the file and the key: ``euronews.toml: key 'selectors.title' must be list``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from newsbot.items import LinkKind
from newsbot.sites.profile import (
    FIELDS,
    GENERIC,
    LINK_KINDS,
    META_FIELDS,
    Discovery,
    Edition,
    Profile,
    ProfileError,
    RelatedBlock,
    Selector,
    Step,
    UnknownSiteError,
)

SITES_DIR = Path(__file__).parent
PHRASES_FILE = SITES_DIR / "phrases.toml"
PHRASE_TABLES = ("furniture", "related", "sources", "byline", "dateline")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRANSLATOR = HTMLTranslator()


# cssselect's exact class test, and a cheap substring test libxml2 can try first: most elements
# fail it, and the exact test (normalize-space, concat) then runs only on the few that pass.
_CLASS_TEST = re.compile(
    r"@class and contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\)"
)


def _fast_xpath(xpath: str) -> str:
    return _CLASS_TEST.sub(
        lambda m: (
            f"contains(@class, '{m.group(1)}') and contains(concat(' ', "
            f"normalize-space(@class), ' '), ' {m.group(1)} ')"
        ),
        xpath,
    )


def compile_selector(spec: str, where: str) -> Selector:
    """Compile ``css``, ``css@attr`` or ``css@text``; ``where`` names file and key for errors."""
    css, _, attr = spec.partition("@") if "@" in spec.rsplit("]", 1)[-1] else (spec, "", "")
    try:
        expression = _fast_xpath(_TRANSLATOR.css_to_xpath(css.strip()))
        xpath = etree.XPath(expression)
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise ProfileError(f"{where}: {spec!r} is not a valid CSS selector ({exc})") from None
    # A single path can take a positional [1]: the walk then stops at the first match.
    first = etree.XPath(f"{expression}[1]") if " | " not in expression else None
    return Selector(
        css=css.strip(),
        attr=attr.strip() or None,
        xpath=xpath,
        chains=_chains(css),
        first_xpath=first,
    )


_SIMPLE = re.compile(r"^([a-zA-Z][\w-]*)?((?:\.[\w-]+)*)$")


def _chains(css: str) -> tuple[tuple[Step, ...], ...] | None:
    """``"div.a .b, h1"`` as descendant chains of simple steps; None when the selector needs
    more of CSS than tags, classes and descendants (it is then answered by XPath only)."""
    chains = []
    for alternative in css.split(","):
        steps = []
        for part in alternative.split():
            match = _SIMPLE.match(part)
            if not match or not part:
                return None
            classes = tuple(c for c in match.group(2).split(".") if c)
            steps.append(Step(tag=match.group(1), classes=classes))
        if not steps:
            return None
        chains.append(tuple(steps))
    return tuple(chains)


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


def _selectors(reader: _Reader) -> dict[str, tuple[Selector, ...]]:
    unknown = set(reader.data) - set(FIELDS)
    if unknown:
        raise ProfileError(
            f"{reader.where(sorted(unknown)[0])} is not a field ({', '.join(FIELDS)})"
        )
    return {
        name: tuple(compile_selector(s, reader.where(name)) for s in reader.strings(name))
        for name in FIELDS
        if name in reader.data
    }


def _meta(reader: _Reader) -> dict[str, tuple[str, ...]]:
    unknown = set(reader.data) - set(META_FIELDS)
    if unknown:
        where = reader.where(sorted(unknown)[0])
        raise ProfileError(f"{where} is not a meta field ({', '.join(META_FIELDS)})")
    return {name: tuple(n.lower() for n in reader.strings(name)) for name in reader.data}


def _related(top: _Reader, key: str = "related") -> tuple[RelatedBlock, ...]:
    blocks = []
    for i, block in enumerate(top.get(key, list)):
        if not isinstance(block, dict):
            raise ProfileError(f"{top.where(f'{key}[{i}]')} must be a table")
        rb = _Reader(top.path, block, f"{top.prefix}{key}[{i}].")
        kind = rb.get("kind", str)
        if kind not in LINK_KINDS:
            raise ProfileError(f"{rb.where('kind')} must be one of {', '.join(LINK_KINDS)}")
        label = rb.get("label", str, "")
        blocks.append(
            RelatedBlock(
                kind=cast(LinkKind, kind),
                block=compile_selector(rb.get("block", str), rb.where("block")),
                label=compile_selector(label, rb.where("label")) if label else None,
            )
        )
    return tuple(blocks)


_TAG = re.compile(r"^[a-z][a-z0-9]*$")
_CLASS = re.compile(r"^[A-Za-z_][\w-]*$")


def _crop(top: _Reader) -> tuple[str, str] | None:
    parse = top.table("parse", {})
    if "crop" not in parse.data:
        return None
    crop = parse.table("crop")
    tag, css_class = crop.get("tag", str), crop.get("class", str)
    if not _TAG.match(tag) or not _CLASS.match(css_class):
        raise ProfileError(f"{crop.where('tag')} and 'class' must be a tag name and a class name")
    return tag, css_class


def _dated(top: _Reader, base: Profile) -> tuple[tuple[str | None, str | None, Profile], ...]:
    """Each [[rules]] entry: a date range and the keys it replaces (selectors per field,
    furniture.prune, related, meta); everything else comes from the base profile."""
    out = []
    for i, entry in enumerate(top.get("rules", list, [])):
        if not isinstance(entry, dict):
            raise ProfileError(f"{top.where(f'rules[{i}]')} must be a table")
        rule = _Reader(top.path, entry, f"rules[{i}].")
        bounds = []
        for key in ("from", "until"):
            value = rule.get(key, str, None)
            if value is not None and not _DATE.match(value):
                raise ProfileError(f"{rule.where(key)} must be a date like 2017-01-01")
            bounds.append(value)
        if bounds == [None, None]:
            raise ProfileError(f"{rule.where('from')} or 'until' is needed: a rule of all time")
        unknown = set(entry) - {
            "from",
            "until",
            "description",
            "selectors",
            "furniture",
            "related",
            "meta",
        }
        if unknown:
            raise ProfileError(f"{rule.where(sorted(unknown)[0])} is not a rule key")
        selectors = {**base.selectors, **_selectors(rule.table("selectors", {}))}
        prune = base.prune
        if "furniture" in entry:
            furniture = rule.table("furniture")
            prune = tuple(
                compile_selector(s, furniture.where("prune")) for s in furniture.strings("prune")
            )
        variant = replace(
            base,
            selectors=selectors,
            prune=prune,
            related=_related(rule) if "related" in entry else base.related,
            meta={**base.meta, **_meta(rule.table("meta", {}))},
            digest=f"{base.digest}.{i}",
        )
        out.append((bounds[0], bounds[1], variant))
    return tuple(out)


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
    urls = top.table("urls")
    furniture = top.table("furniture", {})
    selectors = {name: () for name in FIELDS} | _selectors(top.table("selectors", {}))
    base = Profile(
        slug=slug,
        name=top.get("name", str, slug),
        domains=top.strings("domains", []),
        editions=editions,
        default_editions=default_editions,
        discovery=Discovery(
            sitemap_indexes=disc.strings("sitemap_indexes", []),
            news_sitemaps=disc.strings("news_sitemaps", []),
            feeds=disc.strings("feeds", []),
            sections=disc.strings("sections", []),
            section_pages=disc.get("section_pages", int, 1),
        ),
        article_re=_regex(urls.get("article", str), urls.where("article")),
        exclude_res=tuple(_regex(p, urls.where("exclude")) for p in urls.strings("exclude", [])),
        strip_params=urls.strings("strip_params", []),
        selectors=selectors,
        prune=tuple(
            compile_selector(s, furniture.where("prune")) for s in furniture.strings("prune", [])
        ),
        related=_related(top) if "related" in data else (),
        meta=_meta(top.table("meta", {})),
        crop=_crop(top),
        source=path,
        digest=hashlib.sha256(raw + PHRASES_FILE.read_bytes()).hexdigest()[:12],
    )
    return replace(base, dated=_dated(top, base))


def known_sites() -> list[str]:
    """Slugs of every bundled profile, the generic one included."""
    return sorted(p.stem for p in SITES_DIR.glob("*.toml") if p != PHRASES_FILE)


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


@cache
def phrases(table: str) -> frozenset[str]:
    """Every language's phrases of one table of phrases.toml (``furniture``, ``related``,
    ``sources``, ``byline``, ``dateline``), as written."""
    if table not in PHRASE_TABLES:
        raise ProfileError(f"{PHRASES_FILE.name}: no phrase table {table!r}")
    data = tomllib.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    reader = _Reader(PHRASES_FILE, data).table(table)
    return frozenset(p for lang in reader.data for p in reader.strings(lang))


def furniture_phrases() -> frozenset[str]:
    """Phrases that, alone on a line, are page furniture: furniture labels, related-block
    headings and bare sources labels."""
    return phrases("furniture") | phrases("related") | phrases("sources")
