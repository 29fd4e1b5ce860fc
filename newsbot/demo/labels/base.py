"""The record of one language's labels: page furniture and the words of the site chrome."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Shown in English in every edition, as on the real site.
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
    live: str = "Live"
    updated: str = "Updated"
    just_in: str = "Just in"
    follow_us: str = "Follow us"
    # footer service links: about, contact, terms, privacy, cookies, careers
    services: tuple[str, ...] = ()


FURNITURE = (
    "share_2024",
    "share_2026",
    "comments",
    "embed_tooltip",
    "copied",
    "ad",
    "related_2024",
    "related_2026",
    "inline_related",
    "by",
    "published_on",
    "copyright",
    "top_stories",
    "most_read",
    "goto_accessibility",
    "sources",
)
assert set(FURNITURE) <= {f.name for f in fields(Labels)}
