"""The known truth of the sites tests crawl: what a correct crawl archives for each article page,
computed from the stories (never from newsbot's extractor), and the interface
(:class:`ServedSite`) the test server and the tests rely on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from itertools import takewhile
from typing import Protocol

from newsbot.demo.labels import CLOSE_BUTTON, COPY_BUTTON, Labels, labels
from newsbot.demo.model import ArticleView
from newsbot.demo.responses import DemoResponse
from newsbot.demo.stories import StoryVersion, strip_links
from newsbot.demo.views import article_path

#: The furniture fields of :class:`~newsbot.demo.labels.Labels` (the strings an article page
#: shows around its text): the ones before the chrome's words.
FURNITURE = tuple(takewhile(lambda name: name != "locale", (f.name for f in fields(Labels))))


@dataclass(frozen=True)
class DemoArticle:
    """The truth about one article page: what a correct crawl archives for it."""

    story: str
    edition: str
    language: str
    path: str
    title: str
    teaser: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    published_at: str
    modified_at: str
    section: str
    template: int
    video: bool
    image_url: str
    paragraphs: tuple[str, ...]
    subheads: tuple[str, ...]
    captions: tuple[str, ...]
    sources: tuple[str, ...]
    related: tuple[str, ...]
    inline_related: tuple[str, ...]
    inline_links: tuple[tuple[str, str], ...]
    hreflang: tuple[tuple[str, str], ...]
    translations: tuple[tuple[str, str], ...]


class ServedSite(Protocol):
    """What :class:`~sitegen.DemoServer` serves and what tests read as the truth:
    :class:`~sitegen.DemoSite` and :class:`~sitegen.GeneratedSite` both offer it."""

    @property
    def editions(self) -> tuple[str, ...]: ...

    @property
    def articles(self) -> tuple[DemoArticle, ...]: ...

    @property
    def video_paths(self) -> tuple[str, ...]: ...

    @property
    def disallowed_paths(self) -> tuple[str, ...]: ...

    @property
    def missing_paths(self) -> tuple[str, ...]: ...

    @property
    def redirects(self) -> Mapping[str, str]: ...

    def article(self, path: str) -> DemoArticle: ...

    def furniture_strings(self, language: str) -> tuple[str, ...]: ...

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse: ...

    def change_article(
        self,
        path: str,
        *,
        title: str | None = None,
        add_paragraph: str | None = None,
        modified_at: str | None = None,
    ) -> DemoArticle: ...


def article_truth(v: ArticleView) -> DemoArticle:
    """The truth of the article page ``v`` renders."""
    s, ver = v.story, v.version
    links = tuple(
        (seg.href, seg.text) for para in v.paragraphs for seg in para if seg.href is not None
    )
    return DemoArticle(
        story=s.id,
        edition=v.edition,
        language=v.language,
        path=v.path,
        title=ver.title,
        teaser=ver.teaser,
        authors=ver.authors,
        tags=ver.tags,
        published_at=s.published_at.isoformat(),
        modified_at=s.modified_at.isoformat(),
        section=s.vertical or "news",
        template=s.template,
        video=s.video,
        image_url=v.card.image,
        paragraphs=tuple(strip_links(p) for p in ver.paragraphs),
        subheads=tuple(text for _, text in ver.subheads),
        captions=tuple(text for _, text in ver.captions),
        sources=credited_sources(ver),
        related=tuple(c.path for c in v.related),
        inline_related=(v.inline_related[1].path,) if v.inline_related else (),
        inline_links=links,
        hreflang=v.hreflang,
        translations=tuple(
            (o.language, article_path(s, o)) for o in s.versions if o.language != v.language
        ),
    )


def furniture_strings(language: str) -> tuple[str, ...]:
    """Every furniture label pages of this language show, without duplicates, in a fixed order."""
    lab = labels(language)
    out: list[str] = []
    for value in (*(getattr(lab, name) for name in FURNITURE), COPY_BUTTON, CLOSE_BUTTON):
        if value not in out:
            out.append(value)
    return tuple(out)


def credited_sources(version: StoryVersion) -> tuple[str, ...]:
    """Every agency an article page names, byline first, each once (case-insensitively)."""
    seen: set[str] = set()
    out = []
    for name in (*version.byline_agencies, *version.sources):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)
