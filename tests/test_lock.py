"""The crawl lock: a second crawl on one archive is refused, readers are not, a dead crawl
never leaves the archive locked. Holders run as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

from newsbot.archive import Archive, ArchiveError, crawl_lock
from newsbot.items import Capture

# Takes the lock, says so, and holds it until its stdin closes.
HOLDER = """
import sys
from newsbot.archive import Archive
with Archive.open(sys.argv[1]) as archive, archive.crawl_lock():
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "archive" / "newsbot.db"
    with Archive.open(path) as archive:
        archive.save_capture(
            Capture(
                url="https://e.com/a",
                final_url="https://e.com/a",
                status=200,
                headers=[],
                body=b"<p>a</p>",
                fetched_at="2026-11-25T09:00:00+00:00",
                site="e",
            ),
            run_id=None,
        )
    return path


@pytest.fixture
def holder(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the crawl lock of ``path``."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "locked\n"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_a_second_crawl_is_refused_with_the_pid_of_the_first(
    path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(ArchiveError) as error:
        crawl_lock(path)

    assert str(error.value) == f"{path} is being crawled by another process (pid {holder.pid})"


def test_the_lock_is_free_again_when_the_holder_exits(
    path: Path, holder: subprocess.Popen[str]
) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait() == 0

    with crawl_lock(path) as lock:
        assert lock.held
        assert lock.path.read_text() == f"{os.getpid()}\n"


def test_the_lock_is_free_again_when_the_holder_is_killed(
    path: Path, holder: subprocess.Popen[str]
) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    assert holder.wait() == -signal.SIGKILL

    with Archive.open(path) as archive, archive.crawl_lock():
        assert archive.stats().captures == 1


def test_the_archive_can_be_read_while_a_crawl_holds_the_lock(
    path: Path, holder: subprocess.Popen[str]
) -> None:
    with Archive.open(path, readonly=True) as reader:
        assert reader.stats().captures == 1
        assert reader.captures.get(1).body == b"<p>a</p>"
    assert holder.poll() is None  # and the crawl still holds it


def test_a_second_lock_in_the_same_process_is_refused_until_released(path: Path) -> None:
    lock = crawl_lock(path)
    with pytest.raises(ArchiveError, match=rf"\(pid {os.getpid()}\)"):
        crawl_lock(path)

    lock.release()
    lock.release()  # twice is fine

    with crawl_lock(path):
        pass
    assert lock_file(path).read_text() == ""  # a released lock names no one


def test_the_lock_can_be_taken_before_the_archive_exists(tmp_path: Path) -> None:
    path = tmp_path / "new" / "newsbot.db"

    with crawl_lock(path), Archive.open(path) as archive:
        assert archive.stats().captures == 0


def test_a_lock_that_cannot_be_created_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("I am a file")

    with pytest.raises(ArchiveError) as error:
        crawl_lock(tmp_path / "afile" / "newsbot.db")

    assert str(error.value).startswith(
        f"cannot lock archive at {tmp_path / 'afile' / 'newsbot.db'}: "
    )


def lock_file(path: Path) -> Path:
    return path.with_name(path.name + ".lock")
