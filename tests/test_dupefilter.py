"""The crawl's duplicate filter keeps each request seen as one 8-byte number (issue 15: memory
per discovered URL) and still filters as Scrapy's does: the same page asked for twice in a run is
fetched once, and a ``JOBDIR`` run that resumes remembers what the stopped one asked for."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from newsbot.crawl.dupefilter import CompactDupeFilter


def dupefilter(**settings: object) -> CompactDupeFilter:
    crawler = get_crawler(
        Spider, {"DUPEFILTER_CLASS": "newsbot.crawl.dupefilter.CompactDupeFilter", **settings}
    )
    return CompactDupeFilter.from_crawler(crawler)


def test_the_same_page_is_seen_the_second_time() -> None:
    seen = dupefilter()
    assert not seen.request_seen(Request("https://example.org/news/1?b=2&a=1"))
    assert seen.request_seen(Request("https://example.org/news/1?a=1&b=2"))  # same, canonical
    assert seen.request_seen(Request("https://example.org/news/1?b=2&a=1#top"))


def test_other_pages_and_methods_are_not_seen() -> None:
    seen = dupefilter()
    urls = [f"https://example.org/news/{n}" for n in range(5_000)]
    assert not any(seen.request_seen(Request(url)) for url in urls)
    assert not seen.request_seen(Request(urls[0], method="POST", body=b"q=1"))
    assert all(seen.request_seen(Request(url)) for url in urls)


def test_a_resumed_jobdir_run_remembers_what_was_asked_for(tmp_path: Path) -> None:
    first = dupefilter(JOBDIR=str(tmp_path))
    first.open()
    assert not first.request_seen(Request("https://example.org/news/1"))
    first.close("shutdown")
    resumed = dupefilter(JOBDIR=str(tmp_path))
    resumed.open()
    assert resumed.request_seen(Request("https://example.org/news/1"))
    assert not resumed.request_seen(Request("https://example.org/news/2"))
    resumed.close("finished")
