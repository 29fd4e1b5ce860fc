"""Where a crawl's pages are read and decoded: the two settings, each read here only."""

from __future__ import annotations

import os

from scrapy.settings import BaseSettings


def extract_workers(settings: BaseSettings) -> int:
    """Extraction processes (``NEWSBOT_EXTRACT_WORKERS``: 0 = one per core); -1: pages are
    read in the crawler process itself."""
    workers = settings.getint("NEWSBOT_EXTRACT_WORKERS", 0)
    return (os.cpu_count() or 1) if workers == 0 else max(workers, -1)


def decode_in_workers(settings: BaseSettings) -> bool:
    """Whether gzipped article pages are left gzipped for the extraction workers to decode
    (``NEWSBOT_DECODE_IN_WORKERS``, and only when there are workers)."""
    return settings.getbool("NEWSBOT_DECODE_IN_WORKERS", True) and extract_workers(settings) > 0
