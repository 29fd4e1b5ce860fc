"""GeneratedSite: a large Euronews-style site for benchmarks and crash tests.

``GeneratedSite(2000)`` serves 2,000 article pages in the 2026 template (300-325 KB each) made by
:mod:`sitegen.large_stories`, with the demo site's discovery documents: per edition a sitemap
index with monthly children listing every article, a news sitemap of the latest
:data:`NEWS_LATEST`, RSS feeds of the latest :data:`FEED_LATEST`, paginated sections and tag
pages of the latest :data:`LISTED_LATEST`, an edition home, robots.txt. It offers the same
interface as :class:`~newsbot.demo.DemoSite` (:class:`~newsbot.demo.responses.ServedSite`).

Building it only generates the stories and their listing cards; a page is rendered on its first
request and kept gzipped (about 50 KB a page), its truth resolved on first use. There are no
video pages, disallowed paths, missing pages or redirects.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from types import MappingProxyType
from urllib.parse import parse_qs, urlsplit

from newsbot.demo import article2026, chrome, feeds, listings
from newsbot.demo.chrome import EDITIONS
from newsbot.demo.labels import LABELS, labels, section_label
from newsbot.demo.model import ArticleView, Card, EditionView, esc, url
from newsbot.demo.responses import (
    HTML,
    RSS,
    TEXT,
    XML,
    DemoResponse,
    Page,
    make_response,
    newest,
)
from newsbot.demo.stories import Story
from newsbot.demo.views import article_view, card, edition_view, list_stories, tag_path
from sitegen.changes import revise
from sitegen.chrome_bulk import pad
from sitegen.large_stories import generate
from sitegen.truth import DemoArticle, article_truth
from sitegen.truth import furniture_strings as _furniture

NEWS_LATEST = 100
FEED_LATEST = 50
LISTED_LATEST = 200
# Cards the chrome of every page shows (and embeds as JSON): the real site's dozen, not all.
CHROME_LATEST = 12
_Query = dict[str, list[str]]
_Route = Callable[[_Query], Page | None]


class GeneratedSite:
    """``pages`` generated articles spread over ``editions`` (any of en, de, fr), deterministic
    for a given ``seed``."""

    video_paths: tuple[str, ...] = ()
    disallowed_paths: tuple[str, ...] = ()
    missing_paths: tuple[str, ...] = ()
    redirects: Mapping[str, str] = MappingProxyType({})

    def __init__(
        self, pages: int = 2000, *, editions: Sequence[str] = ("de", "en", "fr"), seed: int = 1
    ) -> None:
        if pages < 1:
            raise ValueError(f"pages must be >= 1, not {pages}")
        unknown = sorted(set(editions) - set(EDITIONS))
        if unknown or not editions:
            raise ValueError(f"editions must be some of {', '.join(EDITIONS)}, not {unknown}")
        self.editions: tuple[str, ...] = tuple(sorted(set(editions)))
        self.pages, self.seed = pages, seed
        stories = generate(pages, self.editions, seed)
        self._by_id = {s.id: s for s in stories}
        self._cards = list_stories(stories, self.editions).cards  # newest first
        # article path -> its current story
        self._stories = {
            c.path: self._by_id[c.story] for e in self.editions for c in self._cards[e]
        }
        self._editions = {e: self._edition_view(e) for e in self.editions}
        self._views: dict[str, ArticleView] = {}
        self._truth: dict[str, DemoArticle] = {}
        self._articles: tuple[DemoArticle, ...] | None = None
        self._routes: dict[str, _Route] = {}
        self._add_routes()
        self._cache: dict[tuple[str, str], tuple[int, list[tuple[str, str]], bytes]] = {}
        self._rendered = 0
        self._lock = threading.Lock()
        # Bumped by every change: a page rendered before a change is never cached after it.
        self._generation = 0

    def _edition_view(self, e: str) -> EditionView:
        latest = self._cards[e][:CHROME_LATEST]
        tags = {c.path: list(self._stories[c.path].versions[0].tags) for c in latest}
        return edition_view(e, latest, tags, self.editions)

    # --- truth ---------------------------------------------------------------------------

    @property
    def articles(self) -> tuple[DemoArticle, ...]:
        """Every article's truth, by edition, then oldest first (resolved on first use)."""
        found = self._articles
        if found is None:
            generation = self._generation
            order = sorted(
                self._stories.items(),
                key=lambda ps: (ps[1].versions[0].language, ps[1].published_at, ps[0]),
            )
            found = tuple(self.article(p) for p, _ in order)
            with self._lock:
                if generation == self._generation:
                    self._articles = found
        return found

    def article(self, path: str) -> DemoArticle:
        """The truth of the article page at ``path``; KeyError for any other path."""
        found = self._truth.get(path)
        if found is None:
            v = self._view(path)
            found = article_truth(v)
            with self._lock:
                # A change may have come in between: never keep the truth of an old version.
                if self._stories[path] is v.story:
                    found = self._truth.setdefault(path, found)
        return found

    def furniture_strings(self, language: str) -> tuple[str, ...]:
        return _furniture(language)

    def edition(self, code: str) -> EditionView:
        return self._editions[code]

    @property
    def rendered(self) -> int:
        """How many responses have been rendered so far (a cached one is not rendered again)."""
        return self._rendered

    def _view(self, path: str) -> ArticleView:
        found = self._views.get(path)
        if found is None:
            s = self._stories[path]
            ev_cards = self._editions[s.versions[0].language].latest
            found = article_view(s, s.versions[0], self._by_id, ev_cards)
            with self._lock:
                if self._stories[path] is s:
                    found = self._views.setdefault(path, found)
        return found

    # --- changes -------------------------------------------------------------------------

    def change_article(
        self,
        path: str,
        *,
        title: str | None = None,
        add_paragraph: str | None = None,
        modified_at: str | None = None,
    ) -> DemoArticle:
        """Edit the article at ``path`` as :meth:`DemoSite.change_article` does: the page, its
        edition's sitemaps (and its news sitemap entry and feed items, where it is among the
        latest) change, every other page stays byte-identical. Safe while serving."""
        with self._lock:
            old = self._stories.get(path)
            if old is None:
                raise KeyError(f"no article at {path!r}")
            story, version = revise(
                old, old.versions[0],
                title=title, add_paragraph=add_paragraph, modified_at=modified_at,
            )  # fmt: skip
            e = version.language
            ev_cards = self._editions[e].latest
            v = article_view(story, version, self._by_id, ev_cards)
            self._stories[path], self._views[path] = story, v
            self._truth[path] = article_truth(v)
            self._articles = None
            self._generation += 1
            for key in [k for k in self._cache if _touched(urlsplit(k[0]).path, e, path)]:
                del self._cache[key]
            return self._truth[path]

    # --- routes --------------------------------------------------------------------------

    def _add_routes(self) -> None:
        r = self._routes
        r["/"] = _fixed(partial(_index_page, self.editions))
        r["/robots.txt"] = _fixed(partial(feeds.robots, self.editions, ()), TEXT)
        for e in self.editions:
            ev, cards = self._editions[e], self._cards[e]
            r[f"/{e}"] = _fixed(partial(_moved, f"/{e}/"), location=f"/{e}/", status=301)
            r[f"/{e}/"] = _fixed(partial(listings.home_page, ev, cards[:CHROME_LATEST]))
            culture = [c for c in cards if c.vertical == "culture"]
            for path, vertical, items in (
                (f"/{e}/news/europe", "my-europe", cards),
                (f"/{e}/culture", "culture", culture),
            ):
                title = section_label(e, vertical)
                r[path] = _section(ev, path, title, items[:LISTED_LATEST])
            by_tag: dict[str, list[Card]] = {}
            for c in cards:
                for t in self._stories[c.path].versions[0].tags:
                    by_tag.setdefault(t, []).append(c)
            for label, items in by_tag.items():
                path = tag_path(e, label)
                tagged = items[:LISTED_LATEST]
                r[path] = _fixed(partial(listings.tag_page, ev, label, path, tagged))
            r[f"/{e}/rss"] = partial(self._feed, e)
            r[f"/{e}/sitemaps/{e}/articles.xml"] = partial(self._sitemap_index, e)
            r[f"/{e}/sitemaps/{e}/latest-news.xml"] = partial(self._news_sitemap, e)

    def _latest(self, e: str, n: int) -> list[Story]:
        return [self._stories[c.path] for c in self._cards[e][:n]]

    def _entries(self, e: str) -> list[tuple[str, Story]]:
        """The edition's articles with their current stories, latest change first."""
        entries = [(c.path, self._stories[c.path]) for c in self._cards[e]]
        entries.sort(key=lambda ps: (ps[1].modified_at, ps[0]), reverse=True)
        return entries

    def _sitemap_index(self, e: str, q: _Query) -> Page:
        entries = [(p, s.modified_at) for p, s in self._entries(e)]
        text = feeds.sitemap_index(e, e, entries)
        return Page(200, XML, text, newest(when for _, when in entries))

    def _sitemap_month(self, e: str, key: str) -> Page | None:
        month = [(p, s.modified_at) for p, s in self._entries(e)]
        month = [(p, when) for p, when in month if feeds.month_key(when) == key]
        if not month:
            return None
        return Page(200, XML, feeds.sitemap_month(month), newest(w for _, w in month))

    def _news_sitemap(self, e: str, q: _Query) -> Page:
        latest = self._latest(e, NEWS_LATEST)
        text = feeds.news_sitemap(e, [card(s, s.versions[0]) for s in latest])
        return Page(200, XML, text, newest(s.modified_at for s in latest))

    def _feed(self, e: str, q: _Query) -> Page | None:
        level, name = q.get("level", [""])[0], q.get("name", [""])[0]
        chosen = self._latest(e, LISTED_LATEST)
        if level == "theme" and name == "news":
            pass
        elif level == "vertical":
            chosen = [s for s in chosen if (s.vertical or "news") == name]
        elif level == "program":
            chosen = [s for s in chosen if s.program == name]
        else:
            chosen = []
        chosen = chosen[:FEED_LATEST]
        if not chosen:
            return None
        title = f"Euronews – {labels(e).edition_title} – {name}"
        cards = [card(s, s.versions[0]) for s in chosen]
        text = feeds.rss(e, e, title, f"level={level}&name={name}", cards)
        return Page(200, RSS, text, newest(s.modified_at for s in chosen))

    def _article(self, path: str) -> Page:
        v = self._view(path)
        alternates = [(e, v.path if e == v.edition else f"/{e}/") for e in self.editions]
        text = article2026.render(v, self._editions[v.edition], alternates)
        return Page(200, HTML, text, v.story.modified_at)

    def _page(self, path_and_query: str) -> Page:
        parts = urlsplit(path_and_query)
        path = parts.path or "/"
        page: Page | None = None
        if path in self._stories:
            page = self._article(path)
        elif path in self._routes:
            page = self._routes[path](parse_qs(parts.query))
        else:
            e, _, rest = path[1:].partition("/")
            month = rest.removeprefix(f"sitemaps/{e}/articles/").removesuffix(".xml")
            if e in self._editions and rest.startswith("sitemaps/") and len(month) == 7:
                page = self._sitemap_month(e, month)
        if page is None:
            seg = path.split("/")[1] if path.count("/") >= 1 else ""
            ev = self._editions.get(seg, self._editions[self.editions[0]])
            page = Page(404, HTML, listings.not_found_page(ev), newest(()))
        if page.content_type == HTML and page.status in (200, 404):
            ev = self._editions.get(path.split("/")[1], self._editions[self.editions[0]])
            view = self._view(path) if path in self._stories else None
            page = replace(page, text=pad(page.text, 2026, ev, view))
        return page

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        """The response to a GET of ``path_and_query`` on a server at ``base_url``."""
        key = (path_and_query, base_url.rstrip("/"))
        cached = self._cache.get(key)
        if cached is not None:
            status, headers, gzipped = cached
            return DemoResponse(status, headers, None if gzipped else b"", gzipped or None)
        generation = self._generation
        response = make_response(self._page(path_and_query), base_url)
        # Kept gzipped as the server sends it: 2,000 pages then hold about 100 MB, not 600.
        gzipped = gzip.compress(response.body, compresslevel=6, mtime=0) if response.body else b""
        with self._lock:
            self._rendered += 1
            if generation == self._generation:
                self._cache.setdefault(key, (response.status, response.headers, gzipped))
        return DemoResponse(response.status, response.headers, response.body, gzipped or None)


