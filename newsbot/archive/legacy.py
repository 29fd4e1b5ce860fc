"""The flat names ``Archive`` had before its parts, kept for callers outside the archive that
still use them: the crawl glue (``newsbot/crawl/*``, ``newsbot/runner.py``), a few benchmarks
and README.md's examples (issue 14). Each forwards to the part that does the work; new code
calls the part (``archive.frontier.due(site)``, not ``archive.due(site)``). Delete a name once
``git grep`` finds no caller of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsbot.archive.articles import ArticleFilter, Articles
    from newsbot.archive.captures import Captures
    from newsbot.archive.compression import Dictionaries
    from newsbot.archive.dictionaries import DictionaryInfo
    from newsbot.archive.frontier import DueURL, Frontier, FrontierEntry
    from newsbot.archive.records import SearchResult
    from newsbot.archive.runs import Runs
    from newsbot.archive.search import Search
    from newsbot.items import Capture, CaptureKind


class LegacyCalls:
    """The old flat names, each forwarding to its part of the archive."""

    frontier: Frontier
    captures: Captures
    articles: Articles
    search: Search
    crawl_runs: Runs
    dictionaries: Dictionaries

    # -- newsbot/crawl/frontier.py and fetch.py: the frontier gate, stored bodies ------------

    def discover(self, entries: Sequence[FrontierEntry], *, now: str | None = None) -> list[DueURL]:
        """:meth:`Frontier.record_listed <newsbot.archive.frontier.Frontier.record_listed>`."""
        return self.frontier.record_listed(entries, now=now)

    def due(
        self, site: str, *, now: str | None = None, limit: int | None = None
    ) -> Iterator[DueURL]:
        """:meth:`Frontier.due <newsbot.archive.frontier.Frontier.due>`."""
        return self.frontier.due(site, now=now, limit=limit)

    def body(self, sha256: str) -> bytes:
        """:meth:`Captures.body <newsbot.archive.captures.Captures.body>`."""
        return self.captures.body(sha256)

    # -- newsbot/crawl/archive_extension.py: the archive's owner during a crawl ------------

    @property
    def max_failures(self) -> int:
        """:attr:`Frontier.max_failures <newsbot.archive.frontier.Frontier.max_failures>`."""
        return self.frontier.max_failures

    @max_failures.setter
    def max_failures(self, value: int) -> None:
        self.frontier.max_failures = value

    def block(
        self,
        url: str,
        site: str,
        kind: CaptureKind,
        *,
        now: str | None = None,
        error: tuple[int | None, str, str] | None = None,
    ) -> bool:
        """:meth:`Frontier.block <newsbot.archive.frontier.Frontier.block>`."""
        return self.frontier.block(url, site, kind, now=now, error=error)

    def start_run(self, *, spider: str, site: str, settings: Mapping[str, Any]) -> int:
        """:meth:`Runs.start <newsbot.archive.runs.Runs.start>`."""
        return self.crawl_runs.start(spider=spider, site=site, settings=settings)

    def end_unfinished_runs(self, spider: str) -> int:
        """:meth:`Runs.end_unfinished <newsbot.archive.runs.Runs.end_unfinished>`."""
        return self.crawl_runs.end_unfinished(spider)

    def finish_run(
        self, run_id: int, *, status: str, stats: Mapping[str, Any], counts: Mapping[str, int]
    ) -> None:
        """:meth:`Runs.finish <newsbot.archive.runs.Runs.finish>`."""
        self.crawl_runs.finish(run_id, status=status, stats=stats, counts=counts)

    def dictionary_ids(self) -> dict[str, int]:
        """:meth:`Dictionaries.ids <newsbot.archive.dictionaries.Dictionaries.ids>`."""
        return self.dictionaries.ids()

    def train_dictionary(self, site: str, *, min_bodies: int) -> DictionaryInfo | None:
        """:meth:`Dictionaries.train <newsbot.archive.dictionaries.Dictionaries.train>`."""
        return self.dictionaries.train(site, min_bodies=min_bodies)

    # -- newsbot/runner.py: the crawl's report and the demo's search ------------------------

    def runs(self) -> list[dict[str, Any]]:
        """:meth:`Runs.all <newsbot.archive.runs.Runs.all>`."""
        return self.crawl_runs.all()

    def search_page(
        self,
        query: str,
        selection: ArticleFilter | None = None,
        *,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """:meth:`Search.page <newsbot.archive.search.Search.page>`."""
        return self.search.page(query, selection, limit=limit, offset=offset)

    # -- README.md's examples -------------------------------------------------------------

    def iter_export_rows(
        self,
        selection: ArticleFilter | None = None,
        fields: Sequence[str] | None = None,
        *,
        add: Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """:meth:`Articles.export_rows <newsbot.archive.articles.Articles.export_rows>`."""
        return self.articles.export_rows(selection, fields, add=add)

    # -- bench/ and README.md's examples -----------------------------------------------

    def iter_captures(
        self, *, kind: str | None = None, site: str | None = None, status: int | None = None
    ) -> Iterator[Capture]:
        """:meth:`Captures.iter <newsbot.archive.captures.Captures.iter>`."""
        return self.captures.iter(kind=kind, site=site, status=status)
