"""ArticleLoader: merges every candidate value of a field through declared processors.

Candidates are added in order of trust (site selectors, then JSON-LD, then meta tags, then
trafilatura's metadata); scalar fields keep the first value that survives their input processor,
list fields keep every distinct value of the most trusted source that had any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from itemloaders import ItemLoader
from itemloaders.processors import Compose, MapCompose, TakeFirst

from newsbot.extract.credits import split_agencies
from newsbot.extract.urls import canonicalize_url
from newsbot.normalize import normalize_space

_SPLIT_LIST = re.compile(r"\s*[,;]\s*")
_BCP47 = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?\b")


def clean_text(value: Any) -> str | None:
    """Whitespace-normalised text; None for empty values (dropped by the loader)."""
    if not isinstance(value, str):
        return None
    return normalize_space(value) or None


def language_tag(value: str) -> str | None:
    """The primary language subtag of a BCP 47 / locale value: ``de-DE`` and ``de_DE`` → ``de``."""
    match = _BCP47.match(value.strip())
    return match.group(1).lower() if match else None


def url_in(value: str, loader_context: dict[str, Any]) -> str | None:
    """Resolve against the page URL and canonicalise with the site's rules."""
    return canonicalize_url(
        value,
        base=loader_context.get("base_url"),
        strip_params=tuple(loader_context.get("strip_params", ())),
        https_hosts=tuple(loader_context.get("https_hosts", ())),
    )


def split_list(value: str) -> list[str]:
    """Comma- or semicolon-separated values, as meta keywords are written."""
    return [v for v in _SPLIT_LIST.split(value) if v]


def distinct(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without case-insensitive repeats."""
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def strip_byline_prefix(value: str) -> str | None:
    """``By Jane Doe`` / ``Von Jane Doe mit AP`` → ``Jane Doe``: a byline's lead word and the
    agencies joined to its names are not names (the agencies are sources)."""
    stripped = re.sub(r"^(?:by|von|par|di|por|de|от|από|tarafından)\s+", "", value, flags=re.I)
    return split_agencies(stripped)[0] or None


class ArticleLoader(ItemLoader):
    """Loader of the article fields (a dict item); each field declares its processors."""

    default_item_class = dict
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    authors_in = MapCompose(clean_text, strip_byline_prefix)
    authors_out = Compose(distinct)
    tags_in = MapCompose(clean_text)
    tags_out = Compose(distinct)
    # Chosen and written in ISO 8601 by newsbot.extract.dates.most_precise.
    published_at_in = MapCompose(clean_text)
    modified_at_in = MapCompose(clean_text)
    language_in = MapCompose(clean_text, language_tag)
    canonical_url_in = MapCompose(clean_text, url_in)
    image_url_in = MapCompose(clean_text, url_in)
    captions_out = Compose(distinct)
    sources_out = Compose(distinct)

    # The processors are the class's (the item is a plain dict: no field declares any), so
    # each field's are looked up once, not on every value (a tenth of the fields' time).
    _processors: ClassVar[dict[tuple[type, str, str], Callable[..., Any]]] = {}

    def _processor(
        self, field_name: str, kind: str, look_up: Callable[[str], Callable[..., Any]]
    ) -> Callable[..., Any]:
        key = (type(self), kind, field_name)
        found = self._processors.get(key)
        if found is None:
            found = self._processors[key] = look_up(field_name)
        return found

    def get_input_processor(self, field_name: str) -> Callable[..., Any]:
        return self._processor(field_name, "in", super().get_input_processor)

    def get_output_processor(self, field_name: str) -> Callable[..., Any]:
        return self._processor(field_name, "out", super().get_output_processor)
