"""The stories of a generated site: thousands of Euronews-style articles recombined from the prose
of the demo stories (``stories/s*.toml``), for benchmarks and crash tests.

Everything follows from ``(pages, editions, seed)``: the same arguments give the same stories,
byte for byte. Each story has one language version; its paragraphs are real paragraphs of the
demo stories of that language, its headline a sentence of them under a tag as kicker (so
headlines are distinct as long as kicker and sentence pairs last), and it links to nearby
stories of its edition in its related block and in the links its paragraphs carry.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache

from newsbot.demo.model import slugify
from newsbot.demo.stories import (
    LINK_RE,
    STORIES_DIR,
    STORY_ID_RE,
    Story,
    StoryVersion,
    load_stories,
    strip_links,
)

CET = timezone(timedelta(hours=1))
#: Publication time of the newest generated story; older ones spread back over :data:`SPAN`.
NEWEST = datetime(2026, 3, 23, 18, 0, tzinfo=CET)
#: About five months: every edition's sitemap index then has six monthly children.
SPAN = timedelta(days=150)
PARAGRAPHS = (5, 9)  # fewest, most per story: pages of 300-325 KB in the 2026 template
RELATED = 3
# Related stories are chosen among this many neighbours on either side (same edition).
NEIGHBOURS = 12
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_QUOTES = set('"“”„«»')
_SLUG_WORDS = 9


@dataclass(frozen=True)
class _Pool:
    """What the demo stories of one language offer to recombine."""

    paragraphs: tuple[tuple[Story, StoryVersion, str], ...]
    headlines: tuple[tuple[str, str], ...]  # (sentence, its slug)
    kickers: tuple[tuple[str, str], ...]  # (tag, its slug)
    subheads: tuple[str, ...]


@cache
def _sources() -> tuple[Story, ...]:
    return load_stories(STORIES_DIR)


def languages() -> tuple[str, ...]:
    """The languages the demo stories are written in (those a generated edition may use)."""
    return tuple(sorted({v.language for s in _sources() for v in s.versions}))


def _headline(sentence: str) -> str | None:
    words = sentence.split()
    if not 5 <= len(words) <= 16 or _QUOTES & set(sentence) or sentence.endswith(":"):
        return None
    return sentence.removesuffix(".")


@cache
def _pool(language: str) -> _Pool:
    paragraphs, headlines, kickers, subheads = [], [], [], []
    for s in _sources():
        ver = s.version(language)
        if ver is None:
            continue
        subheads += [text for _, text in ver.subheads]
        kickers += [t for t in ver.tags if t not in kickers]
        for p in ver.paragraphs:
            paragraphs.append((s, ver, p))
            for sentence in _SENTENCE.split(strip_links(p)):
                h = _headline(sentence)
                if h and h not in headlines:
                    headlines.append(h)
    return _Pool(
        paragraphs=tuple(paragraphs),
        headlines=tuple((h, "-".join(slugify(h).split("-")[:_SLUG_WORDS])) for h in headlines),
        kickers=tuple((k, slugify(k)) for k in kickers),
        subheads=tuple(subheads),
    )


def story_id(index: int) -> str:
    """The id of the ``index``-th generated story (0 is the newest)."""
    return f"g{index + 1:05d}"


class _Titles:
    """Distinct (title, social title, slug, kicker) for the stories of one edition, in order."""

    def __init__(self, pool: _Pool, seed: int, edition: str) -> None:
        rng = random.Random(f"{seed}/{edition}/titles")
        self.heads = list(pool.headlines)
        self.kickers = list(pool.kickers)
        rng.shuffle(self.heads)
        rng.shuffle(self.kickers)
        self.slugs: set[str] = set()

    def __call__(self, k: int) -> tuple[str, str, str, str]:
        # Pairs (sentence r, kicker (q + r) mod K) differ for every k < sentences * kickers;
        # past that a round number keeps them apart.
        q, r = divmod(k, len(self.heads))
        head, head_slug = self.heads[r]
        kicker, kicker_slug = self.kickers[(q + r) % len(self.kickers)]
        title, slug = f"{kicker}: {head}", f"{kicker_slug}-{head_slug}"
        rounds = q // len(self.kickers)
        if rounds:
            title, slug = f"{title} ({rounds + 1})", f"{slug}-{rounds + 1}"
        while slug in self.slugs:  # two sentences may share their first words
            slug += "-bis"
        self.slugs.add(slug)
        return title, head, slug, kicker


def _links(text: str, targets: Sequence[str], start: int) -> str:
    """Paragraph text whose links to demo stories now lead to ``targets`` (generated stories),
    or lose their link when there are none; links to other sites stay."""
    count = start

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        if not STORY_ID_RE.fullmatch(m.group(2)):
            return m.group(0)
        if not targets:
            return m.group(1)
        count += 1
        return f"[{m.group(1)}]({targets[(count - 1) % len(targets)]})"

    return LINK_RE.sub(swap, text)


def generate(pages: int, editions: Sequence[str], seed: int) -> tuple[Story, ...]:
    """``pages`` stories, newest first, given to ``editions`` in turn."""
    step = max(1, int(SPAN.total_seconds() // 60) // pages)  # minutes between stories
    rng = random.Random(seed)
    titles = {e: _Titles(_pool(e), seed, e) for e in editions}
    n = len(editions)
    out = []
    for j in range(pages):
        e = editions[j % n]
        k, pool = j // n, _pool(e)
        total = len(range(j % n, pages, n))  # stories of this edition
        near = [x for x in range(k - NEIGHBOURS, k + NEIGHBOURS + 1) if 0 <= x < total and x != k]
        related = tuple(story_id(x * n + j % n) for x in rng.sample(near, min(RELATED, len(near))))
        count = rng.randint(*PARAGRAPHS)
        picks = [pool.paragraphs[i] for i in rng.sample(range(len(pool.paragraphs)), count)]
        lead_story, lead = picks[0][0], picks[0][1]
        paragraphs, linked = [], 0
        for _, _, text in picks:
            paragraphs.append(_links(text, related, linked))
            linked += len(LINK_RE.findall(text))
        title, social, slug, kicker = titles[e](k)
        published = NEWEST - timedelta(minutes=j * step + rng.randrange(step // 2 + 1))
        subheads = ((count // 2, rng.choice(pool.subheads)),) if pool.subheads else ()
        version = StoryVersion(
            language=e,
            slug=slug,
            title=title,
            social_title=social,
            teaser=lead.teaser,
            authors=lead.authors,
            tags=(kicker, *(t for t in lead.tags if t != kicker))[:5],
            image_caption=lead.image_caption,
            image_credit=lead.image_credit,
            sources=lead.sources,
            paragraphs=tuple(paragraphs),
            subheads=subheads,
            captions=(),
        )
        out.append(
            Story(
                id=story_id(j),
                published_at=published,
                modified_at=published + timedelta(minutes=rng.randint(5, 240)),
                vertical=lead_story.vertical,
                theme=lead_story.theme,
                program=lead_story.program,
                video=False,
                template=2026,
                related=related,
                inline_related=(2, related[0]) if related else None,
                story_id=9_800_000 + j,
                event_id=2_900_000 + j,
                versions=(version,),
                source="generated",
            )
        )
    return tuple(out)
