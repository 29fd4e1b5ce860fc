"""Where a crawl's items go: the one extension that keeps them, a :class:`CrawlSink`.

A crawl has at most one sink: an extension (``EXTENSIONS``) of this class. The default,
:class:`~newsbot.crawl.archive_extension.ArchiveExtension`, opens the archive named by
``NEWSBOT_ARCHIVE``, holds its crawl lock, records the run and writes every item. Middlewares
and pipelines find the sink with :func:`sink_of`; none of them asks another component for it.

A crawl that keeps nothing in this process (a node of a distributed crawl, sending its items to
the process that owns the archive) enables its own sink instead and disables the archive's
(``EXTENSIONS = {"newsbot.crawl.archive_extension.ArchiveExtension": None, ...}``). With no
archive in the process (:attr:`CrawlSink.archive` None) every discovered URL is let through
(the frontier gate is the archive's), and extraction workers compress bodies without site
dictionaries. With no sink at all, items are scraped and kept nowhere.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from scrapy.crawler import Crawler

from newsbot.crawl.outcomes import Refusal
from newsbot.items import Capture

if TYPE_CHECKING:
    from newsbot.archive import Archive

logger = logging.getLogger(__name__)


class CrawlSink:
    """What a crawl hands its results to. Subclass it in an extension; Scrapy makes it with
    ``from_crawler`` and it connects the signals it needs (``spider_opened``, ``spider_closed``)."""

    #: The archive held by this process while the crawl runs (the frontier gate, a listing's
    #: stored body): None outside a run, and always on a node that keeps no archive.
    archive: Archive | None = None

    def save(self, capture: Capture) -> Capture:
        """Keep ``capture`` (its body, article, links and error rows) and return it; raise
        :class:`scrapy.exceptions.DropItem` when it cannot be kept."""
        raise NotImplementedError

    def refuse(self, refusal: Refusal) -> None:
        """Keep the error row of a URL the crawl did not fetch."""
        raise NotImplementedError

    def not_saved(self, exc: Exception, what: str, count: int = 1) -> None:
        """``count`` of ``what`` (``pages``, ``discovered_urls``, ``error_rows``) could not be
        kept because of ``exc``; a sink that can no longer keep anything stops the crawl."""
        logger.error("%s", exc)

    def dictionaries(self) -> tuple[str, Mapping[str, int]] | None:
        """The archive whose site dictionaries extraction workers compress bodies with, and
        each site's dictionary id; None: plain zstd."""
        return None


def sink_of(crawler: Crawler) -> CrawlSink | None:
    """The crawl's sink: its enabled :class:`CrawlSink` extension, if any."""
    try:
        return crawler.get_extension(CrawlSink)
    except RuntimeError:  # (extensions not made yet: a crawler that was never started)
        return None


def refuse(crawler: Crawler, refusal: Refusal) -> None:
    """Have the crawl's sink keep ``refusal`` (nothing when it has none)."""
    sink = sink_of(crawler)
    if sink is not None:
        sink.refuse(refusal)


def archive_of(crawler: Crawler) -> Archive | None:
    """The archive the crawl's sink holds in this process, if any."""
    sink = sink_of(crawler)
    return sink.archive if sink is not None else None
