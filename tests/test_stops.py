"""Stopping a crawl (issue 13): one Ctrl-C or SIGTERM lets the pages in flight finish, a second
stops at once; either way the run is recorded as interrupted, the summary counts what was
saved, the exit code says which signal (130 Ctrl-C, 143 SIGTERM) and no extraction worker
outlives the crawler.

Each case crawls a generated site served with a second of latency per page, in a real
``newsbot crawl`` subprocess, and signals it once the archive holds its first article pages.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

from sitegen import DemoServer, GeneratedSite

PAGES = 300


@pytest.fixture(scope="module")
def slow_site() -> Iterator[DemoServer]:
    site = GeneratedSite(PAGES)
    with DemoServer(site, latency=1.0) as server:
        for article in site.articles:  # rendered now: the crawl waits on latency, not rendering
            site.respond(article.path, server.base_url)
        yield server


def _count(archive: Path, sql: str) -> int:
    if not archive.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as db:
            return int(db.execute(sql).fetchone()[0] or 0)
    except sqlite3.OperationalError:  # not created yet
        return 0


def _workers(pid: int) -> set[int]:
    """The crawler's extraction workers: its children running newsbot.worker."""
    found = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for child in map(int, pids):
            if "newsbot.worker" in _cmdline(child):
                found.add(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie (the same worker: its command line)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and "newsbot.worker" in _cmdline(pid)


def _stop(base_url: str, archive: Path, log: Path, signals: list[int]) -> tuple[int, str, set[int]]:
    """Crawl, send ``signals`` once article pages are being archived (each after the crawler
    said it took the one before), and return the exit code, stdout and the workers seen."""
    command = [
        sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", base_url,
        "--editions", "de,en,fr", "--archive", str(archive), "-q",
        "-s", f"LOG_FILE={log}", "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    crawler = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        while _count(archive, "SELECT COUNT(*) FROM articles") < 10:
            assert crawler.poll() is None, "the crawl ended before it was signalled"
            workers |= _workers(crawler.pid)
            time.sleep(0.05)  # polling, not timing: nothing is asserted about when
        workers |= _workers(crawler.pid)
        for number, signum in enumerate(signals, 1):
            crawler.send_signal(signum)
            # Python runs a handler once for signals that arrive together: wait for this one.
            said = f"Received {signal.Signals(signum).name}"
            while crawler.poll() is None and log.read_text().count(said) < number:
                time.sleep(0.05)
        stdout, _ = crawler.communicate(timeout=120)
    finally:
        if crawler.poll() is None:
            crawler.kill()
            crawler.wait()
    return crawler.returncode, stdout, workers


def _summary_counts(line: str) -> tuple[int, int]:
    found = re.search(r"(\d+) fetched .* (\d+) new and", line)
    assert found, line
    return int(found[1]), int(found[2])


@pytest.mark.parametrize(
    ("signals", "code"),
    [
        ([signal.SIGINT], 130),
        ([signal.SIGINT, signal.SIGINT], 130),
        ([signal.SIGTERM], 143),
        ([signal.SIGTERM, signal.SIGTERM], 143),
    ],
    ids=["ctrl-c", "ctrl-c-twice", "sigterm", "sigterm-twice"],
)
def test_a_stopped_crawl_is_recorded_as_interrupted(
    slow_site: DemoServer, tmp_path: Path, signals: list[int], code: int
) -> None:
    archive = tmp_path / "stopped.db"
    returncode, stdout, workers = _stop(
        slow_site.base_url, archive, tmp_path / "crawl.log", signals
    )

    assert returncode == code, stdout
    assert workers, "no extraction worker seen while the crawl ran"
    # Reaped by the crawler itself: none left the moment it exited.
    assert not [pid for pid in workers if _alive(pid)]
    with sqlite3.connect(archive) as db:
        runs = db.execute("SELECT status, finished_at FROM crawl_runs").fetchall()
        captures = db.execute("SELECT COUNT(*) FROM captures WHERE status > 0").fetchone()[0]
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert len(runs) == 1
    assert runs[0][0] == "interrupted" and runs[0][1]
    assert stdout.startswith("crawl interrupted in ")
    # The summary counts what was saved, not zeros.
    assert _summary_counts(stdout) == (captures, articles)
    assert f"archive holds {articles} articles" in stdout
    assert 10 <= articles < PAGES  # stopped mid-crawl


def test_a_crawl_after_an_interrupted_one_takes_the_archive(
    slow_site: DemoServer, tmp_path: Path
) -> None:
    """A forced stop releases the archive's crawl lock: the next crawl runs and finishes the
    site, fetching only what the stopped one left."""
    archive = tmp_path / "resumed.db"
    _stop(slow_site.base_url, archive, tmp_path / "crawl.log", [signal.SIGINT, signal.SIGINT])
    before = _count(archive, "SELECT COUNT(*) FROM articles")
    again = subprocess.run(
        [sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", slow_site.base_url,
         "--editions", "de,en,fr", "--archive", str(archive), "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert _count(archive, "SELECT COUNT(*) FROM articles") == PAGES
    assert _summary_counts(again.stdout)[1] == PAGES - before
