"""What the hostile server's pages become, whatever the order they are listed in (issue 13).

Two fresh crawls of the hostile server (sitegen.hostile), its page sitemap shuffled with
two seeds: the control article comes out the same in both, untouched by the page that claims
to be it; the article served in five charset traps reads right every time; the DOM bombs (a
hundred thousand nested divs, a million line breaks) end as error rows with a reason, and the
pages listed after them are extracted all the same.
"""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_newsbot
from scrapy import Request

from newsbot.archive import Archive
from newsbot.content_coding import gunzipped_size_over
from newsbot.extract import extract_article
from newsbot.items import NotArticle
from newsbot.sitemap_bounds import SitemapBounds, SitemapReading
from sitegen.hostile import LISTED, HostileServer
from sitegen.hostile_pages import CHARSET_TRAPS, deep_page, shuffled, wide_page

MAX_SIZE = 5_000_000
SEEDS = (1, 2)
#: The control article, written out by hand.
CONTROL_TITLE = "Ferry runs again after the storm"
CONTROL_START = "The ferry between the two islands ran again on Thursday"
CONTROL_END = "the baker sold out of bread an hour after the first van drove off the ramp."
#: Words of the charset traps' article that the wrong charset garbles.
ACCENTED_WORDS = ("café", "Zoë Brûlé", "crêpes", "“the best day since the spring tide of ’98”")


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, tuple[Path, str]]]:
    """seed → (archive, base URL) of one crawl of the server, its pages in that seed's order."""
    out = {}
    for seed in SEEDS:
        archive = tmp_path_factory.mktemp(f"order{seed}") / "hostile.db"
        with HostileServer(max_size=MAX_SIZE, slow_seconds=8, huge=10, order_seed=seed) as server:
            result = run_newsbot(
                "crawl", "generic", "--base-url", server.base_url, "--archive", str(archive),
                "--quiet", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}", "-s", "DOWNLOAD_TIMEOUT=4",
                "-s", "RETRY_TIMES=0", "-s", "NEWSBOT_RETRY_AFTER_MAX=0",
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            out[seed] = (archive, server.base_url)
    yield out


def article_at(archive: Path, url: str) -> dict[str, Any] | None:
    with Archive.open(archive, readonly=True) as opened:
        return opened.articles.get(url)


def test_the_two_crawls_listed_the_pages_in_different_orders() -> None:
    first, second = (shuffled(LISTED, seed) for seed in SEEDS)
    assert first != second and sorted(first) == sorted(second)


def test_the_control_article_is_intact_whatever_the_order(
    archives: dict[int, tuple[Path, str]],
) -> None:
    found = []
    for archive, base in archives.values():
        control = article_at(archive, base + "/control")
        assert control is not None
        assert control["title"] == CONTROL_TITLE
        assert control["text"].startswith(CONTROL_START), control["text"]
        assert control["text"].endswith(CONTROL_END), control["text"]
        assert control["url"] == base + "/control"
        # The page claiming to be it is kept apart, under its own URL.
        liar = article_at(archive, base + "/liar")
        assert liar is not None and liar["title"] != CONTROL_TITLE
        found.append((control["title"], control["text"], control["published_at"]))
    assert found[0] == found[1]


def test_charset_traps_read_right(archives: dict[int, tuple[Path, str]]) -> None:
    for archive, base in archives.values():
        for path in CHARSET_TRAPS:
            article = article_at(archive, base + path)
            assert article is not None, path
            assert article["title"] == "Café on the quay reopens", (path, article["title"])
            for words in ACCENTED_WORDS:
                assert words in article["text"], (path, words, article["text"])


def test_dom_bombs_are_error_rows_and_the_crawl_goes_on(
    archives: dict[int, tuple[Path, str]],
) -> None:
    for archive, base in archives.values():
        db = sqlite3.connect(archive)
        rows = dict(
            db.execute(
                "SELECT url, message FROM errors WHERE url IN (?, ?)",
                (base + "/dom/deep", base + "/dom/wide"),
            )
        )
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.close()
        assert set(rows) == {base + "/dom/deep", base + "/dom/wide"}
        assert all("too many elements" in message for message in rows.values()), rows
        # Control, the stray NUL page, the liar and the five charset traps, in either order.
        assert articles == 8


def test_dom_bombs_are_refused_before_they_are_parsed() -> None:
    for page in (deep_page(), wide_page()):
        result = extract_article(page, "http://127.0.0.1/dom", "generic")
        assert isinstance(result, NotArticle)
        assert result.reason.startswith("too many elements to read"), result.reason


def test_a_gzip_bomb_is_measured_without_inflating_it_all() -> None:
    bomb = gzip.compress(b" " * 3_000_000)
    assert gunzipped_size_over(bomb, 2_999_999)
    assert not gunzipped_size_over(bomb, 3_000_000)
    # Two members count together; a cut-short or broken one counts as far as it goes.
    assert gunzipped_size_over(bomb + gzip.compress(b"x" * 10), 3_000_005)
    assert not gunzipped_size_over(bomb[:100], 3_000_000)
    assert not gunzipped_size_over(b"\x1f\x8bnot gzip", 0)


def test_sitemap_bounds_admit_the_first_urls_and_shallow_indexes() -> None:
    reading = SitemapReading("http://s/sitemap.xml", "generic", 0, SitemapBounds(3, 1))
    child = Request("http://s/child.xml", meta={"newsbot_kind": "sitemap"})
    assert reading.admit(child)
    assert child.priority == -1  # deeper sitemaps come later, and the frontier keeps it
    pages = [Request(f"http://s/{n}", meta={"newsbot_kind": "article"}) for n in range(3)]
    assert [reading.admit(page) for page in pages] == [True, True, False]
    refusals = reading.refusals()
    assert [(r.url, r.kind) for r in refusals] == [("http://s/sitemap.xml", "too_many_urls")]
    assert "lists 4 URLs" in refusals[0].message

    deeper = SitemapReading("http://s/child.xml", "generic", 1, SitemapBounds(3, 1))
    assert not deeper.admit(Request("http://s/grandchild.xml", meta={"newsbot_kind": "sitemap"}))
    assert [r.kind for r in deeper.refusals()] == ["sitemap_too_deep"]
