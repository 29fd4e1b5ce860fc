"""DemoSite: the demo site's route table and its known truth.

``DemoSite()`` loads the story files and resolves every page; pages are rendered on first request
with a placeholder for the base URL, then cached per base URL. Everything is deterministic.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qs, quote, urlsplit

from newsbot.demo import article2024, article2026, builtin, feeds, listings
from newsbot.demo.build import article_path, article_view, card, edition_view, tag_path
from newsbot.demo.chrome import EDITIONS
from newsbot.demo.labels import furniture_strings as _furniture
from newsbot.demo.labels import labels, section_label
from newsbot.demo.model import (
    BASE,
    BASE_QUOTED,
    SECURE_BASE,
    ArticleView,
    Card,
    EditionView,
    http_date,
    iso,
)
from newsbot.demo.stories import STORIES_DIR, Story, load_stories, strip_links

FIXED_DATE = datetime(2026, 3, 24, 6, 0, tzinfo=UTC)
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
_CACHE_LIMIT = 4096


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


@dataclass(frozen=True)
class DemoResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


@dataclass(frozen=True)
class _Page:
    status: int
    content_type: str
    text: str
    last_modified: datetime
    location: str | None = None


_Query = dict[str, list[str]]


def _truth(v: ArticleView) -> DemoArticle:
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
        published_at=iso(s.published_at),
        modified_at=iso(s.modified_at),
        section=s.vertical or "news",
        template=s.template,
        video=s.video,
        image_url=v.card.image,
        paragraphs=tuple(strip_links(p) for p in ver.paragraphs),
        subheads=tuple(text for _, text in ver.subheads),
        captions=tuple(text for _, text in ver.captions),
        sources=ver.sources,
        related=tuple(c.path for c in v.related),
        inline_related=(v.inline_related[1].path,) if v.inline_related else (),
        inline_links=links,
        hreflang=v.hreflang,
        translations=tuple(
            (o.language, article_path(s, o)) for o in s.versions if o.language != v.language
        ),
    )


class DemoSite:
    """The demo site: three editions (en, de, fr) of a small Euronews-style news site."""

    editions: tuple[str, ...] = tuple(sorted(EDITIONS))

    def __init__(self, stories_dir: Path | None = None) -> None:
        self.stories: tuple[Story, ...] = load_stories(stories_dir or STORIES_DIR)
        by_id = {s.id: s for s in self.stories}
        newest_first = sorted(self.stories, key=lambda s: (s.published_at, s.id), reverse=True)
        self._cards: dict[str, list[Card]] = {e: [] for e in EDITIONS}
        self._videos: dict[str, list[Card]] = {e: [] for e in EDITIONS}
        tags: dict[str, list[str]] = {}
        for s in newest_first:
            for ver in s.versions:
                c = card(s, ver)
                self._cards[ver.language].append(c)
                tags[c.path] = list(ver.tags)
                if s.video:
                    self._videos[ver.language].append(card(s, ver, video=True))
        self._editions = {e: edition_view(e, self._cards[e], tags) for e in EDITIONS}
        self._views: dict[str, ArticleView] = {}
        for s in self.stories:
            for ver in s.versions:
                v = article_view(s, ver, by_id, self._cards[ver.language])
                self._views[v.path] = v
        internal = builtin.INTERNAL_STORY
        iv = article_view(internal, internal.versions[0], by_id, self._cards["en"])
        # The disallowed page is on no listing, but its own tag page and feeds exist.
        self._unlisted: dict[str, list[Card]] = {e: [] for e in EDITIONS}
        self._unlisted["en"].append(iv.card)
        self._views[iv.path] = iv
        self._video_views = {v.video_path: v for v in self._views.values() if v.video_path}
        self._truth = {p: _truth(v) for p, v in self._views.items()}
        self.articles: tuple[DemoArticle, ...] = tuple(
            sorted(
                (t for p, t in self._truth.items() if p != iv.path),
                key=lambda t: (t.edition, t.published_at, t.path),
            )
        )
        self.video_paths: tuple[str, ...] = tuple(
            sorted(c.path for e in EDITIONS for c in self._videos[e])
        )
        self.disallowed_paths: tuple[str, ...] = (iv.path,)
        self.missing_paths: tuple[str, ...] = (builtin.MISSING_PATH,)
        moved = by_id[builtin.REDIRECT_STORY]
        moved_ver = moved.version(builtin.REDIRECT_LANGUAGE) or moved.versions[0]
        new_path = article_path(moved, moved_ver)
        old_path = new_path.rsplit("/", 1)[0] + "/" + builtin.redirect_old_slug(moved_ver.slug)
        self.redirects: Mapping[str, str] = MappingProxyType({old_path: new_path})
        self._routes: dict[str, Callable[[_Query], _Page | None]] = {}
        self._add_routes(internal_path=iv.path)
        self._pages: dict[str, _Page] = {}
        self._responses: dict[tuple[str, str], DemoResponse] = {}
        self._lock = threading.Lock()

    # --- truth ---------------------------------------------------------------------------

    def article(self, path: str) -> DemoArticle:
        """The truth of the article page at ``path`` (the disallowed page included)."""
        return self._truth[path]

    def furniture_strings(self, language: str) -> tuple[str, ...]:
        return _furniture(language)

    def edition(self, code: str) -> EditionView:
        return self._editions[code]

    # --- routes --------------------------------------------------------------------------

    def _add_routes(self, internal_path: str) -> None:
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
            self._add_edition_routes(e, internal_path)

    def _add_edition_routes(self, e: str, internal_path: str) -> None:
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
        # sitemaps
        entries = [(c.path, self._views[c.path].story.modified_at) for c in cards]
        entries += [(c.path, self._video_views[c.path].story.modified_at) for c in videos]
        if e == "en":
            entries.append((internal_path, self._views[internal_path].story.modified_at))
            entries.append((builtin.MISSING_PATH, builtin.MISSING_LASTMOD))
        entries.sort(key=lambda pe: (pe[1], pe[0]), reverse=True)
        index = feeds.sitemap_index(e, e, entries)
        r[f"/{e}/sitemaps/{e}/articles.xml"] = _lazy(partial(str, index), XML)
        months: dict[str, list[tuple[str, datetime]]] = {}
        for path, when in entries:
            months.setdefault(feeds.month_key(when), []).append((path, when))
        for key, month in months.items():
            body = feeds.sitemap_month(month)
            r[f"/{e}/sitemaps/{e}/articles/{key}.xml"] = _lazy(partial(str, body), XML)
        news = [c for c in cards if self._views[c.path].story.template == 2026]
        r[f"/{e}/sitemaps/{e}/latest-news.xml"] = _lazy(partial(feeds.news_sitemap, e, news), XML)
        r[f"/{e}/rss"] = partial(self._feed, e)

    def _feed(self, e: str, q: _Query) -> _Page | None:
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
        stale = {new: old for old, new in self.redirects.items()} if level == "theme" else {}
        title = f"Euronews – {labels(e).edition_title} – {name}"
        text = feeds.rss(e, e, title, f"level={level}&name={name}", chosen, stale)
        return _Page(200, RSS, text, FIXED_DATE)

    def _article_route(self, v: ArticleView) -> Callable[[_Query], _Page]:
        def render(q: _Query) -> _Page:
            mod = article2024 if v.story.template == 2024 else article2026
            text = mod.render(v, self._editions[v.edition], self._alternates(v))
            return _Page(200, HTML, text, v.story.modified_at)

        return render

    def _video_route(self, v: ArticleView) -> Callable[[_Query], _Page]:
        def render(q: _Query) -> _Page:
            text = listings.video_page(v, self._editions[v.edition], v.video_path or v.path)
            return _Page(200, HTML, text, v.story.modified_at)

        return render

    def _section_route(
        self, ev: EditionView, path: str, title: str, items: list[Card]
    ) -> Callable[[_Query], _Page | None]:
        def render(q: _Query) -> _Page | None:
            raw = q.get("p", ["1"])[0]
            if not raw.isdigit():
                return None
            text = listings.section_page(ev, path, title, items, int(raw))
            return _Page(200, HTML, text, FIXED_DATE) if text else None

        return render

    def _alternates(self, v: ArticleView) -> list[tuple[str, str]]:
        listed = dict(v.hreflang)
        return [(e, listed.get(e, f"/{e}/")) for e in EDITIONS]

    # --- responses -----------------------------------------------------------------------

    def _page(self, path_and_query: str) -> _Page:
        parts = urlsplit(path_and_query)
        path = parts.path or "/"
        query = parse_qs(parts.query)
        route = self._routes.get(path)
        page = route(query) if route else None
        if page is None:
            seg = path.split("/")[1] if path.count("/") >= 1 else ""
            ev = self._editions.get(seg, self._editions["en"])
            page = _Page(404, HTML, listings.not_found_page(ev), FIXED_DATE)
        return page

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        """The response to a GET of ``path_and_query`` on a server at ``base_url``."""
        base = base_url.rstrip("/")
        key = (path_and_query, base)
        cached = self._responses.get(key)
        if cached is not None:
            return cached
        page = self._pages.get(path_and_query)
        if page is None:
            page = self._page(path_and_query)
        text = page.text.replace(BASE_QUOTED, quote(base, safe="")).replace(BASE, base)
        text = text.replace(SECURE_BASE, base)
        body = text.encode("utf-8")
        headers = [
            ("Content-Type", page.content_type),
            ("Content-Length", str(len(body))),
            ("ETag", f'"{hashlib.sha256(body).hexdigest()[:32]}"'),
            ("Last-Modified", http_date(page.last_modified)),
            ("Cache-Control", "public, max-age=60"),
            ("Vary", "Accept-Encoding"),
        ]
        if page.location:
            headers.append(("Location", base + page.location))
        response = DemoResponse(page.status, headers, body)
        with self._lock:
            if len(self._responses) < _CACHE_LIMIT:
                self._pages.setdefault(path_and_query, page)
                self._responses.setdefault(key, response)
        return response


def _lazy(
    render: Callable[[], str],
    content_type: str = HTML,
    location: str | None = None,
    status: int = 200,
) -> Callable[[_Query], _Page]:
    """A route answering ``render()`` whatever the query."""

    def route(query: _Query) -> _Page:
        return _Page(status, content_type, render(), FIXED_DATE, location)

    return route


def _moved(path: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>Moved</title></head>'
        f'<body><p>Moved to <a href="{BASE}{path}">{BASE}{path}</a>.</p></body></html>\n'
    )


__all__ = ["DemoArticle", "DemoResponse", "DemoSite"]
