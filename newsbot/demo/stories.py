"""Story files of the demo site: load ``stories/*.toml`` and validate them into frozen records.

One file holds one story in one or more languages. The demo site serves the ``sNN`` stories
(en, de, fr) and ``internal.toml``; the extraction fixtures (outside the package) also render
``fNN`` stories (other editions) and ``xNN`` stories (pages of other kinds: class-less older
articles, a live blog, other sites). A problem is reported as :class:`StoryError` naming the file
and the dotted key.
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
    sources: tuple[str, ...]
    paragraphs: tuple[str, ...]
    subheads: tuple[tuple[int, str], ...]  # (index of the paragraph it precedes, text)
    captions: tuple[tuple[int, str], ...]  # (index of the paragraph it follows, caption)
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
    related: tuple[str, ...]  # story ids; "sNN:video" names the video page of story sNN
    inline_related: tuple[int, str] | None  # (after paragraph N, 1-based; target story)
    story_id: int
    event_id: int
    versions: tuple[StoryVersion, ...]
    source: str = ""
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


class _Reader:
    """Typed access to one TOML table; errors name the file and the dotted key."""

    def __init__(self, file: str, data: Mapping[str, Any], prefix: str = "") -> None:
        self.file, self.data, self.prefix = file, data, prefix

    def where(self, key: str) -> str:
        return f"{self.file}: key '{self.prefix}{key}'"

    def fail(self, key: str, message: str) -> StoryError:
        return StoryError(f"{self.where(key)} {message}")

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"must be {kind.__name__}, not {value!r}")
        return value

    def text(self, key: str, default: Any = ..., allow_empty: bool = False) -> str:
        value: str = self.get(key, str, default)
        if not allow_empty and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def strings(self, key: str, default: Any = ..., non_empty: bool = True) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        if non_empty and not value:
            raise self.fail(key, "must not be empty")
        return tuple(value)

    def when(self, key: str) -> datetime:
        raw = self.text(key)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise self.fail(key, f"is not an ISO 8601 date-time: {raw!r}") from None
        if value.tzinfo is None:
            raise self.fail(key, f"needs a UTC offset: {raw!r}")
        return value

    def indexed(self, key: str, count: int) -> tuple[tuple[int, str], ...]:
        table = self.get(key, dict, {})
        out = []
        for k, v in table.items():
            if not k.isdigit() or not 0 <= int(k) < count:
                raise self.fail(f"{key}.{k}", f"must be a paragraph index 0..{count - 1}")
            if not isinstance(v, str) or not v.strip():
                raise self.fail(f"{key}.{k}", "must be a non-empty string")
            out.append((int(k), v))
        return tuple(sorted(out))


def _version(top: _Reader, language: str, template: int) -> StoryVersion:
    r = _Reader(top.file, top.get(language, dict), f"{language}.")
    title = r.text("title")
    social = r.text("social_title") if template == 2026 else r.text("social_title", title)
    paragraphs = r.strings("paragraphs")
    return StoryVersion(
        language=language,
        slug=r.text("slug"),
        title=title,
        social_title=social,
        teaser=r.text("teaser"),
        authors=r.strings("authors"),
        tags=r.strings("tags"),
        image_caption=r.text("image_caption"),
        image_credit=r.text("image_credit"),
        sources=r.strings("sources", [], non_empty=False),
        paragraphs=paragraphs,
        subheads=r.indexed("subheads", len(paragraphs)),
        captions=r.indexed("captions", len(paragraphs)),
        byline_agencies=r.strings("byline_agencies", [], non_empty=False),
    )


def load_story_file(path: Path) -> Story:
    """Load one story file; a missing key or a value of the wrong type is a :class:`StoryError`
    naming the file and the key (``sitegen.story_check`` checks the rest when stories are
    written)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoryError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoryError(f"{path.name}: not valid TOML ({exc})") from None
    top = _Reader(path.name, data)
    template = top.get("template", int)
    inline = None
    if "inline_related" in data:
        ir = _Reader(path.name, top.get("inline_related", dict), "inline_related.")
        inline = (ir.get("after", int), ir.text("story"))
    versions = tuple(_version(top, lang, template) for lang in data if lang in LANGUAGES)
    if not versions:
        raise StoryError(f"{path.name}: no language table (want one of {', '.join(LANGUAGES)})")
    return Story(
        id=top.text("id"),
        published_at=top.when("published_at"),
        modified_at=top.when("modified_at"),
        vertical=top.text("vertical", allow_empty=True),
        theme=top.text("theme"),
        program=top.text("program"),
        video=top.get("video", bool),
        template=template,
        related=top.strings("related", [], non_empty=False),
        inline_related=inline,
        story_id=top.get("story_id", int),
        event_id=top.get("event_id", int),
        versions=versions,
        source=path.name,
        short=top.get("short", bool, False),
    )


def load_stories(directory: Path = STORIES_DIR, pattern: str = "s*.toml") -> tuple[Story, ...]:
    """Every story of ``directory`` whose file matches ``pattern``, sorted by id."""
    files = sorted(directory.glob(pattern))
    if not files:
        raise StoryError(f"{directory}: no story files ({pattern})")
    return tuple(load_story_file(f) for f in files)
