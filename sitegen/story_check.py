"""Checks of story files as they are written: what the demo's loader
(:func:`newsbot.demo.stories.load_story_file`) does not check because the bundled files pass.

Unknown keys, ids, slugs, templates, dates, inline boxes, the links inside paragraphs, and the
stories a story names. Every problem is a :class:`~newsbot.demo.stories.StoryError` naming the
file and the dotted key. :func:`load_checked` is how the test sites load stories.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
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
_TOP_KEYS = {
    "id", "published_at", "modified_at", "vertical", "theme", "program", "video", "template",
    "related", "inline_related", "story_id", "event_id", "short", *LANGUAGES,
}  # fmt: skip
_VERSION_KEYS = {
    "slug", "title", "social_title", "teaser", "authors", "tags", "image_caption",
    "image_credit", "sources", "byline_agencies", "paragraphs", "subheads", "captions",
}  # fmt: skip


def _fail(file: str, key: str, message: str) -> StoryError:
    return StoryError(f"{file}: key '{key}' {message}")


def _slug(file: str, key: str, value: Any, what: str) -> None:
    if isinstance(value, str) and value and not SLUG_RE.fullmatch(value):
        raise _fail(file, key, f"must be {what}: {value!r}")


def _check_version(file: str, language: str, data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - _VERSION_KEYS)
    if unknown:
        raise _fail(file, f"{language}.{unknown[0]}", "is not a known key")
    _slug(file, f"{language}.slug", data.get("slug"), "lowercase ascii words joined by hyphens")
    for i, p in enumerate(data.get("paragraphs", ())):
        key = f"{language}.paragraphs[{i}]"
        for m in LINK_RE.finditer(p):
            target = m.group(2)
            if not (STORY_ID_RE.fullmatch(target) or target.startswith(("https://", "http://"))):
                raise _fail(file, key, f"links to {target!r} (want a story id or a URL)")
        if "](" in LINK_RE.sub("", p):
            raise _fail(file, key, "has a malformed Markdown link")


def check_story_file(path: Path, story: Story) -> None:
    """What ``story``, loaded from ``path``, must also be."""
    file, data = path.name, tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _fail(file, unknown[0], "is not a known key")
    if not (STORY_ID_RE.fullmatch(story.id) or story.id == INTERNAL_ID) or story.id != path.stem:
        raise _fail(
            file, "id", f"must be sNN, fNN or xNN and match the file name, not {story.id!r}"
        )
    if story.template not in TEMPLATES:
        raise _fail(file, "template", f"must be one of {TEMPLATES}, not {story.template}")
    _slug(file, "vertical", story.vertical, "empty or a lowercase slug")
    _slug(file, "program", story.program, "a lowercase slug")
    if story.modified_at < story.published_at:
        raise _fail(file, "modified_at", "is earlier than published_at")
    if story.inline_related:
        after = story.inline_related[0]
        if after < 1:
            raise _fail(file, "inline_related.after", "must be a paragraph number >= 1")
        if any(after > len(v.paragraphs) for v in story.versions):
            raise _fail(file, "inline_related.after", "is past the last paragraph of a version")
    for v in story.versions:
        _check_version(file, v.language, data[v.language])


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
    stories = load_stories(directory, pattern)
    for s in stories:
        check_story_file(directory / s.source, s)
    check_references(stories, known)
    return stories
