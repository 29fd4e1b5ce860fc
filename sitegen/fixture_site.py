"""HostedSite: every story rendered as the real site would serve it, on its edition's own host.

The demo site serves three editions from one host for end-to-end crawls. The extraction fixtures
need pages as the real site writes them: every language edition on its own host
(``https://gr.euronews.com/green/2026/02/13/slug``), the chrome of each edition in its language,
and pages of kinds the demo does not serve (video hubs, class-less older articles, live blogs,
other sites). Rendering stays deterministic: the same stories give byte-identical pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsbot.demo import article2024, article2026, legacy, listings, liveblog, othersites
from newsbot.demo.build import article_view, card, edition_view, tag_path
from newsbot.demo.chrome import section_path
from newsbot.demo.footer import PROGRAMMES
from newsbot.demo.headlines import HEADLINES
from newsbot.demo.hosts import edition_url, on_edition_hosts
from newsbot.demo.labels import section_label
from newsbot.demo.legacy import Standfirst
from newsbot.demo.model import ArticleView, Card, EditionView, image_url, programme_label
from newsbot.demo.stories import LANGUAGES, STORIES_DIR, Story, load_stories

#: An edition's chrome lists at least this many stories; headline-only cards fill the gap.
MIN_EDITION_CARDS = 12
_CET = timezone(timedelta(hours=1))


@dataclass(frozen=True)
class HostedPage:
    """One rendered page: its real URL, its HTML, and the article view it shows (if any)."""

    url: str
    html: str
    language: str
    template: int | None
    view: ArticleView | None = None


def _headline_cards(language: str) -> list[Card]:
    out = []
    for i, (vertical, slug, title) in enumerate(HEADLINES.get(language, ()), 1):
        when = datetime(2026, 3, 10 + i, 8, 30, tzinfo=_CET)
        prefix = "" if vertical == "news" else f"{vertical}/"
        out.append(
            Card(
                story=f"h{i:02d}",
                language=language,
                path=f"/{language}/{prefix}{when:%Y/%m/%d}/{slug}",
                title=title,
                teaser="",
                image=image_url(f"h{i:02d}", language),
                program=programme_label(PROGRAMMES[vertical][0]),
                section_path=section_path(language, vertical),
                vertical=vertical,
                video=False,
                published=when,
            )
        )
    return out


class HostedSite:
    """The demo stories (sNN), the fixture stories (fNN, from ``fixture_stories``) and the extra
    stories (xNN) in every edition, rendered on the real edition hosts."""

    def __init__(self, fixture_stories: Path | None = None) -> None:
        demo = load_stories()
        fixture: tuple[Story, ...] = ()
        if fixture_stories is not None and any(fixture_stories.glob("f*.toml")):
            fixture = load_stories(fixture_stories, "f*.toml", known=demo)
        extra = load_stories(STORIES_DIR, "x*.toml", known=(*demo, *fixture))
        self.stories: dict[str, Story] = {s.id: s for s in (*demo, *fixture, *extra)}
        listed = sorted((*demo, *fixture), key=lambda s: (s.published_at, s.id), reverse=True)
        self._cards: dict[str, list[Card]] = {lang: [] for lang in LANGUAGES}
        self._videos: dict[str, list[Card]] = {lang: [] for lang in LANGUAGES}
        tags: dict[str, list[str]] = {}
        for s in listed:
            for ver in s.versions:
                c = card(s, ver)
                self._cards[ver.language].append(c)
                tags[c.path] = list(ver.tags)
                if s.video:
                    self._videos[ver.language].append(card(s, ver, video=True))
        self.editions: dict[str, EditionView] = {}
        for lang in LANGUAGES:
            # Editions with few stories list headline-only cards in their chrome (and sections).
            missing = MIN_EDITION_CARDS - len(self._cards[lang])
            if missing > 0:
                self._cards[lang] = sorted(
                    self._cards[lang] + _headline_cards(lang)[:missing],
                    key=lambda c: (c.published, c.path),
                    reverse=True,
                )
            self.editions[lang] = edition_view(lang, self._cards[lang], tags, editions=LANGUAGES)
        self._views: dict[tuple[str, str], ArticleView] = {}

    # --- article pages -------------------------------------------------------------------

    def view(self, story: str, language: str) -> ArticleView:
        """The resolved article view of one language version of a story."""
        key = (story, language)
        if key not in self._views:
            s = self.stories[story]
            ver = s.version(language)
            if ver is None:
                raise KeyError(f"story {story} has no {language} version")
            self._views[key] = article_view(s, ver, self.stories, self._cards[language])
        return self._views[key]

    def alternates(self, v: ArticleView) -> list[tuple[str, str]]:
        """What the language switcher offers: the translations, else the edition homes."""
        listed = dict(v.hreflang)
        return [(e, listed.get(e, f"/{e}/")) for e in LANGUAGES]

    def article(self, story: str, language: str, dense_ads: bool = False) -> HostedPage:
        v = self.view(story, language)
        template = v.story.template
        module = article2024 if template == 2024 else article2026
        page = module.render(v, self.editions[language], self.alternates(v), dense_ads=dense_ads)
        return HostedPage(
            url=edition_url(v.path),
            html=on_edition_hosts(page, language, template),
            language=language,
            template=template,
            view=v,
        )

    # --- pages that are not articles -----------------------------------------------------

    def _listing(self, path: str, language: str, page: str) -> HostedPage:
        return HostedPage(edition_url(path), on_edition_hosts(page, language, 2026), language, 2026)

    def video_page(self, story: str, language: str) -> HostedPage:
        v = self.view(story, language)
        if v.video_path is None:
            raise KeyError(f"story {story} is not a video story")
        html = listings.video_page(v, self.editions[language], v.video_path)
        return self._listing(v.video_path, language, html)

    def section_page(self, language: str) -> HostedPage:
        ev = self.editions[language]
        items = sorted(
            self._cards[language] + self._videos[language],
            key=lambda c: (c.published, c.kind == "article"),
            reverse=True,
        )
        path = f"/{language}/news/europe"
        title = section_label(language, "my-europe")
        html = listings.section_page(ev, path, title, items, 1) or ""
        return self._listing(path, language, html)

    def home_page(self, language: str) -> HostedPage:
        ev = self.editions[language]
        return self._listing(f"/{language}/", language, listings.home_page(ev, ev.latest))

    def tag_page(self, language: str, tag: str) -> HostedPage:
        ev = self.editions[language]
        path = tag_path(language, tag)
        items = [
            c
            for c in self._cards[language]
            if (s := self.stories.get(c.story)) is not None
            and (ver := s.version(language)) is not None
            and tag in ver.tags
        ]
        return self._listing(path, language, listings.tag_page(ev, tag, path, items))

    def video_hub(self, language: str) -> HostedPage:
        ev = self.editions[language]
        videos: Sequence[Card] = self._videos[language]
        return self._listing(f"/{language}/video", language, listings.video_hub_page(ev, videos))

    # --- pages of other generations and other sites --------------------------------------

    def legacy_article(self, story: str, language: str, standfirst: Standfirst) -> HostedPage:
        """An article in the class-less markup of the older generation."""
        v = self.view(story, language)
        page = legacy.render(v, self.editions[language], self.alternates(v), standfirst)
        return HostedPage(
            edition_url(v.path), on_edition_hosts(page, language, 2024), language, None, v
        )

    def live_blog(self, story: str, language: str) -> HostedPage:
        v = self.view(story, language)
        page = liveblog.render(v, self.editions[language], self.alternates(v))
        return HostedPage(
            edition_url(v.path), on_edition_hosts(page, language, 2026), language, 2026, v
        )

    def other_site_article(self, story: str) -> HostedPage:
        """An article of another site (no profile): its page and its own URL."""
        s = self.stories[story]
        v = self.view(story, s.versions[0].language)
        site = othersites.SITES[story]
        return HostedPage(othersites.page_url(site, v), othersites.render(v), v.language, None, v)
