"""Edits to a demo article between crawls: a new title, an added paragraph, a new modified date.

Stories are frozen records; an edit yields a new story whose other language versions are the
same objects as before, so that only the edited page renders differently.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from newsbot.demo.stories import Story, StoryVersion

#: How far ``modified_at`` moves when an edit names no date: far enough to show in every format
#: the pages and sitemaps print (minutes included).
DEFAULT_STEP = timedelta(hours=1)


def parse_modified(raw: str, story: Story) -> datetime:
    """``raw`` as an aware datetime no earlier than the story's publication."""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"modified_at is not an ISO 8601 date-time: {raw!r}") from None
    if when.tzinfo is None:
        raise ValueError(f"modified_at needs a UTC offset: {raw!r}")
    if when < story.published_at:
        raise ValueError(
            f"modified_at {raw} is earlier than published_at {story.published_at.isoformat()}"
        )
    return when


def revise(
    story: Story,
    version: StoryVersion,
    *,
    title: str | None,
    add_paragraph: str | None,
    modified_at: str | None,
) -> tuple[Story, StoryVersion]:
    """The story and its ``version`` after the edit. ``add_paragraph`` is appended (Markdown
    links as in story files); without ``modified_at`` the date moves :data:`DEFAULT_STEP` on.
    The slug, hence the URL, never changes: the real site keeps an article's address."""
    if title is not None and not title.strip():
        raise ValueError("title must not be empty")
    if add_paragraph is not None and not add_paragraph.strip():
        raise ValueError("add_paragraph must not be empty")
    if modified_at is None:
        when = story.modified_at + DEFAULT_STEP
    else:
        when = parse_modified(modified_at, story)
    paragraphs = version.paragraphs + ((add_paragraph,) if add_paragraph is not None else ())
    new_version = replace(version, title=title or version.title, paragraphs=paragraphs)
    versions = tuple(new_version if v.language == version.language else v for v in story.versions)
    return replace(story, modified_at=when, versions=versions), new_version
