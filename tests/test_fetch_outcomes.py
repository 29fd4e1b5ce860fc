"""Every fetch outcome is a capture or an error row with a reason a person can read (issue 13).

The project's hostile server (sitegen.hostile) is crawled for real, three times, with
``NEWSBOT_MAX_FAILURES=1``: the first run records each hostile page with its reason, the
control article and the page with a stray NUL byte are archived, and the next two runs fetch
nothing but robots.txt and the listings. Sitemaps that are bombs, too long or nested without
end are recorded with their reason; 429/503 storms are retried after their Retry-After (at most
``NEWSBOT_RETRY_AFTER_MAX``), then recorded, and left alone by the next runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_newsbot

from newsbot.archive import Archive
from newsbot.extract.decode import looks_binary
from sitegen.hostile import LONG_PATH, HostileServer

MAX_SIZE = 5_000_000
RETRY_AFTER_MAX = 2
SITEMAP_MAX_URLS = 1_200  # more than a batch of the frontier gate (1,000)

#: path → (error kind, words its message must hold): written by hand, not read off the code.
EXPECTED = {
    "/big": ("body_too_large", "5000000"),
    "/big-stream": ("body_too_large", "5000000"),
    "/gzip-bomb": ("body_too_large", "5000000"),
    "/deflate-bomb": ("body_too_large", "5000000"),
    "/br-bomb": ("body_too_large", "5000000"),
    "/zstd-bomb": ("body_too_large", "5000000"),
    "/slow": ("timeout", "DOWNLOAD_TIMEOUT"),
    "/truncated": ("truncated", "closed before"),
    "/private/secret": ("robots", "robots.txt"),
    "/to-file": ("url_refused", "file:///etc/passwd"),
    "/to-data": ("url_refused", "data:"),
    "/to-ftp": ("url_refused", "ftp://"),
    "/to-long": ("url_too_long", "characters"),
    "/loop/3": ("redirect_loop", "redirects"),
    # A storm's row: the status and its text, the Retry-After the server sent, the tries.
    "/storm/429": ("http_429", "HTTP 429 Too Many Requests for"),
    "/storm/429-wait-1": ("http_429", "(Retry-After: 1; 2 tries)"),
    "/storm/503-wait-1": ("http_503", "HTTP 503 Service Unavailable for"),
    "/storm/429-ten-years": ("http_429", "Retry-After: 315360000;"),
    "/storm/503-year-9999": ("http_503", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT"),
    "/storm/429-huge-number": ("http_429", "Retry-After: 9999999999"),
    "/storm/503-negative": ("http_503", "Retry-After: -5"),
    "/storm/429-garbage": ("http_429", "Retry-After: soon, maybe"),
    "/storm/503-past-date": ("http_503", "2 tries"),
}
#: Hostile sitemaps: the bombs are recorded once (failed, they are not read again); the huge
#: sitemap and the endless chain of indexes by every run (read every run, as listings are).
HOSTILE_SITEMAPS = {
    "/sitemaps/bomb.xml.gz": ("body_too_large", "gzip file"),
    "/sitemaps/bomb-gzip.xml": ("body_too_large", "5000000"),
    "/sitemaps/bomb-deflate.xml": ("body_too_large", "5000000"),
    "/sitemaps/huge.xml": ("too_many_urls", f"NEWSBOT_SITEMAP_MAX_URLS ({SITEMAP_MAX_URLS})"),
    "/sitemaps/deep/5": ("sitemap_too_deep", "NEWSBOT_SITEMAP_DEPTH (4)"),
}
#: The sitemap bombs: failed, so not read again.
BOMBS = {"/sitemaps/bomb.xml.gz", "/sitemaps/bomb-gzip.xml", "/sitemaps/bomb-deflate.xml"}
#: What a run after the first may fetch: robots.txt and the discovery documents.
LISTINGS = {
    "/robots.txt",
    "/sitemap.xml",
    "/",
    "/sitemaps/pages.xml",
    "/sitemaps/to-bomb.xml",
    "/sitemaps/huge.xml",
    *(f"/sitemaps/deep/{n}" for n in range(1, 5)),
}
#: Storm pages → the least time between a try and its retry: Retry-After, capped.
RETRY_WAITS = {
    "/storm/429": 0,
    "/storm/429-wait-1": 1,
    "/storm/503-wait-1": 1,
    "/storm/429-ten-years": RETRY_AFTER_MAX,
    "/storm/503-year-9999": RETRY_AFTER_MAX,
    "/storm/429-huge-number": RETRY_AFTER_MAX,
    "/storm/503-negative": 0,
    "/storm/429-garbage": 0,
    "/storm/503-past-date": 0,
}


@dataclass
class Crawled:
    archive: Path
    base_url: str
    requests_per_run: list[list[str]]
    times_per_run: list[list[float]]
    outputs: list[str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    archive = tmp_path_factory.mktemp("hostile") / "hostile.db"
    runs: list[list[str]] = []
    times: list[list[float]] = []
    outputs = []
    with HostileServer(max_size=MAX_SIZE, slow_seconds=8, huge=SITEMAP_MAX_URLS + 50) as server:
        for _ in range(3):
            before = len(server.requests)
            result = run_newsbot(
                "crawl", "generic", "--base-url", server.base_url, "--archive", str(archive),
                "--quiet", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}", "-s", "DOWNLOAD_TIMEOUT=3",
                "-s", "NEWSBOT_MAX_FAILURES=1", "-s", "REDIRECT_MAX_TIMES=3",
                "-s", "RETRY_TIMES=1", "-s", f"NEWSBOT_RETRY_AFTER_MAX={RETRY_AFTER_MAX}",
                "-s", f"NEWSBOT_SITEMAP_MAX_URLS={SITEMAP_MAX_URLS}",
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            outputs.append(result.stdout)
            runs.append(server.requests[before:])
            times.append(server.request_times[before:])
        yield Crawled(archive, server.base_url, runs, times, outputs)


def errors_by_path(crawled: Crawled) -> dict[str, list[tuple[str, str]]]:
    db = sqlite3.connect(crawled.archive)
    found: dict[str, list[tuple[str, str]]] = {}
    for url, kind, message in db.execute("SELECT url, kind, message FROM errors ORDER BY id"):
        found.setdefault(url.removeprefix(crawled.base_url), []).append((kind, message))
    db.close()
    return found


def test_every_hostile_page_is_one_error_row_with_a_readable_reason(crawled: Crawled) -> None:
    found = errors_by_path(crawled)
    for path, (kind, words) in EXPECTED.items():
        assert [k for k, _ in found.get(path, [])] == [kind], (path, found.get(path))
        message = found[path][0][1]
        assert words in message, (path, message)
        assert "\n" not in message and len(message) < 400, (path, message)


def test_hostile_sitemaps_are_error_rows_with_a_readable_reason(crawled: Crawled) -> None:
    found = errors_by_path(crawled)
    for path, (kind, words) in HOSTILE_SITEMAPS.items():
        rows = found.get(path, [])
        assert rows and all(k == kind for k, _ in rows), (path, rows)
        assert len(rows) == (1 if path in BOMBS else 3), (path, rows)
        assert all(words in m and "\n" not in m and len(m) < 400 for _, m in rows), (path, rows)


def test_a_huge_sitemap_is_read_up_to_its_bound_and_an_endless_index_chain_ends(
    crawled: Crawled,
) -> None:
    first = crawled.requests_per_run[0]
    assert len([p for p in first if p.startswith("/many/")]) == SITEMAP_MAX_URLS
    db = sqlite3.connect(crawled.archive)
    many = db.execute("SELECT count(*) FROM frontier WHERE url LIKE '%/many/%'").fetchone()[0]
    db.close()
    assert many == SITEMAP_MAX_URLS  # recorded in batches, every one
    deep = sorted(p for run in crawled.requests_per_run for p in run if "/deep/" in p)
    # Four levels of index under /sitemap.xml, each run; the fifth is an error row.
    assert set(deep) == {f"/sitemaps/deep/{n}" for n in range(1, 5)}
    assert len(deep) == 4 * 3


def test_storms_are_tried_again_after_their_retry_after_capped(crawled: Crawled) -> None:
    paths, times = crawled.requests_per_run[0], crawled.times_per_run[0]
    for path, least in RETRY_WAITS.items():
        at = [t for p, t in zip(paths, times, strict=True) if p == path]
        assert len(at) == 2, (path, at)  # RETRY_TIMES=1
        # Only a lower bound: how much longer the retry took depends on the machine.
        assert at[1] - at[0] >= least - 0.05, (path, at[1] - at[0])
    found = errors_by_path(crawled)
    for path in RETRY_WAITS:
        # Its row says how often it was asked for, as the server's log does.
        assert ["2 tries" in message for _, message in found[path]] == [True], found[path]


def test_an_over_long_listed_url_is_an_error_row_not_a_silent_counter(crawled: Crawled) -> None:
    long_rows = [rows for path, rows in errors_by_path(crawled).items() if path.startswith("/long")]
    assert long_rows, "the over-long URL of the sitemap left no error row"
    assert all(kind == "url_too_long" for rows in long_rows for kind, _ in rows)
    assert not any(path.startswith("/long") for run in crawled.requests_per_run for path in run)


def test_the_good_pages_are_archived_the_stray_nul_one_too(crawled: Crawled) -> None:
    with Archive.open(crawled.archive, readonly=True) as archive:
        control = archive.articles.get(crawled.base_url + "/control")
        nul = archive.articles.get(crawled.base_url + "/nul")
    assert control is not None and "ferry" in control["text"].lower()
    assert nul is not None and "harbour wall" in nul["text"]
    found = errors_by_path(crawled)
    assert "/control" not in found and "/nul" not in found


def test_robots_blocks_are_a_frontier_state_and_not_due(crawled: Crawled) -> None:
    db = sqlite3.connect(crawled.archive)
    state, due_at = db.execute(
        "SELECT state, due_at FROM frontier WHERE url = ?",
        (crawled.base_url + "/private/secret",),
    ).fetchone()
    failed = dict(db.execute("SELECT url, failures FROM frontier WHERE state = 'failed'"))
    db.close()
    assert (state, due_at) == ("blocked", None)
    # The pages that gave no usable body count as failures, whatever status they answered.
    for path in ("/big", "/gzip-bomb", "/deflate-bomb", "/slow", "/truncated", *RETRY_WAITS):
        assert failed.get(crawled.base_url + path) == 1, path
    assert "/private/secret" not in crawled.requests_per_run[0]


def test_later_runs_fetch_nothing_that_failed(crawled: Crawled) -> None:
    first, *later = crawled.requests_per_run
    assert set(EXPECTED) - {"/private/secret"} <= set(first)
    for run in later:
        assert set(run) <= LISTINGS, sorted(set(run) - LISTINGS)
    # The sitemap names its over-long URL again every run: that error row comes once a run;
    # no page and no storm is recorded again.
    for output in crawled.outputs[1:]:
        assert "url_too_long 1" in output, output
        for kind in ("http_429", "http_503", "timeout", "truncated", "not_article", "robots"):
            assert kind not in output, output


def test_later_runs_do_not_read_a_sitemap_bomb_again(crawled: Crawled) -> None:
    for run in crawled.requests_per_run[1:]:
        assert not set(run) & BOMBS, sorted(set(run) & BOMBS)


def test_a_stray_nul_byte_is_text_and_many_are_binary() -> None:
    page = b"<!DOCTYPE html><html><head><title>x</title>\x00</head><body>" + b"<p>a</p>" * 200
    assert not looks_binary(page)
    assert looks_binary("<html><body>text</body></html>".encode("utf-16-le") * 20)
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64) + b"\xff" * 900)
    assert LONG_PATH.startswith("/long")
