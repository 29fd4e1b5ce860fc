"""The read commands on a crawled demo, as a user scripts them and trips on them: --json for
stats, related, translations, history and runs; a missing default archive; sizes; the frontier
line; URLs pasted with a trailing slash or https; history of a page that is not an article."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_newsbot

from newsbot.archive import utc_now
from newsbot.normalize import normalize_space
from newsbot.report import human_bytes
from sitegen import DemoServer, DemoSite


def scalar(archive: Path, sql: str, *params: object) -> Any:
    with sqlite3.connect(archive) as db:
        return db.execute(sql, params).fetchone()[0]


def as_json(*args: str) -> Any:
    result = run_newsbot(*args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("newsbot: error: ") and result.stderr.count("\n") == 1
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return result.stderr.removeprefix("newsbot: error: ").rstrip("\n")


def first_article(site: DemoSite, story: str = "s01", language: str = "en") -> str:
    return next(a.path for a in site.articles if a.story == story and a.language == language)


# -- --json ------------------------------------------------------------------------------------


def test_stats_json_agrees_with_the_archive(crawled: Path) -> None:
    document = as_json("stats", "--archive", str(crawled))

    assert document["archive"] == str(crawled)
    assert document["articles"] == scalar(crawled, "SELECT COUNT(*) FROM articles")
    assert sum(document["articles_by_language"].values()) == document["articles"]
    assert document["captures"] == scalar(crawled, "SELECT COUNT(*) FROM captures")
    assert document["links"] == scalar(crawled, "SELECT COUNT(*) FROM links")
    assert document["runs"] == 1 and document["last_run"]["status"] == "finished"
    frontier = document["frontier"]
    assert frontier["urls"] == scalar(crawled, "SELECT COUNT(*) FROM frontier")
    assert frontier["due_now"] == sum(frontier["due_now_by_kind"].values())


def test_related_json_has_the_text_commands_content(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    path = first_article(demo_site)
    truth = demo_site.article(path)
    document = as_json("related", demo_server.base_url + path, "--archive", str(crawled))

    assert document["url"] == demo_server.base_url + path
    assert document["title"] == normalize_space(truth.title)
    assert document["archived"] is True and document["language"] == "en"
    related = [link["url"] for link in document["related"] if link["kind"] == "related"]
    assert related == [demo_server.base_url + p for p in truth.related]
    assert document["backlinks"] and all(b["source_url"] for b in document["backlinks"])


def test_translations_json_lists_every_language_version(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    versions = sorted((a for a in demo_site.articles if a.story == "s01"), key=lambda a: a.language)
    document = as_json("translations", base + versions[0].path, "--archive", str(crawled))

    assert document["url"] == base + versions[0].path
    assert document["versions"] == [
        {
            "language": a.language,
            "url": base + a.path,
            "title": normalize_space(a.title),
            "archived": True,
        }
        for a in versions
    ]


def test_history_json_gives_every_version_with_its_article(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    url = demo_server.base_url + first_article(demo_site)
    document = as_json("history", url, "--archive", str(crawled))

    assert document["url"] == url
    stored = scalar(crawled, "SELECT COUNT(*) FROM article_versions WHERE canonical_url = ?", url)
    assert len(document["versions"]) == stored == 1
    (version,) = document["versions"]
    assert version["version"] == 1 and version["changes"] == []
    assert version["article"]["canonical_url"] == url
    assert version["article"]["title"] == scalar(
        crawled, "SELECT title FROM articles WHERE canonical_url = ?", url
    )
    assert isinstance(version["article"]["links"], list) and version["article"]["links"]


@pytest.mark.parametrize("command", ["related", "translations", "history"])
def test_json_commands_still_fail_in_one_line(command: str, crawled: Path) -> None:
    url = "http://127.0.0.1:1/en/2026/01/01/no-such-story"
    result = run_newsbot(command, url, "--json", "--archive", str(crawled))
    one_line_error(result, "no-such-story")


# -- newsbot runs ------------------------------------------------------------------------------


def test_runs_lists_the_demo_crawl_with_its_counts(crawled: Path) -> None:
    result = run_newsbot("runs", "--archive", str(crawled))

    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == [
        "run", "spider", "site", "status", "started", "took", "fetched", "new", "changed",
        "errors", "captures",
    ]  # fmt: skip
    captures = scalar(crawled, "SELECT COUNT(*) FROM captures WHERE run_id = 1")
    articles = scalar(crawled, "SELECT COUNT(*) FROM articles")
    errors = scalar(crawled, "SELECT COUNT(*) FROM errors WHERE run_id = 1")
    started = scalar(crawled, "SELECT started_at FROM crawl_runs WHERE id = 1")
    cells = row.split()
    assert cells[:5] == ["1", "euronews", "euronews", "finished", started]
    assert cells[-5:] == [str(captures), str(articles), "0", str(errors), str(captures)]


def test_runs_json_and_limit(crawled: Path, tmp_path: Path) -> None:
    archive = tmp_path / "two-runs.db"
    shutil.copy(crawled, archive)
    with sqlite3.connect(archive) as db:  # a second run, still going
        db.execute(
            "INSERT INTO crawl_runs (spider, site, started_at, status)"
            " VALUES ('euronews', 'euronews', ?, 'running')",
            (utc_now(),),
        )
    document = as_json("runs", "--archive", str(archive))
    assert document["total"] == 2
    newest, oldest = document["runs"]
    assert (newest["id"], newest["status"], newest["seconds"]) == (2, "running", None)
    assert oldest["captures"] == scalar(archive, "SELECT COUNT(*) FROM captures WHERE run_id = 1")
    assert oldest["articles_new"] == scalar(archive, "SELECT COUNT(*) FROM articles")

    result = run_newsbot("runs", "--limit", "1", "--archive", str(archive))
    lines = result.stdout.splitlines()
    assert lines[1].split()[:4] == ["2", "euronews", "euronews", "running"]
    assert "running" in lines[1].split()[5]
    assert lines[-1] == "(1 newest of 2 runs; --limit to see more)"


# -- a missing archive -------------------------------------------------------------------------

READ_COMMANDS = [
    ["stats"],
    ["search", "Europe"],
    ["related", "http://127.0.0.1/x"],
    ["translations", "http://127.0.0.1/x"],
    ["history", "http://127.0.0.1/x"],
    ["runs"],
    ["export", "links"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0] + "-" + c[-1][:6])
def test_without_archive_the_read_commands_name_the_archive_found(
    command: list[str], crawled: Path, tmp_path: Path
) -> None:
    (tmp_path / "archive").mkdir()
    shutil.copy(crawled, tmp_path / "archive" / "demo.db")
    (tmp_path / "archive" / "notes.db").write_text("not an archive, not even SQLite")

    result = run_newsbot(*command, cwd=tmp_path)

    message = one_line_error(result)
    assert message == (
        "no archive at archive/newsbot.db; found archive/demo.db — pass --archive archive/demo.db"
    )
    assert not (tmp_path / "archive" / "newsbot.db").exists()


def test_following_the_hint_works_and_nothing_found_says_how_to_make_one(
    crawled: Path, tmp_path: Path
) -> None:
    (tmp_path / "archive").mkdir()
    shutil.copy(crawled, tmp_path / "archive" / "demo.db")
    assert run_newsbot("stats", "--archive", "archive/demo.db", cwd=tmp_path).returncode == 0

    empty = tmp_path / "empty"
    empty.mkdir()
    message = one_line_error(run_newsbot("stats", cwd=empty))
    assert message.startswith("no archive at archive/newsbot.db (run `newsbot demo`")


# -- what stats says ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "shown"),
    [(512, "512 B"), (3 * 1024, "3.0 KiB"), (3 * 1024 * 1024, "3.0 MiB"), (5 * 2**30, "5.0 GiB")],
)
def test_sizes_name_their_binary_unit(size: int, shown: str) -> None:
    assert human_bytes(size) == shown


def test_stats_says_what_the_frontier_holds_and_what_is_due_in_plain_words(
    crawled: Path,
) -> None:
    result = run_newsbot("stats", "--archive", str(crawled))
    lines = {line.split(":", 1)[0]: line for line in result.stdout.splitlines()}

    assert " MB" not in result.stdout and "MiB" in lines["archive"]
    fetched = scalar(crawled, "SELECT COUNT(*) FROM frontier WHERE state = 'done'")
    never = scalar(crawled, "SELECT COUNT(*) FROM frontier WHERE state = 'due'")
    blocked = scalar(crawled, "SELECT COUNT(*) FROM frontier WHERE state = 'blocked'")
    # The demo's robots.txt keeps its staff notice out.
    assert blocked >= 1
    assert f"fetched {fetched}" in lines["frontier"]
    assert f"blocked by robots.txt {blocked}" in lines["frontier"]
    assert (f"never fetched {never}" in lines["frontier"]) == (never > 0)
    assert "done" not in lines["frontier"] and " due " not in lines["frontier"]
    due = scalar(crawled, "SELECT COUNT(*) FROM frontier WHERE due_at <= ?", utc_now())
    sitemaps = scalar(
        crawled, "SELECT COUNT(*) FROM frontier WHERE kind = 'sitemap' AND due_at <= ?", utc_now()
    )
    assert lines["due now"].startswith(f"due now:   {due} URLs a crawl started now would fetch (")
    assert f"sitemap {sitemaps}" in lines["due now"]


# -- the link exports name their fields alike ------------------------------------------------


def test_csv_and_jsonl_link_exports_use_the_same_field_names(crawled: Path) -> None:
    csv_out = run_newsbot("export", "links", "--archive", str(crawled)).stdout
    jsonl_out = run_newsbot("export", "links", "--format", "jsonl", "--archive", str(crawled))
    header = next(csv.reader(io.StringIO(csv_out)))
    assert header == list(json.loads(jsonl_out.stdout.splitlines()[0]))
    assert header[:2] == ["source", "target"]


# -- URLs as pasted ----------------------------------------------------------------------------


def pasted_forms(url: str) -> list[str]:
    """A URL as users paste it: a trailing slash, https for an http site, both."""
    secure = url.replace("http://", "https://", 1)
    return [url + "/", secure, secure + "/", secure + "/?utm_source=x#top"]


@pytest.mark.parametrize("command", ["related", "translations", "history"])
def test_a_trailing_slash_or_https_finds_the_canonical_article(
    command: str, crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    canonical = demo_server.base_url + first_article(demo_site)
    expected = as_json(command, canonical, "--archive", str(crawled))
    for form in pasted_forms(canonical):
        assert as_json(command, form, "--archive", str(crawled)) == expected, form


# -- history of a page that is not an article ------------------------------------------------


def test_history_of_a_section_page_says_it_is_one(crawled: Path, demo_server: DemoServer) -> None:
    url = demo_server.base_url + "/de/culture"
    fetched_at = scalar(crawled, "SELECT MAX(fetched_at) FROM captures WHERE url = ?", url)

    message = one_line_error(run_newsbot("history", url + "/", "--archive", str(crawled)))

    assert message == (
        f"{url} was fetched 1 time (last {fetched_at[:10]}, HTTP 200)"
        " but is not an article: a section page"
    )


def test_history_of_a_missing_page_and_of_a_redirect(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    (missing,) = demo_site.missing_paths
    message = one_line_error(run_newsbot("history", base + missing, "--archive", str(crawled)))
    assert "(last " in message and "HTTP 404) but is not an article: a 404" in message

    ((old, new),) = demo_site.redirects.items()
    message = one_line_error(run_newsbot("history", base + old, "--archive", str(crawled)))
    assert message.endswith(f"HTTP 301) but is not an article: a redirect to {base}{new}")
    # … where the article is.
    assert run_newsbot("history", base + new, "--archive", str(crawled)).returncode == 0


def test_history_of_a_page_extraction_refused_quotes_its_reason(tmp_path: Path) -> None:
    from newsbot.archive import Archive
    from newsbot.items import Capture

    url = "https://www.euronews.com/2026/03/02/live-night-trains"
    archive = tmp_path / "a.db"
    with Archive.open(archive) as db:
        run = db.crawl_runs.start(spider="euronews", site="euronews", settings={})
        for day, body in (("02", b"<html>x</html>"), ("03", b"<html>y</html>")):
            capture = Capture(
                url, url, 200, [], body, f"2026-03-{day}T10:00:00+00:00", "euronews",
                kind="article", not_article="a live blog page",
            )  # fmt: skip
            db.save_capture(capture, run_id=run)
    message = one_line_error(
        run_newsbot("history", url.replace("https", "http"), "--archive", str(archive))
    )
    assert message == (
        f"{url} was fetched 2 times (last 2026-03-03, HTTP 200) but is not an article:"
        " extraction said: not_article (a live blog page)"
    )
