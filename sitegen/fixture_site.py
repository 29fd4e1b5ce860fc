"""HostedSite: every story rendered as the real site would serve it, on its edition's own host.

The demo site serves three editions from one host for end-to-end crawls. The extraction fixtures
need pages as the real site writes them: every language edition on its own host
(``https://gr.euronews.com/green/2026/02/13/slug``), the chrome of each edition in its language,
and pages of kinds the demo does not serve (video hubs, class-less older articles, live blogs,
other sites). Rendering stays deterministic: the same stories give byte-identical pages.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsbot.demo import article2024, article2026, listings
from newsbot.demo.chrome import section_path
from newsbot.demo.labels import labels, section_label
from newsbot.demo.model import ArticleView, Card, EditionView, esc, image_url, programme_label, url
from newsbot.demo.stories import LANGUAGES, STORIES_DIR, Story
from newsbot.demo.views import article_view, edition_view, list_stories, tag_path
from sitegen import legacy_page, other_sites
from sitegen.chrome_bulk import pad
from sitegen.edition_hosts import edition_url, on_edition_hosts
from sitegen.legacy_page import Standfirst
from sitegen.live_blog import render as render_live_blog
from sitegen.programmes import PROGRAMMES
from sitegen.story_check import load_checked

HERE = Path(__file__).parent
#: Stories of pages the demo does not serve (class-less older articles, a live blog, other sites).
EXTRA_STORIES = HERE / "stories"
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
    headlines = tomllib.loads((HERE / "headlines.toml").read_text(encoding="utf-8"))
    out = []
    for i, h in enumerate(headlines.get(language, ()), 1):
        vertical, slug, title = h["vertical"], h["slug"], h["title"]
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
        demo = load_checked(STORIES_DIR)
        fixture: tuple[Story, ...] = ()
        if fixture_stories is not None and any(fixture_stories.glob("f*.toml")):
            fixture = load_checked(fixture_stories, "f*.toml", known=demo)
        extra = load_checked(EXTRA_STORIES, "x*.toml", known=(*demo, *fixture))
        self.stories: dict[str, Story] = {s.id: s for s in (*demo, *fixture, *extra)}
        listed = list_stories((*demo, *fixture), LANGUAGES)
        self._cards, self._videos, tags = listed.cards, listed.videos, listed.tags
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
            html=on_edition_hosts(
                pad(page, template, self.editions[language], v), language, template
            ),
            language=language,
            template=template,
            view=v,
        )

    # --- pages that are not articles -----------------------------------------------------

    def _listing(self, path: str, language: str, page: str) -> HostedPage:
        html = on_edition_hosts(pad(page, 2026, self.editions[language]), language, 2026)
        return HostedPage(edition_url(path), html, language, 2026)

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
        return self._listing(f"/{language}/video", language, video_hub_page(ev, videos))

    # --- pages of other generations and other sites --------------------------------------

    def legacy_article(self, story: str, language: str, standfirst: Standfirst) -> HostedPage:
        """An article in the class-less markup of the older generation."""
        v = self.view(story, language)
        page = pad(legacy_page.render(v, self.editions[language], self.alternates(v), standfirst))
        return HostedPage(
            edition_url(v.path), on_edition_hosts(page, language, 2024), language, None, v
        )

    def live_blog(self, story: str, language: str) -> HostedPage:
        v = self.view(story, language)
        ev = self.editions[language]
        page = pad(render_live_blog(v, ev, self.alternates(v)), 2026, ev, v, "LiveBlog")
        return HostedPage(
            edition_url(v.path), on_edition_hosts(page, language, 2026), language, 2026, v
        )

    def other_site_article(self, story: str) -> HostedPage:
        """An article of another site (no profile): its page and its own URL."""
        s = self.stories[story]
        v = self.view(story, s.versions[0].language)
        site = other_sites.SITES[story]
        return HostedPage(other_sites.page_url(site, v), other_sites.render(v), v.language, None, v)


def video_hub_page(ev: EditionView, videos: Sequence[Card]) -> str:
    """The edition's video hub: the newest video as a featured player, then a grid of videos."""
    lab = labels(ev.language)
    path = f"/{ev.code}/video"
    head = listings.listing_head(ev, lab.video, f"{lab.video} – {lab.edition_title}", path, "")
    featured = ""
    if videos:
        first = videos[0]
        featured = (
            '<section class="o-section c-video-hub__featured">'
            '<div class="c-video-player js-playercontrols" data-autoplay="false">'
            f'<img class="c-video-player__poster" src="{esc(first.image)}" alt="" width="1200" '
            'height="675"></div>'
            f'<h2 class="c-video-hub__featured-title"><a href="{url(first.path)}">'
            f"{esc(first.title)}</a></h2></section>"
        )
    content = (
        f'<h1 class="c-listing__title c-video-hub__title">{esc(lab.video)}</h1>{featured}'
        '<section class="o-section c-listing c-listing--video">'
        f"{listings.card_list(videos, 'video-hub')}</section>"
    )
    return listings.listing_page(ev, head, content, "is-template-video-hub")
