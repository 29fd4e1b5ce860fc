"""newsbot browse: the archive in Datasette, read-only, checked as a reader sees it.

One server for the module, started as a user would (``newsbot browse --port 0``) on a copy of
the demo crawl whose pages are compressed with the site's dictionary; pages are loaded in
headless Chromium and read from the DOM it renders. The truth each page is held to comes from
SQL over the archive or from newsbot's library, never from the metadata or plugin under test.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin
from urllib.request import urlopen

import lxml.html
import pytest
from conftest import REPO, run_newsbot

from newsbot.archive import Archive

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs it for CI)"
)

# Datasette's results table and its cells: class "col-<column>" on every cell.
ROWS = "table.rows-and-columns tbody tr"


def copy_archive(source: Path, target: Path) -> Path:
    """A consistent copy of the archive at ``source`` (read-only there) at ``target``."""
    with (
        closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


@pytest.fixture(scope="module")
def archive(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo crawl, its pages compressed with the site's zstd dictionary."""
    path = copy_archive(crawled, tmp_path_factory.mktemp("browse") / "demo.db")
    result = run_newsbot("compress", "--archive", str(path))
    assert result.returncode == 0, result.stderr
    return path


@contextmanager
def browsing(archive: Path, log: Path) -> Iterator[str]:
    """``newsbot browse`` on ``archive`` in a subprocess; yields the archive's URL it prints."""
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsbot", "browse", "--archive", str(archive), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=REPO,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"Browsing (.+) at (http://\S+) \(read-only; Ctrl-C to stop\)\n", line)
        assert found, f"{line!r}\n{log.read_text()}"
        assert found[1] == str(archive)
        yield found[2]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[str]:
    """The URL of the archive's page on the module's server, e.g. http://127.0.0.1:40123/demo."""
    with browsing(archive, archive.with_name("browse.log")) as url:
        yield url


def rendered(url: str) -> Any:
    """The DOM headless Chromium renders for ``url``, parsed."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                f"--user-data-dir={profile}", "--dump-dom", url,
            ],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return lxml.html.fromstring(result.stdout)


def cells(page: Any, column: str) -> list[str]:
    """The text of every row's cell of ``column`` in the page's results table."""
    return [row.cssselect(f"td.col-{column}")[0].text_content().strip() for row in rows(page)]


def rows(page: Any) -> list[Any]:
    return list(page.cssselect(ROWS))


def fetch_json(url: str) -> Any:
    with urlopen(url, timeout=60) as response:
        return json.load(response)


def sql(archive: Path, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"{archive.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(query, params).fetchall()


def shown_as_in_a_table(text: str) -> str:
    """A text as a table cell shows it: its first 200 characters and an ellipsis if longer."""
    return text if len(text) <= 200 else text[:200] + "…"


@needs_chromium
def test_the_articles_page_lists_every_article_with_its_text_cut_short(
    server: str, archive: Path
) -> None:
    page = rendered(f"{server}/articles?_size=100")

    texts = dict(sql(archive, "SELECT id, text FROM articles"))
    ids = [int(value) for value in cells(page, "id")]
    assert sorted(ids) == sorted(texts)
    shown = dict(zip(ids, cells(page, "text"), strict=True))
    assert shown == {id_: shown_as_in_a_table(text).strip() for id_, text in texts.items()}
    assert all(len(shown[id_]) < len(texts[id_]) for id_ in ids)  # demo articles are long
    # The article's own page shows all of its text.
    first = min(ids)
    row_page = rendered(f"{server}/articles/{first}")
    assert row_page.cssselect("td.col-text")[0].text_content().strip() == texts[first].strip()


@needs_chromium
def test_the_articles_page_says_what_the_table_and_its_columns_are(server: str) -> None:
    page = rendered(f"{server}/articles?_size=1")

    description = page.cssselect(".metadata-description")[0].text_content()
    assert "latest extraction of the article" in description
    columns = dict(
        zip(
            (dt.text_content() for dt in page.cssselect("dl.column-descriptions dt")),
            (dd.text_content() for dd in page.cssselect("dl.column-descriptions dd")),
            strict=True,
        )
    )
    assert columns["title"] == "Headline."
    assert "time zone" in columns["published_at"]
    assert page.cssselect("form input[name=_search]"), "no search box"
    facets = {facet.get("data-column") for facet in page.cssselect(".facet-info")}
    assert {"language", "site", "section"} <= facets


@needs_chromium
def test_a_search_shows_the_articles_whose_title_or_text_has_the_word(
    server: str, archive: Path
) -> None:
    page = rendered(f"{server}/articles?{urlencode({'_search': 'Europe', '_size': 100})}")

    word = re.compile(r"\beurope\b", re.IGNORECASE)
    expected = {
        id_ for id_, title, text in sql(archive, "SELECT id, title, text FROM articles")
        if word.search(title) or word.search(text)
    }  # fmt: skip
    assert len(expected) > 3
    assert {int(value) for value in cells(page, "id")} == expected
    assert f'{len(expected)} rows where search matches "Europe"' in page.text_content()


def linked_article(archive: Path) -> str:
    """A demo article with related links and backlinks: the one with the most of both."""
    return str(
        sql(
            archive,
            """
            SELECT a.canonical_url FROM articles a
            ORDER BY (SELECT COUNT(*) FROM links WHERE source_url = a.canonical_url
                      AND kind IN ('related', 'inline-related'))
                   * (SELECT COUNT(*) FROM links WHERE target_url = a.canonical_url
                      AND kind <> 'translation') DESC, a.id
            LIMIT 1
            """,
        )[0][0]
    )


@needs_chromium
def test_the_article_query_shows_its_related_articles_and_backlinks_as_newsbot_related(
    server: str, archive: Path
) -> None:
    url = linked_article(archive)
    with Archive.open(archive, readonly=True) as db:
        view = db.graph.related_of(url)
    assert view is not None and view.related and view.backlinks
    expected = [
        ("this article", url, view.title),
        *((link.kind, link.url, link.title) for link in view.related),
        *((f"backlink ({back.kind})", back.source_url, back.title) for back in view.backlinks),
    ]

    # Pasted as found in a newsletter: tracking parameters and a fragment.
    pasted = f"{url}?utm_source=newsletter&utm_medium=email#top"
    page = rendered(f"{server}/article?{urlencode({'url': pasted})}")

    shown = list(
        zip(cells(page, "relation"), cells(page, "url"), cells(page, "title"), strict=True)
    )
    assert shown == expected


def test_the_translations_query_gives_every_language_version_as_newsbot_translations(
    server: str, archive: Path
) -> None:
    url = linked_article(archive)
    with Archive.open(archive, readonly=True) as db:
        cluster = db.graph.translation_cluster(url)
    assert len(cluster) >= 3

    found = fetch_json(f"{server}/translations.json?{urlencode({'url': url, '_shape': 'array'})}")

    assert [(r["language"], r["url"], r["title"]) for r in found] == [
        (m.language, m.url, m.title) for m in cluster
    ]


@needs_chromium
def test_stored_pages_show_as_links_to_their_text_never_as_binary_downloads(
    server: str, archive: Path
) -> None:
    bodies = rendered(f"{server}/bodies?_size=100")
    captures = rendered(f"{server}/captures?_size=100")

    for page in (bodies, captures):
        assert "Binary" not in page.text_content()
        assert not page.cssselect("a.blob-download")
    stored = dict(sql(archive, "SELECT sha256, codec FROM bodies"))
    assert len(rows(bodies)) == len(stored)
    assert all(codec.startswith("zstd-dict:") for codec in stored.values())
    links = [cell.cssselect("a")[0] for cell in bodies.cssselect("td.col-data")]
    assert {link.text_content() for link in links} == {"view as text"}

    # The largest page, read back through its link.
    sha256 = sql(archive, "SELECT sha256 FROM bodies ORDER BY size DESC LIMIT 1")[0][0]
    link = next(link for link in links if sha256 in link.get("href"))
    page = rendered(urljoin(server, link.get("href")))

    with Archive.open(archive, readonly=True) as db:
        text = db.captures.body(sha256).decode("utf-8")
    assert page.cssselect("pre.newsbot-page")[0].text_content() == text
    assert "<html" in text


def test_a_capture_query_shows_the_page_it_fetched(server: str, archive: Path) -> None:
    capture_id, sha256 = sql(
        archive, "SELECT id, sha256 FROM captures WHERE kind = 'article' ORDER BY id LIMIT 1"
    )[0]

    found = fetch_json(f"{server}/capture_page.json?id={capture_id}&_shape=array")

    with Archive.open(archive, readonly=True) as db:
        assert found[0]["page_text"] == db.captures.body(sha256).decode("utf-8")


def test_the_counting_queries_agree_with_the_archive(server: str, archive: Path) -> None:
    per_day = fetch_json(f"{server}/articles_per_day.json?_shape=array")
    errors = fetch_json(f"{server}/last_run_errors.json?_shape=array")
    due = fetch_json(f"{server}/due_now.json?_shape=array&_size=max")

    published = sql(archive, "SELECT published_at, language FROM articles")
    expected = Counter((at[:10] if at else None, language) for at, language in published)
    assert {(r["day"], r["language"]): r["articles"] for r in per_day} == expected
    assert sum(r["articles"] for r in per_day) == len(published)
    last_run = sql(archive, "SELECT MAX(id) FROM crawl_runs")[0][0]
    expected_errors = sql(archive, "SELECT url, kind FROM errors WHERE run_id = ?", (last_run,))
    assert sorted((r["url"], r["kind"]) for r in errors) == sorted(expected_errors)
    assert errors and {r["run_id"] for r in errors} == {last_run}
    with Archive.open(archive, readonly=True) as db:
        assert db.stats().frontier.due_now == len(due) > 0


def test_the_server_sees_what_a_writer_commits_while_it_runs(crawled: Path, tmp_path: Path) -> None:
    live = copy_archive(crawled, tmp_path / "live.db")
    with browsing(live, tmp_path / "browse.log") as url:
        before = fetch_json(f"{url}/crawl_runs.json?_shape=array")
        with Archive.open(live) as db:
            db.crawl_runs.start(spider="euronews", site="euronews", settings={})
        after = fetch_json(f"{url}/crawl_runs.json?_shape=array")

    assert len(after) == len(before) + 1
    assert after[0]["status"] == "running"  # newest first


def test_the_plain_datasette_command_shows_the_archive_the_same_way(archive: Path) -> None:
    printed = run_newsbot("browse", "--archive", str(archive), "--print-command")
    assert printed.returncode == 0, printed.stderr
    command = shlex.split(printed.stdout)
    assert command[:3] == ["datasette", "serve", str(archive)]

    # Datasette finds newsbot's plugin through its entry point (installed with newsbot).
    result = subprocess.run(
        [sys.executable, "-m", "datasette", *command[1:], "--get", "/demo/bodies?_size=5"],
        capture_output=True, text=True, timeout=120, check=False, cwd=REPO,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "view as text" in result.stdout, "reinstall newsbot (pip install -e '.[dev]')"
    assert "Binary" not in result.stdout


def test_print_metadata_gives_the_archive_its_description_under_its_own_name(
    archive: Path,
) -> None:
    result = run_newsbot("browse", "--archive", str(archive), "--print-metadata")

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert list(found["databases"]) == ["demo"]
    assert found["databases"]["demo"]["tables"]["articles"]["fts_table"] == "articles_fts"


def test_a_missing_archive_is_one_line(tmp_path: Path) -> None:
    result = run_newsbot("browse", "--archive", str(tmp_path / "none.db"))

    assert result.returncode == 2
    assert result.stderr.startswith(f"newsbot: error: no archive at {tmp_path / 'none.db'}")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_without_datasette_browse_says_how_to_install_it(archive: Path) -> None:
    hidden = "import sys; sys.modules['datasette'] = None; from newsbot.cli import main; main()"

    result = subprocess.run(
        [sys.executable, "-c", hidden, "browse", "--archive", str(archive), "--port", "0"],
        capture_output=True, text=True, timeout=120, check=False, cwd=REPO,
    )  # fmt: skip

    assert result.returncode == 2
    assert (
        result.stderr == "newsbot: error: browse needs Datasette: pip install 'newsbot[browse]'\n"
    )


def test_a_port_in_use_is_one_line(archive: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_newsbot("browse", "--archive", str(archive), "--port", str(port))

    assert result.returncode == 2
    assert result.stderr.startswith(f"newsbot: error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1
