"""The crawl's components through a real (unstarted) Scrapy crawler: the archive extension, the
extraction on the spider's side, and the pipelines (link kinds → sink)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot.archive import Archive
from newsbot.crawl.archive_extension import ArchiveExtension
from newsbot.crawl.extraction import ExtractMiddleware
from newsbot.crawl.pipelines import LinkKindsPipeline, SinkPipeline
from newsbot.extract import Article, extract_article
from newsbot.items import Capture
from newsbot.spiders.loader import spider_class
from sitegen import DemoSite

BASE = "http://127.0.0.1:8000"
EuronewsSpider = spider_class("euronews")


def make_crawler(tmp_path: Path, **settings: Any) -> Crawler:
    crawler = get_crawler(
        EuronewsSpider,
        {
            "NEWSBOT_ARCHIVE": str(tmp_path / "a.db"),
            "EXTENSIONS": {ArchiveExtension: 100},
            **settings,
        },
    )
    crawler.spider = EuronewsSpider.from_crawler(crawler, base_url=BASE, editions="de,en,fr")
    return crawler


def capture(site: DemoSite, path: str, kind: str = "article") -> Capture:
    response = site.respond(path, BASE)
    return Capture(
        url=BASE + path,
        final_url=BASE + path,
        status=response.status,
        headers=list(response.headers),
        body=response.body,
        fetched_at="2026-11-25T10:00:00+00:00",
        site="euronews",
        kind=kind,  # type: ignore[arg-type]
    )


def opened_sink(tmp_path: Path) -> ArchiveExtension:
    """The archive extension of a crawler whose spider has opened (its archive open)."""
    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=-1)
    sink = crawler.get_extension(ArchiveExtension)
    assert sink is not None and crawler.spider is not None
    sink.spider_opened(crawler.spider)
    return sink


def run_pipelines(crawler: Crawler, items: list[Capture]) -> list[Capture]:
    """``items`` through the extraction and the pipelines, between the spider's opening and
    its closing, as a crawl runs them."""
    extraction = ExtractMiddleware.from_crawler(crawler)
    pipelines = [LinkKindsPipeline.from_crawler(crawler), SinkPipeline.from_crawler(crawler)]

    async def process() -> list[Capture]:
        spider = crawler.spider
        await crawler.signals.send_catch_log_async(signals.spider_opened, spider=spider)
        for pipeline in pipelines:
            if hasattr(pipeline, "open_spider"):
                pipeline.open_spider()
        out = []
        for item in items:
            await extraction.extract(item)
            for pipeline in pipelines:
                item = pipeline.process_item(item)
            out.append(item)
        await crawler.signals.send_catch_log_async(
            signals.spider_closed, spider=spider, reason="finished"
        )
        return out

    return asyncio.run(process())


@pytest.mark.parametrize("workers", [-1, 1])
def test_article_capture_becomes_article_links_and_rows(
    tmp_path: Path, demo_site: DemoSite, workers: int
) -> None:
    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=workers)
    truth = next(a for a in demo_site.articles if a.related and a.inline_related)
    (item,) = run_pipelines(crawler, [capture(demo_site, truth.path)])
    assert item.article is not None and item.capture_id is not None
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        stored = archive.articles.get(BASE + truth.path)
        assert stored is not None and stored["title"] == item.article.title
        kinds = [link["kind"] for link in archive.graph.links_from(BASE + truth.path)]
        assert kinds.count("related") == len(truth.related)
        assert kinds.count("inline-related") == len(truth.inline_related)
        (run,) = archive.crawl_runs.all()
        assert run["status"] == "finished"
        assert run["counts"]["articles_new"] == 1
        assert run["stats"]["newsbot/links/related"] == len(truth.related)
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsbot/extract/article") == 1


def test_link_kinds_setting_limits_what_is_recorded(tmp_path: Path, demo_site: DemoSite) -> None:
    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=-1, NEWSBOT_LINK_KINDS="related")
    truth = next(a for a in demo_site.articles if a.related and a.translations)
    run_pipelines(crawler, [capture(demo_site, truth.path)])
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        kinds = {link["kind"] for link in archive.graph.links_from(BASE + truth.path)}
    assert kinds == {"related"}


def test_non_articles_are_kept_as_captures_with_the_reason(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=-1)
    section = capture(demo_site, "/en/news/europe", kind="article")  # listed as an article
    missing = capture(demo_site, demo_site.missing_paths[0])
    sitemap = capture(demo_site, "/en/sitemaps/en/articles.xml", kind="sitemap")
    items = run_pipelines(crawler, [section, missing, sitemap])
    assert [i.article for i in items] == [None, None, None]
    assert items[0].not_article
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        stats = archive.stats()
    assert stats.captures == 3 and stats.articles == 0
    assert stats.errors_by_kind == {"not_article": 1, "http_404": 1}


def test_archive_refusal_keeps_the_capture_or_drops_with_a_reason(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    pipeline = opened_sink(tmp_path)
    item = capture(demo_site, demo_site.articles[0].path)
    article = extract_article(item.body, item.url, "euronews")
    assert isinstance(article, Article)
    item.article = replace(article, canonical_url="  ")  # an article the archive refuses
    pipeline.save(item)
    assert item.article is None and item.capture_id is not None
    assert item.not_article and "refused" in item.not_article
    assert pipeline.archive is not None
    pipeline.archive.close()
    # An archive that takes nothing at all (here: opened read-only): the item is dropped with
    # the archive's one-line reason, and the crawl goes on.
    pipeline.archive = Archive.open(tmp_path / "a.db", readonly=True)
    with pytest.raises(DropItem, match="read-only"):
        pipeline.save(capture(demo_site, demo_site.missing_paths[0]))
    pipeline.archive.close()


def test_a_request_fetched_again_after_its_page_was_saved_is_not_archived_twice(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    # In a distributed crawl a lease can come back to the queue while the page it gave is
    # being written, and another process fetches the URL again: the same request (the
    # frontier's count of fetches when it let it through) reaches the archive twice.
    sink = opened_sink(tmp_path)
    path = demo_site.articles[0].path
    first, again = (capture(demo_site, path) for _ in range(2))
    for item in (first, again):
        item.crawl_meta["newsbot_fetch_count"] = 0  # a URL never fetched before this run
    sink.save(first)
    with pytest.raises(DropItem, match="saved since it was queued"):
        sink.save(again)
    # A later run's request (the frontier's count has moved on) is saved as usual.
    later = capture(demo_site, path)
    later.crawl_meta["newsbot_fetch_count"] = 1
    sink.save(later)
    assert sink.archive is not None
    sink.archive.close()
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        assert archive.stats().captures == 2
