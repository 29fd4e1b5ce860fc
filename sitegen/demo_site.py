"""The demo site as tests crawl it: ``newsbot demo``'s site at the real pages' size, with its
known truth and edits.

:class:`DemoSite` serves the pages :class:`newsbot.demo.DemoSite` serves, each with the bulk of
a real page (:func:`sitegen.chrome_bulk.pad`: the crawl tests and benches fetch, store and parse
pages of 150-400 KB, as on the real site), and knows, for each article page, what a correct
crawl archives (:class:`~sitegen.truth.DemoArticle`); between two crawls
:meth:`DemoSite.change_article` edits one article. Responses are cached per base URL (padding a
page takes far longer than rendering it).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.demo import site
from newsbot.demo.model import ArticleView
from newsbot.demo.responses import HTML, DemoResponse, Page
from newsbot.demo.stories import INTERNAL_ID, STORIES_DIR
from newsbot.demo.views import article_view
from sitegen.changes import revise
from sitegen.chrome_bulk import pad
from sitegen.story_check import load_checked
from sitegen.truth import DemoArticle, article_truth, furniture_strings

_CACHE_LIMIT = 4096


class DemoSite(site.DemoSite):
    """The demo site with its truth."""

    def __init__(self, stories_dir: Path | None = None) -> None:
        folder = stories_dir or STORIES_DIR
        load_checked(folder)  # StoryError for a story file written wrong
        load_checked(folder, f"{INTERNAL_ID}.toml")
        super().__init__(folder)
        self._truth = {p: article_truth(v) for p, v in self._views.items()}
        self.articles: tuple[DemoArticle, ...] = self._listed_truth()
        self.video_paths: tuple[str, ...] = tuple(
            sorted(c.path for e in self.editions for c in self._videos[e])
        )
        self.disallowed_paths: tuple[str, ...] = (self.internal_path,)
        self.missing_paths: tuple[str, ...] = (site.MISSING_PATH,)
        self._responses: dict[tuple[str, str], DemoResponse] = {}
        self._lock = threading.Lock()
        # Bumped by every change: a page rendered before a change is never cached after it.
        self._generation = 0

    def _page(self, path_and_query: str) -> Page:
        page = super()._page(path_and_query)
        if page.content_type != HTML or page.status not in (200, 404):
            return page
        path = urlsplit(path_and_query).path
        view = self._views.get(path)
        edition = self._editions.get(path.split("/")[1]) if path.count("/") > 1 else None
        template = view.story.template if view is not None else 2026
        return replace(page, text=pad(page.text, template, edition, view))

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        key = (path_and_query, base_url.rstrip("/"))
        cached = self._responses.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        response = super().respond(path_and_query, base_url)
        with self._lock:
            if generation == self._generation and len(self._responses) < _CACHE_LIMIT:
                self._responses.setdefault(key, response)
        return response

    def article(self, path: str) -> DemoArticle:
        """The truth of the article page at ``path`` (the disallowed page included)."""
        return self._truth[path]

    def furniture_strings(self, language: str) -> tuple[str, ...]:
        return furniture_strings(language)

    def _listed_truth(self) -> tuple[DemoArticle, ...]:
        return tuple(
            sorted(
                (t for p, t in self._truth.items() if p != self.internal_path),
                key=lambda t: (t.edition, t.published_at, t.path),
            )
        )

    def change_article(
        self,
        path: str,
        *,
        title: str | None = None,
        add_paragraph: str | None = None,
        modified_at: str | None = None,
    ) -> DemoArticle:
        """Edit the article at ``path`` and return its new truth.

        From then on the page serves the new title and/or the added last paragraph with the new
        modified date (metas, JSON-LD, ETag, Last-Modified); its edition's sitemaps give the new
        <lastmod>, and its news sitemap entry and feed items the new title. Every other page,
        other language versions of the story included, stays byte-identical. ``modified_at`` is
        ISO 8601 with an offset, no earlier than the publication; without it the date moves one
        hour on. Raises KeyError for a path that is no article, ValueError for a bad value.
        Safe while the server is serving.
        """
        old = self._views[path]
        story, version = revise(
            old.story, old.version, title=title, add_paragraph=add_paragraph,
            modified_at=modified_at,
        )  # fmt: skip
        v = article_view(story, version, self._by_id, self._cards[old.edition])
        self._replace_article(v)
        self._truth[path] = article_truth(v)
        self.articles = self._listed_truth()
        return self._truth[path]

    def _replace_article(self, v: ArticleView) -> None:
        """Serve ``v`` at its path from now on: its edition's sitemaps give its new date (a
        month left empty stops being served), its news sitemap entry and feed items its new
        title; every other page stays byte-identical."""
        with self._lock:
            self._views[v.path] = v
            self._routes[v.path] = self._article_route(v)
            sitemaps = self._sitemap_routes(v.edition)
            prefix = f"/{v.edition}/sitemaps/"
            gone = [p for p in self._routes if p.startswith(prefix) and p not in sitemaps]
            self._routes.update(sitemaps)
            for p in gone:
                del self._routes[p]
            self._generation += 1

            def touched(key: str) -> bool:
                p = urlsplit(key).path
                return p in (v.path, f"/{v.edition}/rss") or p.startswith(prefix)

            for key in [k for k in self._responses if touched(k[0])]:
                del self._responses[key]
