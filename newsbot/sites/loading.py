"""Reading one site profile or phrase table from its TOML text, validating every key.

A mistake names the file and the key: ``euronews.toml: key 'selectors.title' must be list``.
Which files there are (bundled and user profiles) is :mod:`newsbot.sites.registry`'s business.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, cast

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from newsbot.items import Article, LinkKind
from newsbot.sites.profile import (
    FIELDS,
    LINK_KINDS,
    Discovery,
    Edition,
    Phrases,
    Profile,
    ProfileError,
    RelatedBlock,
    Selector,
    Step,
)

#: The bundled profiles and phrase list, read as package resources (also from a zipped egg).
SITES_PACKAGE = "newsbot.sites"
PHRASES_NAME = "phrases.toml"
PHRASE_TABLES = (
    "furniture",
    "related",
    "sources",
    "byline",
    "dateline",
    "byline_with",
    "agencies",
    "credit",
    "reading_time",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A slug names the site everywhere (spider, archive column, command line): plain and short.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: An extra field's name: a plain identifier, and not one of the article's own fields.
_EXTRA = re.compile(r"^[a-z][a-z0-9_]*$")
_ARTICLE_FIELDS = frozenset(f.name for f in dataclasses.fields(Article))
_SCHEMES = ("https", "http")
#: A host as written in an edition: name or address, an optional port, nothing else.
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::\d+)?$")
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
    """Compile ``css``, ``css@attr``, ``css@text`` or ``css@own``; ``where`` names file and key
    for errors."""
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

    def __init__(self, label: str, data: Mapping[str, Any], prefix: str = "") -> None:
        self.label, self.data, self.prefix = label, data, prefix

    def where(self, key: str) -> str:
        return f"{self.label}: key '{self.prefix}{key}'"

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
        return _Reader(self.label, self.get(key, dict, default), f"{self.prefix}{key}.")


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
    """The ``[meta]`` table: extra field name → meta tag names (``story_id = ["storyId"]``)."""
    for name in reader.data:
        if not _EXTRA.match(name):
            raise ProfileError(
                f"{reader.where(name)} is not a field name (lower-case letters, digits, _)"
            )
        if name in _ARTICLE_FIELDS:
            raise ProfileError(f"{reader.where(name)} is an article field of its own, not an extra")
    return {name: tuple(n.lower() for n in reader.strings(name)) for name in reader.data}


def _related(top: _Reader, key: str = "related") -> tuple[RelatedBlock, ...]:
    blocks = []
    for i, block in enumerate(top.get(key, list)):
        if not isinstance(block, dict):
            raise ProfileError(f"{top.where(f'{key}[{i}]')} must be a table")
        rb = _Reader(top.label, block, f"{top.prefix}{key}[{i}].")
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
        rule = _Reader(top.label, entry, f"rules[{i}].")
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


def _edition(eds: _Reader, code: str) -> Edition:
    entry = eds.table(code)
    unknown = set(entry.data) - {"host", "path", "language"}
    if unknown:
        raise ProfileError(
            f"{entry.where(sorted(unknown)[0])} is not an edition key (host, path, language)"
        )
    host = entry.get("host", str)
    if not _HOST.match(host):
        raise ProfileError(
            f"{entry.where('host')} must be a host name like www.dw.com, not {host!r}"
        )
    path = entry.get("path", str, "")
    if path and (not path.startswith("/") or "//" in path or any(c in path for c in "?#")):
        raise ProfileError(f"{entry.where('path')} must be a path like /mundo, not {path!r}")
    return Edition(code, host.lower(), entry.get("language", str), path.rstrip("/"))


def _editions(top: _Reader) -> dict[str, Edition]:
    eds = top.table("editions", {})
    editions: dict[str, Edition] = {}
    roots: dict[tuple[str, str], str] = {}
    for code in eds.data:
        edition = editions[code] = _edition(eds, code)
        other = roots.setdefault((edition.host, edition.path), code)
        if other != code:
            raise ProfileError(f"{eds.where(code)} has the same host and path as '{other}'")
    return editions


@cache
def phrases_bytes() -> bytes:
    """The bundled phrase list as stored: part of every profile's digest."""
    return files(SITES_PACKAGE).joinpath(PHRASES_NAME).read_bytes()


def load_profile_file(path: Traversable, label: str | None = None) -> Profile:
    """Load and validate one profile file (a path, or a package resource); errors start with
    ``label`` (default: the file's name)."""
    label = label or path.name
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{label}: not UTF-8 text") from None
    except OSError as exc:
        raise ProfileError(f"{label}: cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{label}: not valid TOML ({exc})") from None
    top = _Reader(label, data)
    slug = top.get("slug", str)
    if not _SLUG.match(slug):
        raise ProfileError(f"{top.where('slug')} must be lower-case letters, digits, - and _")
    scheme = top.get("scheme", str, "https")
    if scheme not in _SCHEMES:
        raise ProfileError(f"{top.where('scheme')} must be https or http, not {scheme!r}")
    editions = _editions(top)
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
        digest=hashlib.sha256(raw + phrases_bytes()).hexdigest()[:12],
        scheme=scheme,
        phrases=shared_phrases().adding(_own_phrases(top)),
        live_blogs=_live_blogs(top),
    )
    return replace(base, dated=_dated(top, base))


_LIVE_BLOGS = ("record", "extract")


def _live_blogs(top: _Reader) -> bool:
    value: str = top.get("live_blogs", str, "record")
    if value not in _LIVE_BLOGS:
        raise ProfileError(f"{top.where('live_blogs')} must be record or extract, not {value!r}")
    return value == "extract"


def _phrase_tables(reader: _Reader) -> dict[str, frozenset[str]]:
    """Phrase tables of a [phrases]-shaped table: table name → language → list of phrases."""
    tables: dict[str, frozenset[str]] = {}
    for name in reader.data:
        if name not in PHRASE_TABLES:
            raise ProfileError(
                f"{reader.where(name)} is not a phrase table ({', '.join(PHRASE_TABLES)})"
            )
        table = reader.table(name)
        tables[name] = frozenset(p for lang in table.data for p in table.strings(lang))
    return tables


def _own_phrases(top: _Reader) -> dict[str, frozenset[str]]:
    """The site's own words, added to the shared phrase tables for its pages only."""
    return _phrase_tables(top.table("phrases", {}))


@cache
def shared_phrases() -> Phrases:
    """The phrase tables of phrases.toml, which every profile starts from."""
    data = tomllib.loads(phrases_bytes().decode("utf-8"))
    return Phrases(tuple(_phrase_tables(_Reader(PHRASES_NAME, data)).items()))


@cache
def phrases(table: str) -> frozenset[str]:
    """Every language's phrases of one table of phrases.toml (``furniture``, ``related``,
    ``sources``, ``byline``, ``dateline``, ``byline_with``, ``agencies``), as written."""
    if table not in PHRASE_TABLES:
        raise ProfileError(f"{PHRASES_NAME}: no phrase table {table!r}")
    return shared_phrases()[table]


def furniture_phrases() -> frozenset[str]:
    """Phrases that, alone on a line, are page furniture: furniture labels, related-block
    headings and bare sources labels."""
    return phrases("furniture") | phrases("related") | phrases("sources")
