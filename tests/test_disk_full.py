"""Storage faults (issue 13): a crawl whose disk fills up ends honestly and loses nothing.

Each case crawls the demo site into an archive on a small tmpfs and fills that tmpfs with a
file once the archive holds a (seeded) random number of pages: the crawl must exit non-zero
and say what it could not save, without a traceback, and leave an archive ``newsbot check``
finds intact. Once the file is deleted, a second crawl must end with the very articles of a
clean crawl of the same site into an ordinary folder.

Mounting a tmpfs needs root (CI runs as root); elsewhere these tests are skipped.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, run_newsbot

from sitegen import DemoServer

#: The tmpfs: room for a whole crawl of the demo site (about 3 MiB, its write-ahead log
#: more) and little else, so that the filler fills it in a moment.
DISK_SIZE = "24m"
#: One edition of the demo site (24 pages fetched, 13 of them articles): a crawl of it takes
#: a second or two.
EDITIONS = "en"
#: Moments of the crawl at which the disk fills: once the archive holds this many pages. In
#: the first half of the crawl, so that what is left does not fit in the space SQLite already
#: holds (its write-ahead log): filled later, a crawl may rightly save everything.
MOMENTS = sorted(random.Random(13).sample(range(1, 13), 5))
ARTICLE_COLUMNS = "canonical_url, title, text"


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs these tests as root)")
    folder = tmp_path_factory.mktemp("small_disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer) -> Path:
    """A crawl of the same edition into an ordinary folder."""
    archive = tmp_path_factory.mktemp("clean") / "clean.db"
    _crawl(demo_server.base_url, archive)
    return archive


def _crawl(base_url: str, archive: Path) -> subprocess.CompletedProcess[str]:
    result = run_newsbot(
        "crawl", "euronews", "--base-url", base_url, "--editions", EDITIONS,
        "--archive", str(archive), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _articles(archive: Path) -> set[tuple[str, str, str]]:
    with contextlib.closing(sqlite3.connect(archive)) as db:
        return set(db.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles"))


def _outcomes(archive: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Every URL's frontier state, and the (URL, kind) of every error row."""
    with contextlib.closing(sqlite3.connect(archive)) as db:
        states = set(db.execute("SELECT url, state FROM frontier"))
        errors = set(db.execute("SELECT url, kind FROM errors"))
    return states, errors


def _captures(archive: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT COUNT(*) FROM captures").fetchone()[0])
    except sqlite3.Error:  # not created (or not migrated) yet
        return 0


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with one file, and return the file."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for chunk in (1 << 20, 1 << 12, 1):
            block = b"\0" * chunk
            while True:
                try:
                    out.write(block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return filler


def _crawl_until_full(
    base_url: str, archive: Path, disk: Path, pages: int, *options: str
) -> subprocess.CompletedProcess[str]:
    """Crawl into ``archive`` and fill ``disk`` once the archive holds ``pages`` pages."""
    command = [
        sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", base_url,
        "--editions", EDITIONS, "--archive", str(archive), "--quiet", *options,
    ]  # fmt: skip
    crawler = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        while _captures(archive) < pages:
            assert crawler.poll() is None, f"the crawl ended before {pages} pages were saved"
            time.sleep(0.01)  # polling, not timing: nothing is asserted about when
        _fill(disk)
        stdout, stderr = crawler.communicate(timeout=120)
    finally:
        if crawler.poll() is None:
            crawler.kill()
            crawler.wait()
    return subprocess.CompletedProcess(command, crawler.returncode, stdout, stderr)


def _statuses(archive: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(archive)) as db:
        return [status for (status,) in db.execute("SELECT status FROM crawl_runs ORDER BY id")]


@pytest.mark.parametrize("pages", MOMENTS)
def test_a_crawl_on_a_full_disk_fails_honestly_and_the_next_one_completes(
    small_disk: Path, demo_server: DemoServer, clean: Path, pages: int
) -> None:
    archive = small_disk / f"at-{pages}.db"
    as_json = pages == MOMENTS[0]  # one of them says it in JSON, the others in their line
    try:
        full = _crawl_until_full(
            demo_server.base_url, archive, small_disk, pages, *(["--json"] if as_json else [])
        )
        assert full.returncode == 1, full.stdout + full.stderr
        assert "Traceback" not in full.stderr, full.stderr
        (status,) = _statuses(archive)
        if as_json:
            summary = json.loads(full.stdout)
            assert (summary["status"], summary["ok"]) == ("failed", False)
            assert sum(summary["not_saved"].values()) > 0, summary
            assert "database or disk is full" in summary["failure"]
            assert summary["run_recorded"] is (status == "failed")
        else:
            assert full.stdout.startswith("crawl failed in "), full.stdout
            assert "not saved, due again next run" in full.stdout, full.stdout
            assert "database or disk is full" in full.stdout, full.stdout
            if status == "running":  # not even the run's end could be written: it says so
                assert "the run's end could not be written" in full.stdout, full.stdout
        assert status in ("failed", "running")
        if status == "failed":  # with its reason
            runs = run_newsbot("runs", "--archive", str(archive), "--json")
            (run,) = json.loads(runs.stdout)["runs"]
            assert "database or disk is full" in run["failure"], run
        checked = run_newsbot("check", "--archive", str(archive))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "intact" in checked.stdout
        stats = run_newsbot("stats", "--archive", str(archive))
        assert stats.returncode == 0 and "Traceback" not in stats.stderr, stats.stderr
        saved = _articles(archive)
    finally:
        (small_disk / "filler").unlink(missing_ok=True)

    try:
        _crawl(demo_server.base_url, archive)
        assert _articles(archive) == _articles(clean)
        assert saved <= _articles(archive)  # nothing saved before the disk filled was lost
        # Every page fetched or refused, every failure recorded, as in the clean crawl.
        assert _outcomes(archive) == _outcomes(clean)
        # A run that could not write its end is ended by the next crawl.
        assert _statuses(archive) == [
            "failed" if status == "failed" else "interrupted",
            "finished",
        ]
    finally:
        for leftover in small_disk.glob(f"{archive.name}*"):
            leftover.unlink()
