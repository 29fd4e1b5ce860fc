"""`scrapy crawl SITE` from the project folder behaves as `newsbot crawl SITE`: the same archive,
the same summary line, the same exit codes, one line for a mistake, no politeness delays for a
site on this machine (each run a real subprocess against the demo site on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_newsbot

from newsbot.archive import crawl_lock
from newsbot.spiders.loader import spider_class
from sitegen import DemoServer, DemoSite

EDITIONS = "de,en,fr"


def scrapy_crawl(
    site: str, archive: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl SITE -s NEWSBOT_ARCHIVE=archive ...`, run from the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", site, "-s", f"NEWSBOT_ARCHIVE={archive}",
         *extra],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def rows(archive: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql).fetchall()


#: What a crawl leaves in the archive, without what differs from run to run (ids, times).
ARCHIVED = {
    "articles": "select canonical_url, url, site, language, title, teaser, text, authors,"
    " published_at, modified_at, section, tags, image_url, sources, captions, extras"
    " from articles",
    "captures": "select c.url, c.final_url, c.kind, c.status, c.error, b.sha256"
    " from captures c left join bodies b on b.sha256 = c.sha256",
    "links": "select source_url, target_url, kind, anchor_text, label, position from links",
    "errors": "select url, stage, kind, message from errors",
    "runs": "select spider, site, status, counts from crawl_runs",
}


def archived(archive: Path) -> dict[str, list[tuple[object, ...]]]:
    found = {name: rows(archive, sql) for name, sql in ARCHIVED.items()}
    # A run's counts are a JSON object: the same counts may come in another order. Left out:
    # how many listed URLs were not due when a listing named them again, which depends on
    # whether the page had been fetched by then (the order of the answers, not the archive).
    found["runs"] = [
        (*row[:-1], {k: v for k, v in json.loads(str(row[-1])).items() if k != "not_due"})
        for row in found["runs"]
    ]
    return {name: sorted(found_rows, key=repr) for name, found_rows in found.items()}


def masked(line: str, archive: Path) -> str:
    """A summary line without what differs between two runs: the seconds and the archive."""
    return re.sub(r" in \d+\.\d s:", " in _ s:", line).replace(str(archive), "ARCHIVE")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_scrapy_crawl_archives_what_newsbot_crawl_archives(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    base = demo_server.base_url
    by_scrapy, by_newsbot = tmp_path / "scrapy.db", tmp_path / "newsbot.db"
    scrapy = scrapy_crawl(
        "euronews", by_scrapy, "-a", f"base_url={base}", "-a", f"editions={EDITIONS}"
    )
    newsbot = run_newsbot(
        "crawl", "euronews", "--base-url", base, "--editions", EDITIONS,
        "--archive", str(by_newsbot), "--quiet",
    )  # fmt: skip
    assert (scrapy.returncode, newsbot.returncode) == (0, 0), scrapy.stderr + newsbot.stderr
    assert "Traceback" not in scrapy.stderr
    # The same one summary line on stdout (Scrapy's own log stays on stderr).
    assert scrapy.stdout.count("\n") == 1 and scrapy.stdout.startswith("crawl finished in ")
    assert f"{len(demo_site.articles)} new" in scrapy.stdout
    assert masked(scrapy.stdout, by_scrapy) == masked(newsbot.stdout, by_newsbot)
    # The same archive, row for row.
    ours, theirs = archived(by_scrapy), archived(by_newsbot)
    assert {base + a.path for a in demo_site.articles} == {row[0] for row in ours["articles"]}
    assert ours == theirs
    # A site on this machine: no politeness delays, as with `newsbot crawl`.
    ((settings,),) = rows(by_scrapy, "select settings from crawl_runs")
    used = json.loads(settings)
    assert (used["DOWNLOAD_DELAY"], used["AUTOTHROTTLE_ENABLED"]) == (0, False)
    assert used["CONCURRENT_REQUESTS_PER_DOMAIN"] > 2
    assert "a site on this machine: no politeness delays" in scrapy.stderr


def test_a_setting_given_on_the_command_line_wins_over_the_local_ones(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    archive = tmp_path / "a.db"
    article = demo_server.base_url + demo_site.articles[0].path
    result = scrapy_crawl(
        "euronews", archive, "-a", f"base_url={demo_server.base_url}", "-a", f"urls={article}",
        "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ((settings,),) = rows(archive, "select settings from crawl_runs")
    used = json.loads(settings)
    assert (used["DOWNLOAD_DELAY"], used["CONCURRENT_REQUESTS_PER_DOMAIN"]) == ("0.1", "3")
    assert used["AUTOTHROTTLE_ENABLED"] is False
    assert rows(archive, "select canonical_url from articles") == [(article,)]


@pytest.mark.parametrize(
    ("base_url", "delay", "autothrottle"),
    [
        ("http://127.0.0.1:8000", 0, False),
        ("http://localhost:8000", 0, False),
        ("https://mirror.example", 1.0, True),
        ("", 1.0, True),  # the real site
    ],
)
def test_politeness_delays_are_dropped_by_the_spider_for_this_machine_only(
    base_url: str, delay: float, autothrottle: bool
) -> None:
    # The spider decides, so newsbot crawl, scrapy crawl and scrapyd's jobs all get the same.
    from scrapy.crawler import Crawler

    from newsbot.runner import build_settings

    cls = spider_class("euronews")
    crawler = Crawler(cls, build_settings())
    cls.from_crawler(crawler, base_url=base_url, editions="de")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == delay
    assert crawler.settings.getbool("AUTOTHROTTLE_ENABLED") is autothrottle


def test_an_unreachable_site_exits_1_with_the_summary_in_the_log_file_too(
    tmp_path: Path,
) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    log = tmp_path / "crawl.log"
    scrapy = scrapy_crawl(
        "euronews", tmp_path / "a.db", "-a", f"base_url={base}", "-a", "editions=de",
        "-s", f"LOG_FILE={log}",
    )  # fmt: skip
    newsbot = run_newsbot(
        "crawl", "euronews", "--base-url", base, "--editions", "de",
        "--archive", str(tmp_path / "b.db"), "--quiet",
    )  # fmt: skip
    assert (scrapy.returncode, newsbot.returncode) == (1, 1), scrapy.stderr
    assert scrapy.stdout.startswith("crawl unreachable in ") and scrapy.stdout.count("\n") == 1
    assert "0 fetched" in scrapy.stdout and "connection_refused" in scrapy.stdout
    assert masked(scrapy.stdout, tmp_path / "a.db") == masked(newsbot.stdout, tmp_path / "b.db")
    # The log file (a scrapyd job's log) ends with the same line.
    assert log.read_text(encoding="utf-8").splitlines()[-1].endswith(scrapy.stdout.strip())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-a", "editions=xx"), "unknown edition 'xx' for euronews (known: "),
        (("-a", "edition=de"), "unknown spider argument 'edition' (euronews takes editions, "),
        (("-a", "base_url=ftp://127.0.0.1/"), "must be an http(s) URL, not 'ftp://127.0.0.1/'"),
    ],
)
def test_a_mistake_is_one_line_and_exit_2(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    result = scrapy_crawl("euronews", tmp_path / "a.db", *arguments)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert result.stdout == ""


def test_an_unknown_site_is_one_line_naming_the_sites(tmp_path: Path) -> None:
    result = scrapy_crawl("nosuchsite", tmp_path / "a.db")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "newsbot: error: unknown site 'nosuchsite' (known: bbc, dw, euronews, generic)"
    )


def test_a_locked_archive_exits_1_as_newsbot_crawl_does(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    lock = crawl_lock(archive)
    try:
        scrapy = scrapy_crawl("euronews", archive, "-a", "editions=de")
        newsbot = run_newsbot("crawl", "euronews", "--editions", "de", "--archive", str(archive))
    finally:
        lock.release()
    assert (scrapy.returncode, newsbot.returncode) == (1, 1)
    assert scrapy.stderr == newsbot.stderr
    assert scrapy.stderr.count("\n") == 1 and "is being crawled by another process" in scrapy.stderr


def test_a_spider_written_in_python_still_runs_as_scrapy_runs_it(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "__init__.py").write_text(
        "import scrapy\n\n\nclass QuietSpider(scrapy.Spider):\n    name = 'quiet'\n\n"
        "    async def start(self):\n        self.logger.info('quiet spider ran')\n"
        "        return\n        yield\n",
        encoding="utf-8",
    )
    path = os.pathsep.join(filter(None, (str(tmp_path), os.environ.get("PYTHONPATH"))))
    result = scrapy_crawl(
        "quiet", tmp_path / "a.db", "-a", "anything=goes", "-s", "SPIDER_MODULES=mine",
        env={"PYTHONPATH": path},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "quiet spider ran" in result.stderr
    assert result.stdout == ""  # Scrapy's crawl: no newsbot summary
