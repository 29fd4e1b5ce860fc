"""Resolve stories into what the pages show: paths, cards, inline links, related blocks,
hreflang clusters and the edition-wide data of the chrome."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsbot.demo.chrome import EDITIONS, section_path
from newsbot.demo.labels import section_label
from newsbot.demo.model import (
    ArticleView,
    Card,
    EditionView,
    Segment,
    image_url,
    programme_label,
    slugify,
)
from newsbot.demo.stories import LINK_RE, VIDEO_SUFFIX, Story, StoryVersion

# (story, language) pages whose hreflang list names only the page itself.
PARTIAL_HREFLANG = {("s13", "fr")}


def article_path(story: Story, version: StoryVersion, video: bool = False) -> str:
    day = story.published_at.strftime("%Y/%m/%d")
    if video:
        return f"/{version.language}/video/{day}/{version.slug}"
    vertical = f"{story.vertical}/" if story.vertical else ""
    return f"/{version.language}/{vertical}{day}/{version.slug}"


def tag_path(edition: str, tag: str) -> str:
    return f"/{edition}/tag/{slugify(tag)}"


def card(story: Story, version: StoryVersion, video: bool = False) -> Card:
    ed = version.language
    return Card(
        story=story.id,
        language=ed,
        path=article_path(story, version, video),
        title=version.title,
        teaser=version.teaser,
        image=image_url(story.id, ed),
        program=programme_label(story.program),
        section_path=section_path(ed, story.vertical),
        vertical=story.vertical or "news",
        video=story.video,
        published=story.published_at,
        kind="video" if video else "article",
    )


def link_language(story: Story, language: str) -> StoryVersion:
    """The version a link from a ``language`` page goes to: same language, else en, else first."""
    return story.version(language) or story.version("en") or story.versions[0]


def segments(text: str, language: str, by_id: dict[str, Story]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    pos = 0
    for m in LINK_RE.finditer(text):
        if m.start() > pos:
            out.append(Segment(text[pos : m.start()]))
        target = m.group(2)
        if target in by_id:
            st = by_id[target]
            out.append(Segment(m.group(1), article_path(st, link_language(st, language))))
        else:
            out.append(Segment(m.group(1), target))
        pos = m.end()
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return tuple(out)


@dataclass(frozen=True)
class Listings:
    """What the listings of a site show of its stories, per language: article cards newest
    first, the cards of the video pages of video stories, and each article path's tags."""

    cards: dict[str, list[Card]]
    videos: dict[str, list[Card]]
    tags: dict[str, list[str]]


def list_stories(stories: Iterable[Story], languages: Sequence[str]) -> Listings:
    """The cards every site (demo, fixtures, benchmarks) builds its listings and chrome from."""
    out = Listings({lang: [] for lang in languages}, {lang: [] for lang in languages}, {})
    for s in sorted(stories, key=lambda s: (s.published_at, s.id), reverse=True):
        for ver in s.versions:
            c = card(s, ver)
            out.cards[ver.language].append(c)
            out.tags[c.path] = list(ver.tags)
            if s.video:
                out.videos[ver.language].append(card(s, ver, video=True))
    return out


def _rank(path: str) -> str:
    return hashlib.sha256(("most-read:" + path).encode()).hexdigest()


def edition_view(
    code: str,
    cards: Sequence[Card],
    tags: dict[str, list[str]],
    editions: Sequence[str] = EDITIONS,
) -> EditionView:
    """``cards``: the edition's articles newest first; ``tags``: article path -> tag labels;
    ``editions``: the editions the chrome's language lists offer."""
    by_vertical: dict[str, list[Card]] = {}
    vertical_tags: dict[str, list[tuple[str, str]]] = {}
    counts: Counter[str] = Counter()
    first_seen: dict[str, tuple[str, str]] = {}
    for c in cards:
        by_vertical.setdefault(c.vertical, []).append(c)
        for t in tags.get(c.path, []):
            entry = (t, tag_path(code, t))
            counts[entry[1]] += 1
            first_seen.setdefault(entry[1], entry)
            vt = vertical_tags.setdefault(c.vertical, [])
            if entry[1] not in {p for _, p in vt}:
                vt.append(entry)
    order = list(first_seen)
    trending = sorted(order, key=lambda p: (-counts[p], order.index(p)))[:8]
    programmes: dict[str, str] = {}
    for c in cards:
        programmes.setdefault(slugify(c.program), c.program)
    return EditionView(
        code=code,
        language=code,
        latest=tuple(cards),
        trending=tuple(first_seen[p] for p in trending),
        by_vertical={k: tuple(v) for k, v in by_vertical.items()},
        vertical_tags={k: tuple(v) for k, v in vertical_tags.items()},
        programmes=tuple((label, slug) for slug, label in programmes.items()),
        home_paths={e: f"/{e}/" for e in editions},
    )


def _related_card(entry: str, language: str, by_id: dict[str, Story]) -> Card | None:
    """The card a related block shows for ``entry`` (a story id, or ``sNN:video`` for the
    story's video page) on a ``language`` page; None when the story has no such version."""
    target = entry.removesuffix(VIDEO_SUFFIX)
    version = by_id[target].version(language)
    if version is None:
        return None
    return card(by_id[target], version, video=target != entry)


def article_view(
    story: Story,
    version: StoryVersion,
    by_id: dict[str, Story],
    edition_cards: Sequence[Card],
) -> ArticleView:
    lang = version.language
    me = card(story, version)
    related = tuple(c for entry in story.related if (c := _related_card(entry, lang, by_id)))
    inline = None
    if story.inline_related:
        after, target = story.inline_related
        tv = by_id[target].version(lang) if target in by_id else None
        if tv is not None:
            inline = (after - 1, card(by_id[target], tv))
    if (story.id, lang) in PARTIAL_HREFLANG:
        hreflang: tuple[tuple[str, str], ...] = ((lang, me.path),)
    else:
        hreflang = tuple((v.language, article_path(story, v)) for v in story.versions)
    if story.template == 2024:
        xv = story.version("en") or story.versions[0]
        x_default = article_path(story, xv)
    else:
        x_default = f"/{lang}/"
    others = [c for c in edition_cards if c.path != me.path]
    top = tuple(others[:5])
    most_read = tuple(sorted(others, key=lambda c: _rank(c.path))[:5])
    section = section_label(lang, story.vertical)
    sec_path = section_path(lang, story.vertical)
    return ArticleView(
        story=story,
        version=version,
        edition=lang,
        card=me,
        paragraphs=tuple(segments(p, lang, by_id) for p in version.paragraphs),
        subheads=dict(version.subheads),
        captions=dict(version.captions),
        inline_related=inline,
        related=related,
        hreflang=hreflang,
        x_default=x_default,
        top_stories=top,
        most_read=most_read,
        tags=tuple((t, tag_path(lang, t)) for t in version.tags),
        video_path=article_path(story, version, video=True) if story.video else None,
        program_label=me.program,
        breadcrumbs=(
            (section, sec_path),
            (me.program, f"/{lang}/#programme-{story.program}"),
        ),
    )
