"""Quiet crawls (issue 13): a crawl of a site that refuses every connection says so in its one
summary line, with no traceback and no Scrapy line on stderr; connections that failed are
errors, not fetches; the full detail is in the log file when one is named."""

from __future__ import annotations

import logging
import socket
import sqlite3
from pathlib import Path

import pytest
from conftest import run_newsbot

from newsbot.cli.crawl import one_line_per_kind


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed: refused from then on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _crawl(port: int, archive: Path, *extra: str) -> tuple[int, list[str], list[str]]:
    result = run_newsbot(
        "crawl", "euronews", "--base-url", f"http://127.0.0.1:{port}", "--editions", "de,en,fr",
        "--archive", str(archive), *extra,
    )  # fmt: skip
    return result.returncode, result.stdout.splitlines(), result.stderr.splitlines()


@pytest.mark.parametrize("flags", [["-q"], []], ids=["quiet", "default-not-a-terminal"])
def test_an_unreachable_site_is_one_line(
    closed_port: int, tmp_path: Path, flags: list[str]
) -> None:
    archive = tmp_path / "unreachable.db"
    code, stdout, stderr = _crawl(closed_port, archive, *flags)

    assert code == 1
    assert stderr == []
    assert len(stdout) == 1
    line = stdout[0]
    assert line.startswith("crawl unreachable in ")
    # Not one page answered: nothing was fetched, every attempt is an error of its kind.
    assert " 0 fetched " in line
    with sqlite3.connect(archive) as db:
        refused = db.execute(
            "SELECT COUNT(*) FROM errors WHERE kind = 'connection_refused'"
        ).fetchone()[0]
        status = db.execute("SELECT status FROM crawl_runs").fetchone()[0]
    assert refused > 0
    assert f"{refused} errors (connection_refused {refused})" in line
    assert status == "unreachable"


def test_the_log_file_holds_the_detail(closed_port: int, tmp_path: Path) -> None:
    archive, log = tmp_path / "unreachable.db", tmp_path / "crawl.log"
    code, stdout, stderr = _crawl(closed_port, archive, "-q", "--log-file", str(log))

    assert code == 1 and len(stdout) == 1 and stderr == []
    detail = log.read_text(encoding="utf-8")
    assert "Connection refused" in detail
    assert "Spider closed (finished)" in detail  # Scrapy's INFO lines, its stats with them
    assert f"127.0.0.1:{closed_port}/robots.txt" in detail

    # Appended to, run after run.
    _crawl(closed_port, archive, "-q", "--log-file", str(log))
    assert log.read_text(encoding="utf-8").count("Spider closed (finished)") == 2


def test_warnings_are_one_line_per_kind(capsys: pytest.CaptureFixture[str]) -> None:
    """What reaches stderr while a crawl runs: the first warning or error of each kind in one
    line, no traceback; Scrapy's lines about a page it could not fetch (an error row) not."""
    log = logging.getLogger("newsbot.spiders.site")
    with one_line_per_kind():
        for url in ("https://a.test/1.xml", "https://a.test/2.xml"):
            log.warning("unreadable sitemap %s: %s", url, "not XML")
        try:
            raise ConnectionRefusedError("Connection refused")
        except ConnectionRefusedError:
            logging.getLogger("twisted").exception("Unhandled error in Deferred:")
            logging.getLogger("scrapy.downloadermiddlewares.retry").exception(
                "Gave up retrying %s", "<GET https://a.test/>"
            )
        log.info("fetched %s", "https://a.test/")
    log.warning("unreadable sitemap %s: %s", "https://a.test/3.xml", "after the crawl")

    assert capsys.readouterr().err.splitlines() == [
        "warning: unreadable sitemap https://a.test/1.xml: not XML",
        "error: Unhandled error in Deferred:",
    ]
