"""Story files of the demo site: ``stories/*.toml`` loaded into frozen records.

One file holds one story in one or more languages. The demo site serves the ``sNN`` stories
(en, de, fr) and ``internal.toml``; the extraction fixtures (outside the package) also render
``fNN`` stories (other editions) and ``xNN`` stories (pages of other kinds: class-less older
articles, a live blog, other sites). A file that is no story is a :class:`StoryError` naming the
file; ``sitegen.story_check`` names the dotted key of a value written wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

STORIES_DIR = Path(__file__).parent / "stories"
#: Every language a story may be written in, in the order pages list their editions.
LANGUAGES = ("en", "de", "fr", "it", "es", "pt", "el", "pl", "ru", "tr", "hu", "ar")
LINK_RE = re.compile(r"\[([^\]\[]+)\]\(([^()\s]+)\)")
STORY_ID_RE = re.compile(r"[sfx]\d\d")
#: The one story on no listing (``stories/internal.toml``, a page robots.txt disallows).
INTERNAL_ID = "internal"
#: A ``related`` entry naming the video page of a (video) story rather than its article.
VIDEO_SUFFIX = ":video"


class StoryError(ValueError):
    """A story file is missing or malformed; the message names the file and the key."""


@dataclass(frozen=True)
class StoryVersion:
    """One language version of a story, as written (paragraphs keep their Markdown links)."""

    language: str
    slug: str
    title: str
    social_title: str
    teaser: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    image_caption: str
    image_credit: str
    paragraphs: tuple[str, ...]
    sources: tuple[str, ...] = ()
    subheads: tuple[tuple[int, str], ...] = ()  # (index of the paragraph it precedes, text)
    captions: tuple[tuple[int, str], ...] = ()  # (index of the paragraph it follows, caption)
    #: Agencies the byline names after the authors, as it writes them ("Von Euronews mit AP",
    #: "By Euronews with Agencies"); ``sources`` are the ones the footer names ("Weitere
    #: Quellen • AP, dpa"). Both are sources of the article.
    byline_agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """A story and its language versions, in the order the file lists them."""

    id: str
    published_at: datetime
    modified_at: datetime
    vertical: str
    theme: str
    program: str
    video: bool
    template: int
    story_id: int
    event_id: int
    versions: tuple[StoryVersion, ...]
    related: tuple[str, ...] = ()  # story ids; "sNN:video" names the video page of story sNN
    inline_related: tuple[int, str] | None = None  # (after paragraph N, 1-based; target story)
    source: str = ""  # the file's name
    short: bool = False

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(v.language for v in self.versions)

    def version(self, language: str) -> StoryVersion | None:
        for v in self.versions:
            if v.language == language:
                return v
        return None


def strip_links(text: str) -> str:
    """Paragraph text with ``[anchor](target)`` reduced to ``anchor``."""
    return LINK_RE.sub(lambda m: m.group(1), text)


def _record(table: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a TOML table as record fields: lists become tuples, and the tables of
    paragraph indexes (``subheads``, ``captions``) sorted (index, text) pairs."""
    out = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    for key in ("subheads", "captions"):
        if key in table:
            out[key] = tuple(sorted((int(i), text) for i, text in table[key].items()))
    return out


def _version(language: str, table: Mapping[str, Any]) -> StoryVersion:
    # A 2024 story may leave its social title out: the headline is shared as it is.
    defaults: dict[str, Any] = {"social_title": table.get("title")}
    return StoryVersion(language=language, **defaults | _record(table))


def load_story_file(path: Path) -> Story:
    """Load one story file; a file that cannot be read, is no TOML or lacks a key (or has one
    no record knows) is a :class:`StoryError` naming the file. Values are taken as written:
    ``sitegen.story_check`` checks each key's type and value when stories are written."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        top = _record({k: v for k, v in data.items() if k not in LANGUAGES})
        for key in ("published_at", "modified_at"):
            top[key] = datetime.fromisoformat(top[key])
        if "inline_related" in top:
            top["inline_related"] = (top["inline_related"]["after"], top["inline_related"]["story"])
        versions = tuple(_version(lang, data[lang]) for lang in data if lang in LANGUAGES)
        return Story(**top, versions=versions, source=path.name)
    except OSError as exc:
        raise StoryError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoryError(f"{path.name}: not valid TOML ({exc})") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoryError(f"{path.name}: not a story file ({exc!r})") from None


def load_stories(directory: Path = STORIES_DIR, pattern: str = "s*.toml") -> tuple[Story, ...]:
    """Every story of ``directory`` whose file matches ``pattern``, sorted by id."""
    files = sorted(directory.glob(pattern))
    if not files:
        raise StoryError(f"{directory}: no story files ({pattern})")
    return tuple(load_story_file(f) for f in files)