def _touched(path: str, edition: str, changed: str) -> bool:
    """Whether a change of the article at ``changed`` may alter the page at ``path``."""
    return path in (changed, f"/{edition}/rss") or path.startswith(f"/{edition}/sitemaps/")


def _fixed(
    render: Callable[[], str],
    content_type: str = HTML,
    location: str | None = None,
    status: int = 200,
) -> Callable[[_Query], Page]:
    """A route answering ``render()`` whatever the query."""

    def route(query: _Query) -> Page:
        return Page(status, content_type, render(), newest(()), location)

    return route


def _section(ev: EditionView, path: str, title: str, items: list[Card]) -> _Route:
    def render(q: _Query) -> Page | None:
        raw = q.get("p", ["1"])[0]
        text = listings.section_page(ev, path, title, items, int(raw)) if raw.isdigit() else None
        return Page(200, HTML, text, newest(())) if text else None

    return render


def _moved(path: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>Moved</title></head>'
        f'<body><p>Moved to <a href="{url(path)}">{url(path)}</a>.</p></body></html>\n'
    )


def _index_page(editions: Sequence[str]) -> str:
    """The root of the host: a chooser of the site's editions."""
    links = "".join(
        f'<li><a hreflang="{e}" href="{url(f"/{e}/")}">{esc(LABELS[e].language_name)}</a></li>'
        for e in editions
    )
    head = "<title>Euronews demo</title>\n" + '<meta name="robots" content="noindex">'
    body = f"<main><h1>Euronews demo</h1><ul>{links}</ul></main>"
    return chrome.document("en", head, "is-template-index", body)


__all__ = ["GeneratedSite"]
