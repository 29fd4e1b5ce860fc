"""WAL checkpoints on a thread of their own, so that a crawl's writes never wait for fsync.

In WAL mode SQLite copies the log back into the database file (a checkpoint) every thousand
pages or so, inside whichever commit crosses that line, and fsyncs the file. With the crawl's
event loop doing the writing, that froze fetching and the feeding of the extraction workers for
tens of milliseconds at a time. A crawl's archive turns the automatic checkpoints of its
connection off and runs them here instead, on a connection of this thread: PASSIVE, so they
never wait for or block the writer or any reader (sqlite3 lets go of the GIL while it works).
Durability is unchanged: commits reach the log exactly as before, and the log is fsynced by the
checkpoint that copies it, as before, only on another thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

logger = logging.getLogger(__name__)


class Checkpointer:
    """Checkpoints the WAL of ``path`` every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, path: Path, interval: float = 0.5) -> None:
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"checkpoint {path.name}", daemon=True
        )

    def start(self, writer: sqlite3.Connection) -> None:
        """Take over the checkpoints of ``writer`` (its own automatic ones stop)."""
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        self._thread.start()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and end the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=5, check_same_thread=True)
        except sqlite3.Error as exc:  # the writer's own checkpoint at close still happens
            logger.warning("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while not self._stop.wait(self.interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:
                    logger.debug("checkpoint of %s skipped: %s", self.path, exc)
        finally:
            conn.close()
