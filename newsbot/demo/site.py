"""DemoSite: the route table of the site ``newsbot demo`` serves.

``DemoSite()`` loads the story files and resolves every page; a page is rendered on each request
(a fraction of a millisecond) with a placeholder for the base URL. Everything is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qs, urlsplit

from newsbot.demo import article2024, article2026, feeds, listings
from newsbot.demo.chrome import EDITIONS
from newsbot.demo.labels import labels, section_label
from newsbot.demo.model import BASE, ArticleView, Card, EditionView
from newsbot.demo.responses import (
    FIXED_DATE,
    HTML,
    RSS,
    TEXT,
    XML,
    DemoResponse,
    Page,
    make_response,
    newest,
)
from newsbot.demo.stories import INTERNAL_ID, STORIES_DIR, Story, load_stories, load_story_file
from newsbot.demo.views import article_path, article_view, edition_view, list_stories, tag_path

_Query = dict[str, list[str]]
_Route = Callable[[_Query], Page | None]
_CET = timezone(timedelta(hours=1))
#: Listed in the en sitemap, answers 404.
MISSING_PATH = "/en/2026/02/27/ferry-operators-announce-summer-timetable"
_MISSING_LASTMOD = datetime(2026, 2, 27, 10, 5, tzinfo=_CET)
#: The story version that moved: its address before the headline was reworked redirects.
_MOVED = ("s05", "de")


def _old_slug(slug: str) -> str:
    words = slug.split("-")
    return "-".join(words[:-1]) if len(words) >= 4 else slug + "-1"


class DemoSite:
    """The demo site: three editions (en, de, fr) of a small Euronews-style news site, with a
    page robots.txt disallows, a URL its sitemap lists that answers 404, and a redirect."""

    editions: tuple[str, ...] = tuple(sorted(EDITIONS))

    def __init__(self, stories_dir: Path | None = None) -> None:
        folder = stories_dir or STORIES_DIR
        self.stories: tuple[Story, ...] = load_stories(folder)
        self._by_id = {s.id: s for s in self.stories}
        listed = list_stories(self.stories, EDITIONS)
        self._cards, self._videos = listed.cards, listed.videos
        self._editions = {e: edition_view(e, self._cards[e], listed.tags) for e in EDITIONS}
        self._views: dict[str, ArticleView] = {}
        for s in self.stories:
            for ver in s.versions:
                v = article_view(s, ver, self._by_id, self._cards[ver.language])
                self._views[v.path] = v
        internal = load_story_file(folder / f"{INTERNAL_ID}.toml")
        iv = article_view(internal, internal.versions[0], self._by_id, self._cards["en"])
        self._views[iv.path] = iv
        #: The staff notice robots.txt disallows: on no listing, but its tag page and feeds exist.
        self.internal_path = iv.path
        self._unlisted: dict[str, list[Card]] = {
            e: [iv.card] if e == "en" else [] for e in EDITIONS
        }
        self._video_views = {v.video_path: v for v in self._views.values() if v.video_path}
        moved = self._by_id[_MOVED[0]]
        new_path = article_path(moved, moved.version(_MOVED[1]) or moved.versions[0])
        old_path = new_path.rsplit("/", 1)[0] + "/" + _old_slug(new_path.rsplit("/", 1)[1])
        self.redirects: Mapping[str, str] = MappingProxyType({old_path: new_path})
        self._routes: dict[str, _Route] = {}
        self._add_routes()

    # --- routes --------------------------------------------------------------------------

    def _add_routes(self) -> None:
        r = self._routes
        r["/"] = _lazy(listings.index_page)
        r["/robots.txt"] = _lazy(lambda: feeds.robots(EDITIONS, ("/en/internal/",)), TEXT)
        for path, v in self._views.items():
            r[path] = self._article_route(v)
            if v.video_path:
                r[v.video_path] = self._video_route(v)
        for old, new in self.redirects.items():
            r[old] = _lazy(partial(_moved, new), location=new, status=301)
        for e in EDITIONS:
            self._add_edition_routes(e)
            r.update(self._sitemap_routes(e))

    def _add_edition_routes(self, e: str) -> None:
        r, ev = self._routes, self._editions[e]
        cards, videos = self._cards[e], self._videos[e]
        r[f"/{e}"] = _lazy(partial(_moved, f"/{e}/"), location=f"/{e}/", status=301)
        r[f"/{e}/"] = _lazy(partial(listings.home_page, ev, cards))
        europe = sorted(
            cards + videos, key=lambda c: (c.published, c.kind == "article"), reverse=True
        )
        culture = [c for c in cards if c.vertical == "culture"]
        for path, title, items in (
            (f"/{e}/news/europe", section_label(e, "my-europe"), europe),
            (f"/{e}/culture", section_label(e, "culture"), culture),
        ):
            r[path] = self._section_route(ev, path, title, items)
        by_tag: dict[str, tuple[str, list[Card]]] = {}
        for c in cards + self._unlisted[e]:
            for t in self._views[c.path].version.tags:
                by_tag.setdefault(tag_path(e, t), (t, []))[1].append(c)
        for path, (label, items) in by_tag.items():
            r[path] = _lazy(partial(listings.tag_page, ev, label, path, items))
        r[f"/{e}/rss"] = partial(self._feed, e)

    def _sitemap_routes(self, e: str) -> dict[str, _Route]:
        """The edition's sitemap index, monthly children and news sitemap, from the articles'
        current dates and titles."""
        cards, videos = self._cards[e], self._videos[e]
        entries = [(c.path, self._views[c.path].story.modified_at) for c in cards]
        entries += [(c.path, self._video_views[c.path].story.modified_at) for c in videos]
        if e == "en":
            internal = self.internal_path
            entries.append((internal, self._views[internal].story.modified_at))
            entries.append((MISSING_PATH, _MISSING_LASTMOD))
        entries.sort(key=lambda pe: (pe[1], pe[0]), reverse=True)
        routes: dict[str, _Route] = {}
        index = feeds.sitemap_index(e, e, entries)
        last = newest(when for _, when in entries)
        routes[f"/{e}/sitemaps/{e}/articles.xml"] = _lazy(partial(str, index), XML, last=last)
        months: dict[str, list[tuple[str, datetime]]] = {}
        for path, when in entries:
            months.setdefault(feeds.month_key(when), []).append((path, when))
        for key, month in months.items():
            body = feeds.sitemap_month(month)
            last = newest(when for _, when in month)
            routes[f"/{e}/sitemaps/{e}/articles/{key}.xml"] = _lazy(
                partial(str, body), XML, last=last
            )
        news = [self._views[c.path] for c in cards if self._views[c.path].story.template == 2026]
        routes[f"/{e}/sitemaps/{e}/latest-news.xml"] = _lazy(
            partial(feeds.news_sitemap, e, [v.card for v in news]),
            XML,
            last=newest(v.story.modified_at for v in news),
        )
        return routes

    def _feed(self, e: str, q: _Query) -> Page | None:
        level, name = q.get("level", [""])[0], q.get("name", [""])[0]
        cards = self._cards[e]
        if level == "theme" and name == "news":
            chosen = cards
        elif level == "vertical":
            chosen = [c for c in cards + self._unlisted[e] if c.vertical == name]
        elif level == "program":
            chosen = [
                c for c in cards + self._unlisted[e] if self._views[c.path].story.program == name
            ]
        else:
            chosen = []
        if not chosen:
            return None
        # Items show an article's current title: feeds follow changes, as news sitemaps do.
        views = [self._views[c.path] for c in chosen]
        stale = {new: old for old, new in self.redirects.items()} if level == "theme" else {}
        title = f"Euronews – {labels(e).edition_title} – {name}"
        text = feeds.rss(e, e, title, f"level={level}&name={name}", [v.card for v in views], stale)
        return Page(200, RSS, text, newest(v.story.modified_at for v in views))

    def _article_route(self, v: ArticleView) -> Callable[[_Query], Page]:
        def render(q: _Query) -> Page:
            mod = article2024 if v.story.template == 2024 else article2026
            listed = dict(v.hreflang)
            alternates = [(e, listed.get(e, f"/{e}/")) for e in EDITIONS]
            text = mod.render(v, self._editions[v.edition], alternates)
            return Page(200, HTML, text, v.story.modified_at)

        return render

    def _video_route(self, v: ArticleView) -> Callable[[_Query], Page]:
        def render(q: _Query) -> Page:
            text = listings.video_page(v, self._editions[v.edition], v.video_path or v.path)
            return Page(200, HTML, text, v.story.modified_at)

        return render

    def _section_route(self, ev: EditionView, path: str, title: str, items: list[Card]) -> _Route:
        def render(q: _Query) -> Page | None:
            raw = q.get("p", ["1"])[0]
            if not raw.isdigit():
                return None
            text = listings.section_page(ev, path, title, items, int(raw))
            return Page(200, HTML, text, FIXED_DATE) if text else None

        return render

    # --- responses -----------------------------------------------------------------------

    def _page(self, path_and_query: str) -> Page:
        parts = urlsplit(path_and_query)
        path = parts.path or "/"
        route = self._routes.get(path)
        page = route(parse_qs(parts.query)) if route else None
        if page is None:
            seg = path.split("/")[1] if path.count("/") >= 1 else ""
            ev = self._editions.get(seg, self._editions["en"])
            page = Page(404, HTML, listings.not_found_page(ev), FIXED_DATE)
        return page

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        """The response to a GET of ``path_and_query`` on a server at ``base_url``."""
        return make_response(self._page(path_and_query), base_url)


def _lazy(
    render: Callable[[], str],
    content_type: str = HTML,
    location: str | None = None,
    status: int = 200,
    last: datetime = FIXED_DATE,
) -> Callable[[_Query], Page]:
    """A route answering ``render()`` whatever the query."""

    def route(query: _Query) -> Page:
        return Page(status, content_type, render(), last, location)

    return route


def _moved(path: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>Moved</title></head>'
        f'<body><p>Moved to <a href="{BASE}{path}">{BASE}{path}</a>.</p></body></html>\n'
    )
