"""Checks of story files as they are written: what the demo's loader
(:func:`newsbot.demo.stories.load_story_file`) does not check because the bundled files pass.

Each key's presence and type, unknown keys, ids, slugs, templates, dates, paragraph indexes,
inline boxes, the links inside paragraphs, and the stories a story names. Every problem is a
:class:`~newsbot.demo.stories.StoryError` naming the file and the dotted key.
:func:`load_checked` is how the test sites load stories.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from newsbot.demo.stories import (
    INTERNAL_ID,
    LANGUAGES,
    LINK_RE,
    STORY_ID_RE,
    VIDEO_SUFFIX,
    Story,
    StoryError,
    load_stories,
)

#: Template generations: 2015 is the older class-less markup (fixtures only).
TEMPLATES = (2015, 2024, 2026)
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Each key of a story file and of its language tables, with the type of its value.
_TOP_KEYS: dict[str, type] = {
    "id": str, "published_at": str, "modified_at": str, "vertical": str, "theme": str,
    "program": str, "video": bool, "template": int, "related": list, "inline_related": dict,
    "story_id": int, "event_id": int, "short": bool, **dict.fromkeys(LANGUAGES, dict),
}  # fmt: skip
_VERSION_KEYS: dict[str, type] = {
    "slug": str, "title": str, "social_title": str, "teaser": str, "authors": list, "tags": list,
    "image_caption": str, "image_credit": str, "sources": list, "byline_agencies": list,
    "paragraphs": list, "subheads": dict, "captions": dict,
}  # fmt: skip
#: Keys a file may leave out (``social_title`` only in a 2024 or older story, and all language
#: tables but one); lists of these may also be empty. A story of no vertical has vertical "".
_OPTIONAL = {"related", "inline_related", "short", "social_title", "sources", "byline_agencies"}
_OPTIONAL |= {"subheads", "captions", *LANGUAGES}


def _fail(file: str, key: str, message: str) -> StoryError:
    return StoryError(f"{file}: key '{key}' {message}")


def _check_table(
    file: str, table: Mapping[str, Any], kinds: Mapping[str, type], prefix: str = ""
) -> None:
    """Every key of ``table`` known, present unless optional, of its type, never empty."""
    unknown = sorted(set(table) - set(kinds))
    if unknown:
        raise _fail(file, prefix + unknown[0], "is not a known key")
    for key, kind in kinds.items():
        where, value = prefix + key, table.get(key)
        if key not in table:
            if key in _OPTIONAL:
                continue
            raise _fail(file, where, "is missing")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _fail(file, where, f"must be {kind.__name__}, not {value!r}")
        if isinstance(value, str) and not value.strip() and key != "vertical":
            raise _fail(file, where, "must not be empty")
        if isinstance(value, list):
            if not all(isinstance(v, str) and v.strip() for v in value):
                raise _fail(file, where, "must be a list of non-empty strings")
            if not value and key not in _OPTIONAL:
                raise _fail(file, where, "must not be empty")


def _slug(file: str, key: str, value: Any, what: str) -> None:
    if isinstance(value, str) and value and not SLUG_RE.fullmatch(value):
        raise _fail(file, key, f"must be {what}: {value!r}")


def _check_version(file: str, language: str, data: Mapping[str, Any], template: int) -> None:
    _check_table(file, data, _VERSION_KEYS, f"{language}.")
    if template == 2026 and "social_title" not in data:
        raise _fail(file, f"{language}.social_title", "is missing (a 2026 story shares its own)")
    _slug(file, f"{language}.slug", data["slug"], "lowercase ascii words joined by hyphens")
    count = len(data["paragraphs"])
    for table in ("subheads", "captions"):
        for k, v in data.get(table, {}).items():
            if not k.isdigit() or not 0 <= int(k) < count:
                raise _fail(
                    file, f"{language}.{table}.{k}", f"must be a paragraph index 0..{count - 1}"
                )
            if not isinstance(v, str) or not v.strip():
                raise _fail(file, f"{language}.{table}.{k}", "must be a non-empty string")
    for i, p in enumerate(data["paragraphs"]):
        key = f"{language}.paragraphs[{i}]"
        for m in LINK_RE.finditer(p):
            target = m.group(2)
            if not (STORY_ID_RE.fullmatch(target) or target.startswith(("https://", "http://"))):
                raise _fail(file, key, f"links to {target!r} (want a story id or a URL)")
        if "](" in LINK_RE.sub("", p):
            raise _fail(file, key, "has a malformed Markdown link")


def _when(file: str, key: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise _fail(file, key, f"is not an ISO 8601 date-time: {raw!r}") from None
    if value.tzinfo is None:
        raise _fail(file, key, f"needs a UTC offset: {raw!r}")
    return value


def check_story_file(path: Path) -> None:
    """What the story file ``path`` must be beyond what the loader reads: every key of its
    type, its id, slugs, template, dates and inline box as the pages need them."""
    file = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoryError(f"{file}: cannot read a story from it ({exc})") from None
    _check_table(file, data, _TOP_KEYS)
    story_id = data["id"]
    if not (STORY_ID_RE.fullmatch(story_id) or story_id == INTERNAL_ID) or story_id != path.stem:
        raise _fail(
            file, "id", f"must be sNN, fNN or xNN and match the file name, not {story_id!r}"
        )
    if data["template"] not in TEMPLATES:
        raise _fail(file, "template", f"must be one of {TEMPLATES}, not {data['template']}")
    _slug(file, "vertical", data["vertical"], "empty or a lowercase slug")
    _slug(file, "program", data["program"], "a lowercase slug")
    published = _when(file, "published_at", data["published_at"])
    if _when(file, "modified_at", data["modified_at"]) < published:
        raise _fail(file, "modified_at", "is earlier than published_at")
    languages = [lang for lang in data if lang in LANGUAGES]
    if not languages:
        raise StoryError(f"{file}: no language table (want one of {', '.join(LANGUAGES)})")
    for lang in languages:
        _check_version(file, lang, data[lang], data["template"])
    if "inline_related" in data:
        inline = data["inline_related"]
        _check_table(file, inline, {"after": int, "story": str}, "inline_related.")
        if inline["after"] < 1:
            raise _fail(file, "inline_related.after", "must be a paragraph number >= 1")
        if any(inline["after"] > len(data[lang]["paragraphs"]) for lang in languages):
            raise _fail(file, "inline_related.after", "is past the last paragraph of a version")


def check_references(stories: Sequence[Story], known: Sequence[Story] = ()) -> None:
    """Every story ``stories`` name exists among them or the ``known`` ones."""
    by_id = {s.id: s for s in (*known, *stories)}
    for s in stories:
        for i, entry in enumerate(s.related):
            target = entry.removesuffix(VIDEO_SUFFIX)
            if target not in by_id or target == s.id:
                raise _fail(s.source, f"related[{i}]", f"names unknown story {target!r}")
            if entry != target and not by_id[target].video:
                raise _fail(
                    s.source, f"related[{i}]", f"names the video of {target!r}, not a video story"
                )
        if s.inline_related and s.inline_related[1] not in by_id:
            raise _fail(
                s.source, "inline_related.story", f"names unknown story {s.inline_related[1]!r}"
            )
        for v in s.versions:
            for i, p in enumerate(v.paragraphs):
                for m in LINK_RE.finditer(p):
                    if STORY_ID_RE.fullmatch(m.group(2)) and m.group(2) not in by_id:
                        raise _fail(
                            s.source,
                            f"{v.language}.paragraphs[{i}]",
                            f"links to unknown story {m.group(2)!r}",
                        )


def load_checked(
    directory: Path, pattern: str = "s*.toml", known: Sequence[Story] = ()
) -> tuple[Story, ...]:
    """:func:`~newsbot.demo.stories.load_stories` with every check of this module."""
    for path in sorted(directory.glob(pattern)):
        check_story_file(path)
    stories = load_stories(directory, pattern)
    check_references(stories, known)
    return stories
