"""The crawl lock: one crawl at a time writes to an archive; readers never wait for it.

An exclusive, non-blocking ``flock`` on a sidecar file ``<archive>.lock`` that holds the pid of
the crawl. The operating system drops the lock when the holder's last descriptor closes, so a
crawl that exits, crashes or is killed with SIGKILL never leaves a stale lock behind, and no
lock file ever needs cleaning up by hand.

SQLite alone would let two crawls interleave their transactions safely, but each would fetch and
schedule the same URLs; the lock turns the second crawl away before it starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import Self

from newsbot.archive.records import ArchiveError

#: Appended to the archive's file name to name its lock file.
LOCK_SUFFIX = ".lock"


def lock_path(archive_path: str | Path) -> Path:
    """The lock file of the archive at ``archive_path``: ``<archive>.lock`` beside it."""
    archive_path = Path(archive_path)
    return archive_path.with_name(archive_path.name + LOCK_SUFFIX)


class CrawlLock:
    """The crawl lock of one archive, held until :meth:`release` or the process ends.

    A context manager: ``with crawl_lock(path): …`` releases it on the way out.
    """

    def __init__(self, archive_path: Path, fd: int) -> None:
        self.archive_path = archive_path
        self.path = lock_path(archive_path)
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up. Safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Emptied before unlocking: once unlocked, the file belongs to the next holder.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the only descriptor drops the flock

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<CrawlLock {self.path}{'' if self.held else ' (released)'}>"


def crawl_lock(archive_path: str | Path) -> CrawlLock:
    """Take the crawl lock of the archive at ``archive_path`` without waiting.

    Raises :class:`ArchiveError` ``"<archive> is being crawled by another process (pid N)"``
    when another crawl holds it (also one in this same process), or ``"cannot lock archive at
    …: <reason>"`` when the lock file cannot be created. Creates the archive's folder if
    needed, never the archive. The descriptor is not inherited by programs the crawl starts;
    a child made by a bare ``fork`` shares the lock until it exits.
    """
    archive_path = Path(archive_path)
    path = lock_path(archive_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise ArchiveError(f"cannot lock archive at {archive_path}: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_pid(fd)
        os.close(fd)
        raise ArchiveError(
            f"{archive_path} is being crawled by another process (pid {holder or 'unknown'})"
        ) from None
    except OSError as exc:
        os.close(fd)
        raise ArchiveError(f"cannot lock archive at {archive_path}: {exc.strerror or exc}") from exc
    # Written in place, then cut: a reader sees the old or the new pid on the first line,
    # never an empty file.
    data = f"{os.getpid()}\n".encode()
    # On a full disk the lock holds all the same, only its holder goes unnamed.
    with contextlib.suppress(OSError):
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    return CrawlLock(archive_path, fd)


def _read_pid(fd: int) -> int | None:
    try:
        first = os.pread(fd, 64, 0).split(b"\n", 1)[0].strip()
        return int(first) if first else None
    except (OSError, ValueError):
        return None
