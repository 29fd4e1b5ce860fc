"""Per-language labels of the demo pages: page furniture and the words of the site chrome.

The words live in ``labels.toml`` (en, de, fr), each furniture label with the real page it was
read from; the fixture renderer outside the package adds the other editions' words to
:data:`LABELS`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Shown in English in every edition, as on the real site (the seed scrape, both en pages).
COPY_BUTTON = "Copy to clipboard"
CLOSE_BUTTON = "Close Button"


@dataclass(frozen=True)
class Labels:
    # furniture: strings an article page shows around (or inside) the article text
    share_2024: str
    share_2026: str
    comments: str
    embed_tooltip: str
    copied: str
    ad: str
    related_2024: str
    related_2026: str
    inline_related: str
    by: str
    published_on: str
    copyright: str
    top_stories: str
    most_read: str
    goto_accessibility: str
    sources: str
    # chrome: the words of header, footer and listings (never inside an article)
    locale: str
    language_name: str
    latest: str
    trending: str
    latest_stories: str
    categories: str
    programmes: str
    newsletters: str
    search: str
    home: str
    video: str
    not_found_title: str
    not_found_text: str
    back_home: str
    next_page: str
    previous_page: str
    page: str
    tag: str
    edition_title: str
    sections: tuple[tuple[str, str], ...]  # (vertical, menu label)
    live: str
    updated: str
    just_in: str
    follow_us: str
    services: tuple[str, ...]  # footer service links: about, contact, terms, privacy, …


def load_labels(path: Path) -> dict[str, Labels]:
    """Every language table of the TOML file ``path``; a missing or unknown key is a
    ValueError naming the file, the language and the key."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = {f.name for f in fields(Labels)}
    out = {}
    for language, table in data.items():
        if set(table) != names:
            odd = sorted(set(table) ^ names)
            raise ValueError(f"{path.name}: [{language}] missing or unknown keys: {odd}")
        values: dict[str, Any] = dict(table)
        values["sections"] = tuple((v, label) for v, label in table["sections"])
        values["services"] = tuple(table["services"])
        out[language] = Labels(**values)
    return out


LABELS: dict[str, Labels] = load_labels(Path(__file__).with_name("labels.toml"))


def labels(language: str) -> Labels:
    return LABELS[language]


def section_label(language: str, vertical: str) -> str:
    """Menu label of a vertical ("" and unknown verticals read as the news section)."""
    for key, label in LABELS[language].sections:
        if key == (vertical or "news"):
            return label
    return vertical.replace("-", " ").capitalize()
