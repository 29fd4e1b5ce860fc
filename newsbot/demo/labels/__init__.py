"""Per-language labels of the demo site: page furniture and the words of the site chrome.

The demo site serves en, de and fr; the extraction fixtures render every edition listed here,
with the real site's wording for furniture wherever it is known.
"""

from __future__ import annotations

from newsbot.demo.labels.base import CLOSE_BUTTON, COPY_BUTTON, FURNITURE, Labels
from newsbot.demo.labels.eastern import EASTERN
from newsbot.demo.labels.western import WESTERN

LABELS: dict[str, Labels] = {**WESTERN, **EASTERN}

__all__ = [
    "CLOSE_BUTTON",
    "COPY_BUTTON",
    "LABELS",
    "Labels",
    "furniture_strings",
    "labels",
    "section_label",
]


def labels(language: str) -> Labels:
    return LABELS[language]


def section_label(language: str, vertical: str) -> str:
    """Menu label of a vertical ("" and unknown verticals read as the news section)."""
    for key, label in LABELS[language].sections:
        if key == (vertical or "news"):
            return label
    return vertical.replace("-", " ").capitalize()


def furniture_strings(language: str) -> tuple[str, ...]:
    """Every furniture label pages of this language show, without duplicates, in a fixed order."""
    lab = LABELS[language]
    out: list[str] = []
    for name in FURNITURE:
        value = getattr(lab, name)
        if value not in out:
            out.append(value)
    for extra in (COPY_BUTTON, CLOSE_BUTTON):
        if extra not in out:
            out.append(extra)
    return tuple(out)
