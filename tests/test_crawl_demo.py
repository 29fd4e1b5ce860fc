"""End to end: real Scrapy crawls of the demo site, in a subprocess, asserted on the archive."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from conftest import REPO, crawl_demo, run_newsbot

from newsbot.archive import Archive
from newsbot.archive.bodies import sha256_hex
from newsbot.normalize import normalize_space
from sitegen import DemoServer, DemoSite

COUNTS = (
    "select (select count(*) from captures), (select count(*) from bodies), count(*) from links"
)


def rows(archive: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql, params).fetchall()


def test_archive_holds_exactly_the_demo_articles(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    expected = {base + a.path: a.language for a in demo_site.articles}
    archived = dict(rows(crawled, "select canonical_url, language from articles"))
    assert archived == expected
    assert len(expected) >= 30 and len(set(expected.values())) >= 3


def test_article_bodies_are_stored_exactly_as_served_though_workers_decoded_them(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    # The server gzips every page; article pages reach the archive through the extraction
    # workers, which decode them. What is stored must be the page, byte for byte.
    base = demo_server.base_url
    stored = dict(
        rows(
            crawled,
            "select c.url, b.sha256 || ':' || b.size from captures c"
            " join bodies b on b.sha256 = c.sha256 where c.kind = 'article' and c.status = 200",
        )
    )
    served = {}
    for article in demo_site.articles:
        body = demo_site.respond(article.path, base).body
        served[base + article.path] = f"{sha256_hex(body)}:{len(body)}"
    assert {url: stored.get(url) for url in served} == served
    ((deferred,),) = rows(
        crawled, "select json_extract(stats, '$.\"newsbot/decode/deferred\"') from crawl_runs"
    )
    assert deferred == len(demo_site.articles)


def test_video_pages_and_disallowed_paths_were_never_fetched(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    fetched = {url for (url,) in rows(crawled, "select url from captures")}
    skipped = {
        demo_server.base_url + p for p in (*demo_site.video_paths, *demo_site.disallowed_paths)
    }
    assert demo_site.video_paths and demo_site.disallowed_paths
    assert fetched & skipped == set()


def test_missing_page_is_a_capture_with_its_status_and_an_error(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    for path in demo_site.missing_paths:
        url = demo_server.base_url + path
        assert rows(crawled, "select status from captures where url = ?", url) == [(404,)]
        assert rows(crawled, "select stage, kind from errors where url = ?", url) == [
            ("fetch", "http_404")
        ]


def test_redirected_page_is_one_article_under_its_new_url(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    assert demo_site.redirects
    for old, new in demo_site.redirects.items():
        assert rows(
            crawled, "select count(*) from articles where canonical_url = ?", base + new
        ) == [(1,)]
        assert rows(
            crawled, "select count(*) from articles where canonical_url = ?", base + old
        ) == [(0,)]


def test_every_article_text_is_clean_and_complete(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    with Archive.open(crawled, readonly=True) as archive:
        for truth in demo_site.articles:
            article = archive.articles.get(demo_server.base_url + truth.path)
            assert article is not None, truth.path
            text = article["text"]
            for paragraph in truth.paragraphs:
                assert normalize_space(paragraph) in text, (truth.path, paragraph[:60])
            lines = {line.strip().casefold() for line in text.splitlines()}
            for furniture in demo_site.furniture_strings(truth.language):
                # No line is a label; distinctive labels (several words, or shouted like
                # WERBUNG) appear nowhere, not even glued to other text.
                assert furniture.casefold() not in lines, (truth.path, furniture)
                if len(furniture.split()) >= 3 or (furniture.isupper() and len(furniture) > 4):
                    assert furniture not in text, (truth.path, furniture)
            for caption in truth.captions:
                assert normalize_space(caption) not in text, (truth.path, caption)
            assert normalize_space(truth.teaser) not in text
            assert article["title"] == normalize_space(truth.title)
            assert article["teaser"] == normalize_space(truth.teaser)


def test_every_article_has_exact_metadata(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    with Archive.open(crawled, readonly=True) as archive:
        for truth in demo_site.articles:
            article = archive.articles.get(demo_server.base_url + truth.path)
            assert article is not None
            got = {
                k: article[k]
                for k in ("authors", "tags", "published_at", "modified_at", "language", "section")
            }
            want = {
                "authors": list(truth.authors),
                "tags": list(truth.tags),
                "published_at": truth.published_at,
                "modified_at": truth.modified_at,
                "language": truth.language,
                "section": truth.section,
            }
            assert got == want, truth.path


def test_related_links_of_every_article_equal_the_site_truth(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    with Archive.open(crawled, readonly=True) as archive:
        for truth in demo_site.articles:
            links = archive.graph.links_from(base + truth.path)
            related = [link["target_url"] for link in links if link["kind"] == "related"]
            assert related == [base + path for path in truth.related], truth.path
            inline_related = [
                link["target_url"] for link in links if link["kind"] == "inline-related"
            ]
            assert inline_related == [base + path for path in truth.inline_related], truth.path
            translations = {
                link["label"]: link["target_url"] for link in links if link["kind"] == "translation"
            }
            listed = {lang: base + path for lang, path in truth.hreflang if path != truth.path}
            assert translations == listed, truth.path


def test_second_crawl_of_an_unchanged_site_fetches_only_listings_conditionally(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    archive = tmp_path / "twice.db"
    crawl_demo(demo_server.base_url, archive)
    first = rows(archive, COUNTS)[0]
    result = crawl_demo(demo_server.base_url, archive)
    articles = rows(archive, "select count(*), count(distinct canonical_url) from articles")[0]
    assert articles == (len(demo_site.articles), len(demo_site.articles))
    second = rows(archive, COUNTS)[0]
    assert second[1] == first[1]  # no body stored twice
    assert second[2] == first[2]  # links replaced, never duplicated
    fetched = rows(
        archive, "select kind, status, revisit_of is not null from captures where run_id = 2"
    )
    assert fetched, "the second run fetched nothing at all"
    assert {kind for kind, _, _ in fetched} <= {"sitemap", "feed", "section"}
    assert {(status, revisit) for _, status, revisit in fetched} == {(304, 1)}
    runs = rows(
        archive,
        "select status, json_extract(counts, '$.articles_new'),"
        " json_extract(counts, '$.not_modified') from crawl_runs order by id",
    )
    assert runs == [("finished", len(demo_site.articles), None), ("finished", None, len(fetched))]
    assert f"{len(fetched)} fetched ({len(fetched)} not modified), 0 new" in result.stdout


def test_scrapy_crawl_from_the_project_folder_does_the_same(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    import subprocess
    import sys

    archive = tmp_path / "scrapy.db"
    result = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "euronews",
            "-a", f"base_url={demo_server.base_url}", "-a", "editions=de",
            "-s", f"NEWSBOT_ARCHIVE={archive}", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING",
        ],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {demo_server.base_url + a.path for a in demo_site.articles if a.edition == "de"}
    assert {url for (url,) in rows(archive, "select canonical_url from articles")} == expected


def test_demo_command_crawls_and_summarises(tmp_path: Path, demo_site: DemoSite) -> None:
    archive = tmp_path / "demo.db"
    result = run_newsbot("demo", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "finished" in out
    by_language: dict[str, int] = {}
    for article in demo_site.articles:
        by_language[article.language] = by_language.get(article.language, 0) + 1
    assert f"articles:  {len(demo_site.articles)} (" in out
    for language, count in by_language.items():
        assert f"{language} {count}" in out
    assert "links:" in out and "errors:" in out and "search " in out
    assert "Traceback" not in result.stderr


def test_demo_run_again_on_its_port_is_the_same_site_crawled_incrementally(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    with socket.socket() as probe:  # a port free now, for both runs
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    archive = tmp_path / "demo.db"
    for _ in range(2):
        result = run_newsbot("demo", "--archive", str(archive), "--port", port)
        assert result.returncode == 0, result.stderr
        assert f"articles:  {len(demo_site.articles)} (" in result.stdout
    ((bodies, captures),) = rows(
        archive, "select count(*), (select count(*) from captures) from bodies"
    )
    assert captures > bodies  # the second run's listings were revisits: no body stored twice


def test_demo_server_keeps_its_port_from_run_to_run_when_free() -> None:
    from newsbot.runner import DEMO_PORT, demo_server

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", DEMO_PORT))
        except OSError:
            pytest.skip(f"port {DEMO_PORT} is taken on this machine")
    with demo_server() as server:
        assert server.port == DEMO_PORT
        with demo_server() as second:  # taken now: any free port instead
            assert second.port not in (0, DEMO_PORT)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "nosuchsite"], "unknown site 'nosuchsite'"),
        (["crawl", "euronews", "--editions", "de,xx"], "unknown edition 'xx'"),
        (["crawl", "euronews", "--editions", "de,,en"], "--editions takes comma-separated"),
        (["crawl", "euronews", "--base-url", "ftp://x"], "--base-url must be an http(s) URL"),
        (["stats", "--archive", "/nonexistent/dir/x.db"], "x.db"),
        (["crawl", "euronews", "--bogus"], "No such option"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], message: str) -> None:
    result = run_newsbot(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_or_corrupt_archive_is_refused_and_left_alone(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = run_newsbot("crawl", "euronews", "--archive", str(not_a_dir / "x.db"))
    assert result.returncode == 2 and "cannot create archive" in result.stderr
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite" * 100)
    before = corrupt.read_bytes()
    for args in (["crawl", "euronews"], ["stats"], ["search", "x"]):
        result = run_newsbot(*args, "--archive", str(corrupt))
        assert result.returncode == 2, args
        assert "is not a newsbot archive" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert corrupt.read_bytes() == before


def test_generic_profile_crawls_a_site_it_knows_nothing_about(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    archive = tmp_path / "generic.db"
    base_url = demo_server.base_url + "/fr"
    result = run_newsbot(
        "crawl", "generic", "--base-url", base_url, "--archive", str(archive), "-q"
    )
    assert result.returncode == 0, result.stderr
    truths = {demo_server.base_url + a.path: a for a in demo_site.articles if a.edition == "fr"}
    with Archive.open(archive, readonly=True) as db:
        articles = {a["canonical_url"]: a for a in db.articles.iter()}
    assert set(articles) == set(truths)
    for url, article in articles.items():
        lines = {line.casefold() for line in article["text"].splitlines()}
        for paragraph in truths[url].paragraphs:
            assert normalize_space(paragraph) in article["text"]
        for furniture in demo_site.furniture_strings("fr"):
            assert furniture.casefold() not in lines


def test_a_site_that_never_answers_is_a_failed_run_with_exit_1(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    archive = tmp_path / "dead.db"
    result = run_newsbot(
        "crawl", "euronews", "--base-url", dead, "--editions", "de", "--archive", str(archive),
        "-q", "-s", "RETRY_TIMES=0",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.startswith("crawl unreachable in ")
    assert rows(archive, "select status from crawl_runs") == [("unreachable",)]
    errors = rows(archive, "select stage, count(*) from errors group by stage")
    assert errors and errors[0][0] == "fetch"  # every failed fetch is a recorded row


def test_frontier_records_where_each_url_was_found_and_fresh_news_ranks_first(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    found = dict(rows(crawled, "select url, found_in from frontier where kind = 'article'"))
    assert {"news_sitemap", "sitemap", "feed", "section"} & set(found.values()) >= {
        "news_sitemap", "sitemap",
    }  # fmt: skip
    news = [a for a in demo_site.articles if a.template == 2026]
    assert news and all(found[demo_server.base_url + a.path] != "start" for a in news)
    priority = dict(rows(crawled, "select found_in, max(priority) from frontier group by 1"))
    assert priority["news_sitemap"] > priority["sitemap"]
