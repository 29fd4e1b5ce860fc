"""The worker processes of the batch commands (``newsbot reextract``, ``newsbot import warc``):
chunks of pages out through pipes, what the workers made of them back, with no pickle and no
helper threads.

Each worker is ``python -c 'newsbot.batch_worker.main()'`` (without Scrapy), given the archive it
reads stored bodies from (read-only): chunks in on its stdin and answers out on its stdout, as
frames of :mod:`newsbot.frames` (a JSON document and raw bytes), in order. This process is not
on an event loop: :class:`BatchPool` writes the chunks and reads the answers (with ``select``,
never blocking on one worker while another waits to be read) whenever its caller submits a
chunk or asks for an answer.

A worker that dies costs the chunk it was working on (:class:`WorkerError`, with the reason),
never the chunks queued behind it; one still on a chunk long past its pages' time limit (stuck
where its own alarm cannot reach) is killed as if it had timed out. A pool whose workers cannot
even start raises :class:`PoolError`. No worker outlives the command: the pool kills and reaps
them as it closes (an error, a Ctrl-C), and a command killed with SIGKILL takes them with it
(see :func:`newsbot.worker.init_worker`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from newsbot.frames import HEADER, FrameError, decode
from newsbot.pool import describe_exit
from newsbot.worker import TIMEOUT_REASON

#: Chunks sent to a worker ahead of its answers: one it works on, the rest waiting in its pipe.
AHEAD = 3
_PIPE_SIZE = 1 << 20  # Linux F_SETPIPE_SZ: a chunk's answer fits in the pipe (default 64 KB)
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
_READ = 1 << 20
# Extraction has no Scrapy in it; hiding it keeps itemadapter from importing it just in case.
# (Not niced, unlike the crawl's workers: here the workers are the command's work, and this
# process only writes what they make.)
_WORKER_MAIN = (
    "import sys; sys.modules['scrapy'] = None; import newsbot.batch_worker as b; b.main()"
)


class WorkerError(Exception):
    """A chunk no worker could finish: its worker died or hung (the reason)."""


class PoolError(Exception):
    """No worker can start or stay up: nothing will go better with the next one."""


@dataclass
class Ticket:
    """A chunk submitted, and once a worker answered, its frame (or why it failed)."""

    frame: bytes
    #: Pages in it, and the seconds each may take (0: no limit).
    pages: int
    seconds: float
    answer: tuple[dict[str, Any], bytes] | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    stdin: int
    stdout: int
    ready: bool = False
    #: Chunks sent, in order: the first is the one the worker is on.
    tickets: deque[Ticket] = field(default_factory=deque)
    #: Bytes still to write into its stdin.
    outgoing: bytearray = field(default_factory=bytearray)
    incoming: bytearray = field(default_factory=bytearray)
    #: When the first chunk became the one the worker is on.
    since: float = 0.0
    #: Why the pool killed it (the reason its chunk gets), if it did.
    killed: str | None = None


class BatchPool:
    """``workers`` processes reading stored bodies from the archive at ``path`` (if any).
    ``grace``: seconds past a chunk's time limit (its pages' limits added up) before its
    worker is killed. Use it as a context manager: the workers end with the block (killed at
    once when it ends with an exception)."""

    def __init__(self, workers: int, path: Path | None = None, grace: float = 10.0) -> None:
        if workers < 1:
            raise ValueError(f"a pool needs at least one worker, not {workers}")
        self.path = "" if path is None else str(path)
        self.grace = grace
        self.workers: list[_Worker] = []
        self.pending: deque[Ticket] = deque()
        self.broken: str | None = None
        for _ in range(workers):
            self._start()

    def __enter__(self) -> BatchPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(at_once=kind is not None)

    def submit(self, frame: bytes, pages: int, seconds: float) -> Ticket:
        """Hand out a chunk (a frame of :mod:`newsbot.frames`) of ``pages`` pages, each
        allowed ``seconds``; its answer is :meth:`result`."""
        ticket = Ticket(frame, pages, seconds)
        self.pending.append(ticket)
        self._pump(0)
        return ticket

    def answered(self, ticket: Ticket) -> bool:
        """Whether the chunk's answer is in (without waiting for it)."""
        self._pump(0)
        return ticket.done

    def result(self, ticket: Ticket) -> tuple[dict[str, Any], bytes]:
        """The worker's answer to a chunk (its document and payload), once it comes. Raises
        :class:`WorkerError` when its worker died or hung on it, :class:`PoolError` when no
        worker can work."""
        while not ticket.done:
            if not self.workers:  # (every chunk out has its answer or its reason by now)
                self._break(self.broken or "extraction failed: no worker left")
                ticket.error = ticket.error or self.broken
            self._pump(1.0)
        if ticket.answer is None:
            raise (PoolError if ticket.error == self.broken else WorkerError)(ticket.error)
        return ticket.answer

    def close(self, *, at_once: bool = False, timeout: float = 10.0) -> None:
        """End the workers: each leaves once it has read the end of its chunks (killed after
        ``timeout``, or at once with ``at_once``). Returns when no worker process is left."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                os.close(worker.stdin)
            if at_once:
                worker.process.kill()
        deadline = time.monotonic() + timeout
        for worker in self.workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            with contextlib.suppress(OSError):
                os.close(worker.stdout)
        self.workers = []
        self._fail_pending("extraction failed: the command was ending")

    # --- workers ------------------------------------------------------------------------------

    def _start(self) -> None:
        """Start a worker; when the system refuses (no memory, no file descriptors) and none
        is left, every chunk gets the reason instead."""
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (root, env.get("PYTHONPATH"))))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_MAIN, str(os.getpid()), self.path],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                # Its own process group: a Ctrl-C at the terminal is this process's to handle.
                process_group=0,
            )
        except OSError as exc:
            if not self.workers:
                self._break(f"extraction failed: cannot start a worker ({exc})")
            return
        assert process.stdin is not None and process.stdout is not None
        # The pool owns the pipes' descriptors (the file objects would close them too).
        stdin, stdout = os.dup(process.stdin.fileno()), os.dup(process.stdout.fileno())
        process.stdin.close()
        process.stdout.close()
        for fd in (stdin, stdout):
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_SIZE)
            os.set_blocking(fd, False)
        self.workers.append(_Worker(process, stdin, stdout))

    def _pump(self, timeout: float) -> None:
        """Hand out waiting chunks, write and read what the pipes take and give, for at most
        ``timeout`` seconds when nothing moves."""
        self._dispatch()
        readers = [w.stdout for w in self.workers]
        writers = [w.stdin for w in self.workers if w.outgoing]
        if not readers:
            return
        readable, writable, _ = select.select(readers, writers, [], timeout)
        for worker in list(self.workers):
            if worker.stdin in writable:
                self._write(worker)
            if worker.stdout in readable:
                self._read(worker)
        self._watch()
        self._dispatch()

    def _dispatch(self) -> None:
        """Send waiting chunks to the workers with the fewest chunks ahead of them."""
        while self.pending:
            open_ = [w for w in self.workers if w.killed is None]
            worker = min(open_, key=lambda w: len(w.tickets), default=None)
            if worker is None or len(worker.tickets) >= AHEAD:
                return
            ticket = self.pending.popleft()
            if not worker.tickets:
                worker.since = time.monotonic()
            worker.tickets.append(ticket)
            worker.outgoing += ticket.frame
            self._write(worker)

    def _write(self, worker: _Worker) -> None:
        try:
            written = os.write(worker.stdin, worker.outgoing[:_PIPE_SIZE])
        except BlockingIOError:
            return
        except OSError:  # it died: its output ends, and _read says why
            worker.outgoing.clear()
            return
        del worker.outgoing[:written]

    def _read(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.stdout, _READ)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost(worker)
            return
        buffer = worker.incoming
        buffer += data
        while len(buffer) >= HEADER.size:
            size, length = HEADER.unpack_from(buffer)
            end = HEADER.size + size + length
            if len(buffer) < end:
                return
            try:
                document = decode(bytes(buffer[HEADER.size : HEADER.size + size]))
            except FrameError as exc:  # not talking the protocol: no answer will come
                worker.killed = f"extraction failed: its worker {exc}"
                worker.process.kill()
                return
            payload = bytes(buffer[HEADER.size + size : end])
            del buffer[:end]
            if not worker.ready:
                worker.ready = document.get("ready") is True
                worker.since = time.monotonic()  # (its time limits count from now)
                continue
            ticket = worker.tickets.popleft()
            ticket.answer = (document, payload)
            ticket.frame = b""  # (kept until now to hand it to another worker if this one died)
            worker.since = time.monotonic()

    def _lost(self, worker: _Worker) -> None:
        """A worker's output ended: it exited or was killed."""
        self.workers.remove(worker)
        for fd in (worker.stdin, worker.stdout):
            with contextlib.suppress(OSError):
                os.close(fd)
        worker.process.kill()  # (its output is closed: it is leaving anyway)
        code = worker.process.wait()
        if not worker.ready and self.broken is None:
            self._break(f"extraction failed: no worker can start ({describe_exit(code)})")
        if worker.tickets:
            ticket = worker.tickets.popleft()
            why = worker.killed or f"extraction failed: its worker died ({describe_exit(code)})"
            ticket.error = self.broken or why
            # The chunks queued behind it were never started: another worker takes them.
            self.pending.extendleft(reversed(worker.tickets))
            worker.tickets.clear()
        if self.broken is not None:
            self._fail_pending(self.broken)
        else:
            self._start()

    def _watch(self) -> None:
        """Kill a worker whose chunk has run far past its pages' time limits."""
        now = time.monotonic()
        for worker in self.workers:
            if not worker.tickets or not worker.ready or worker.killed is not None:
                continue
            ticket = worker.tickets[0]
            if (
                ticket.seconds > 0
                and now - worker.since > ticket.pages * ticket.seconds + self.grace
            ):
                worker.killed = f"{TIMEOUT_REASON} {ticket.seconds:g} s (its worker was killed)"
                worker.process.kill()

    def _break(self, reason: str) -> None:
        self.broken = reason
        self._fail_pending(reason)

    def _fail_pending(self, reason: str) -> None:
        while self.pending:
            self.pending.popleft().error = reason
