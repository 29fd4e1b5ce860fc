"""Every fetch outcome is a capture or an error row with a reason a person can read (issue 13).

The project's hostile server (newsbot.demo.hostile) is crawled for real, three times, with
``NEWSBOT_MAX_FAILURES=1``: the first run records each hostile page with its reason, the
control article and the page with a stray NUL byte are archived, and the next two runs fetch
nothing but robots.txt and the listings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_newsbot

from newsbot.archive import Archive
from newsbot.demo.hostile import LONG_PATH, HostileServer
from newsbot.extract.decode import looks_binary

MAX_SIZE = 1_000_000

#: path → (error kind, words its message must hold): written by hand, not read off the code.
EXPECTED = {
    "/big": ("body_too_large", "1000000"),
    "/big-stream": ("body_too_large", "1000000"),
    "/gzip-bomb": ("body_too_large", "1000000"),
    "/deflate-bomb": ("body_too_large", "1000000"),
    "/br-bomb": ("body_too_large", "1000000"),
    "/zstd-bomb": ("body_too_large", "1000000"),
    "/slow": ("timeout", "DOWNLOAD_TIMEOUT"),
    "/truncated": ("truncated", "closed before"),
    "/private/secret": ("robots", "robots.txt"),
    "/to-file": ("url_refused", "file:///etc/passwd"),
    "/to-data": ("url_refused", "data:"),
    "/to-ftp": ("url_refused", "ftp://"),
    "/to-long": ("url_too_long", "characters"),
    "/loop/3": ("redirect_loop", "redirects"),
}
#: What a run after the first may fetch: robots.txt and the discovery documents.
LISTINGS = {"/robots.txt", "/sitemap.xml", "/"}


@dataclass
class Crawled:
    archive: Path
    base_url: str
    requests_per_run: list[list[str]]
    outputs: list[str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    archive = tmp_path_factory.mktemp("hostile") / "hostile.db"
    runs: list[list[str]] = []
    outputs = []
    with HostileServer(max_size=MAX_SIZE, slow_seconds=5) as server:
        for _ in range(3):
            before = len(server.requests)
            result = run_newsbot(
                "crawl", "generic", "--base-url", server.base_url, "--archive", str(archive),
                "--quiet", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}", "-s", "DOWNLOAD_TIMEOUT=1",
                "-s", "NEWSBOT_MAX_FAILURES=1", "-s", "REDIRECT_MAX_TIMES=3",
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            outputs.append(result.stdout)
            runs.append(server.requests[before:])
        yield Crawled(archive, server.base_url, runs, outputs)


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


def test_an_over_long_listed_url_is_an_error_row_not_a_silent_counter(crawled: Crawled) -> None:
    long_rows = [rows for path, rows in errors_by_path(crawled).items() if path.startswith("/long")]
    assert long_rows, "the over-long URL of the sitemap left no error row"
    assert all(kind == "url_too_long" for rows in long_rows for kind, _ in rows)
    assert not any(path.startswith("/long") for run in crawled.requests_per_run for path in run)


def test_the_good_pages_are_archived_the_stray_nul_one_too(crawled: Crawled) -> None:
    with Archive.open(crawled.archive, readonly=True) as archive:
        control = archive.get_article(crawled.base_url + "/control")
        nul = archive.get_article(crawled.base_url + "/nul")
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
    for path in ("/big", "/gzip-bomb", "/deflate-bomb", "/slow", "/truncated"):
        assert failed.get(crawled.base_url + path) == 1, path
    assert "/private/secret" not in crawled.requests_per_run[0]


def test_later_runs_fetch_nothing_that_failed(crawled: Crawled) -> None:
    first, *later = crawled.requests_per_run
    assert set(EXPECTED) - {"/private/secret"} <= set(first)
    for run in later:
        assert set(run) <= LISTINGS, sorted(set(run) - LISTINGS)
    # The sitemap names its over-long URL again every run: that error row comes once a run;
    # nothing else is recorded again.
    for output in crawled.outputs[1:]:
        assert "1 error (url_too_long 1)" in output, output


def test_a_stray_nul_byte_is_text_and_many_are_binary() -> None:
    page = b"<!DOCTYPE html><html><head><title>x</title>\x00</head><body>" + b"<p>a</p>" * 200
    assert not looks_binary(page)
    assert looks_binary("<html><body>text</body></html>".encode("utf-16-le") * 20)
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64) + b"\xff" * 900)
    assert LONG_PATH.startswith("/long")
