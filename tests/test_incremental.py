"""Scheduled, incremental, crash-safe crawling: real crawls in subprocesses, sites served here."""

from __future__ import annotations

import gzip
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, crawl_demo, run_newsbot

from newsbot.runner import LOCAL_SETTINGS
from sitegen import DemoServer, DemoSite, GeneratedSite


def rows(archive: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def fresh_server() -> Iterator[DemoServer]:
    """A demo site of its own: these tests change pages."""
    with DemoServer(DemoSite()) as server:
        yield server


def test_a_changed_page_is_refetched_reextracted_and_its_old_version_kept(
    tmp_path: Path, fresh_server: DemoServer
) -> None:
    archive = tmp_path / "changes.db"
    site = fresh_server.site
    crawl_demo(fresh_server.base_url, archive)
    target = next(a for a in site.articles if a.edition == "de" and a.template == 2026)
    url = fresh_server.base_url + target.path
    old_title = rows(archive, "select title from articles where canonical_url = ?", url)[0][0]
    site.change_article(
        target.path,
        title="Nachtzüge: Die EU-Regeln gelten schon ab Dezember",
        add_paragraph="Nachtrag: Das Ministerium hat den Termin am Dienstag bestätigt, die neuen "
        "Regeln gelten damit schon vom Fahrplanwechsel im Dezember an.",
    )
    result = crawl_demo(fresh_server.base_url, archive)
    second = rows(archive, "select url, status from captures where run_id = 2 and kind = 'article'")
    assert second == [(url, 200)]  # the changed page, and no other article
    assert "0 new and 1 changed articles" in result.stdout
    versions = rows(
        archive,
        "select version, title from article_versions where canonical_url = ? order by version",
        url,
    )
    assert versions == [(1, old_title), (2, "Nachtzüge: Die EU-Regeln gelten schon ab Dezember")]
    history = run_newsbot("history", url, "--archive", str(archive))
    assert history.returncode == 0, history.stderr
    assert "title changed" in history.stdout and "text" in history.stdout


def test_retry_after_is_honoured(tmp_path: Path, fresh_server: DemoServer) -> None:
    target = next(a for a in fresh_server.site.articles if a.edition == "fr")
    fresh_server.throttle(target.path, status=429, retry_after=1, times=1)
    archive = tmp_path / "throttled.db"
    crawl_demo(fresh_server.base_url, archive)
    answered = [
        (r.at, r.status) for r in fresh_server.request_log if r.path_and_query == target.path
    ]
    assert [status for _, status in answered] == [429, 200]
    assert answered[1][0] - answered[0][0] >= 1.0  # waited as long as the server asked
    assert rows(archive, "select count(*) from articles where canonical_url = ?",
                fresh_server.base_url + target.path) == [(1,)]  # fmt: skip


def start_crawl(
    base_url: str, archive: Path, *extra: str, output: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", base_url,
            "--editions", "de,en,fr", "--archive", str(archive), "-q",
            "-s", "CONCURRENT_REQUESTS=8", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", *extra,
        ],
        cwd=REPO, stdout=output, stderr=output, text=True,
    )  # fmt: skip


def wait_for(condition: object, timeout: float = 60.0) -> None:
    """Poll until ``condition()`` holds (an event to wait for, not a duration to sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def captured(archive: Path) -> int:
    if not archive.exists():
        return 0
    try:
        return rows(archive, "select count(*) from captures where kind = 'article'")[0][0]
    except sqlite3.OperationalError:
        return 0  # not created yet


@pytest.fixture(scope="module")
def slow_site() -> Iterator[DemoServer]:
    site = GeneratedSite(240)
    with DemoServer(site, latency=0.03) as server:
        for article in site.articles:  # render once, so the crawls measure the crawler
            site.respond(article.path, server.base_url)
        yield server


def test_a_second_crawl_on_the_same_archive_refuses(tmp_path: Path, slow_site: DemoServer) -> None:
    archive = tmp_path / "busy.db"
    first = start_crawl(slow_site.base_url, archive)
    try:
        wait_for(lambda: captured(archive) > 0)
        second = run_newsbot(
            "crawl", "euronews", "--base-url", slow_site.base_url, "--archive", str(archive)
        )
        assert second.returncode == 1
        assert f"being crawled by another process (pid {first.pid})" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert rows(archive, "pragma integrity_check") == [("ok",)]
    assert rows(archive, "select count(*) from articles")[0][0] == len(slow_site.site.articles)


def test_crawls_killed_at_random_moments_lose_nothing(
    tmp_path: Path, slow_site: DemoServer
) -> None:
    archive = tmp_path / "killed.db"
    pages = len(slow_site.site.articles)
    first_request = len(slow_site.request_log)
    # The crawls here run 8 requests at a time; add what waits for the pipelines: as many
    # pages as the scraper's backlog holds, counted as Scrapy holds them (article pages
    # gzipped, for the extraction workers to decode), and the workers' own.
    smallest = min(
        len(gzip.compress(slow_site.site.respond(a.path, slow_site.base_url).body))
        for a in slow_site.site.articles
    )
    in_flight = 8 + LOCAL_SETTINGS["SCRAPER_SLOT_MAX_ACTIVE_SIZE"] // smallest + 4
    chooser = random.Random(7)
    for _ in range(3):
        before = captured(archive)
        # No pipes to a crawler about to be killed: nothing can keep them open after it.
        crawl = start_crawl(slow_site.base_url, archive, output=subprocess.DEVNULL)
        kill_after = before + chooser.randint(5, 60)

        def reached(crawl: subprocess.Popen[str] = crawl, kill_after: int = kill_after) -> bool:
            return captured(archive) >= kill_after or crawl.poll() is not None

        wait_for(reached)
        if crawl.poll() is None:
            os.kill(crawl.pid, signal.SIGKILL)
        crawl.communicate(timeout=60)
        assert rows(archive, "pragma integrity_check") == [("ok",)]
    result = start_crawl(slow_site.base_url, archive)
    _, err = result.communicate(timeout=600)
    assert result.returncode == 0, err
    assert rows(archive, "pragma integrity_check") == [("ok",)]
    expected = {slow_site.base_url + a.path for a in slow_site.site.articles}
    archived = rows(archive, "select canonical_url, count(*) from articles group by 1")
    assert {url for url, _ in archived} == expected  # nothing missing
    assert all(count == 1 for _, count in archived)  # nothing duplicated
    # Asked of the server: articles requested more than once over all runs. Only what was in
    # flight when a kill landed is fetched again: at most the in-flight limit per kill.
    paths = {a.path for a in slow_site.site.articles}
    served = Counter(
        r.path_and_query for r in slow_site.request_log[first_request:] if r.path_and_query in paths
    )
    refetched = sum(1 for count in served.values() if count > 1)
    assert refetched <= 3 * in_flight, (refetched, in_flight)
    assert len(expected) == pages
