"""The extraction pool: worker processes fed and read by the crawler's event loop itself.

No Scrapy, no helper threads. :class:`concurrent.futures.ProcessPoolExecutor` moves jobs and
results through two threads of the crawler process and keeps at most one job queued per worker;
while the event loop holds the GIL those threads wait, the workers run dry and extraction falls
behind the downloads. Here the loop writes each job straight into a worker's pipe (enlarged, so
that the next page is already waiting there when the worker finishes one) and reads the results
as they come.

Each worker is ``python -c 'newsbot.worker.main()'`` (without Scrapy): frames of
:mod:`newsbot.frames` (a JSON document and the body's raw bytes; no pickle) in on its stdin,
out on its stdout, one job at a time, results in order. A worker
that dies costs the page
it was working on (that page gets the reason), never the pages queued behind it; a worker that
stops answering for longer than a page's time limit plus a grace period is killed as if it had
timed out. A pool whose workers cannot even start fails every page with the reason at once
instead of starting workers forever. Workers read a user's site profiles from the folders the
pool is given (``NEWSBOT_PROFILES`` in their environment), the crawler's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.frames import HEADER, DictionaryRef, FrameError, decode, job_frame, read_answer
from newsbot.items import Capture
from newsbot.sites.registry import PROFILES_VARIABLE
from newsbot.worker import TIMEOUT_REASON, Done

logger = logging.getLogger(__name__)

#: Pages sent to a worker ahead of its answers: one it works on, the rest waiting in its pipe.
AHEAD = 16
_PIPE_SIZE = 1 << 20  # Linux F_SETPIPE_SZ: a whole page fits in the pipe (default 64 KB)
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
# Workers run at a lower priority than the crawler, whose event loop fetches and archives for
# all of them, from their first instruction (their imports take half a second of CPU). They
# never need Scrapy (extraction has no Scrapy in it); hiding it keeps itemadapter from
# importing it just in case, a fifth of a worker's start-up.
_WORKER_MAIN = (
    "import os, sys; os.nice(10); sys.modules['scrapy'] = None; "
    "import newsbot.worker as w; w.main()"
)


class WorkerError(Exception):
    """A page the pool could not extract: its worker died or hung, or no worker could start."""


@dataclass
class _Job:
    capture: Capture
    seconds: float
    future: asyncio.Future[Done]


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    reader: asyncio.StreamReader
    writer: asyncio.WriteTransport
    ready: bool = False
    #: Jobs sent, in order: the first is the one the worker is on.
    jobs: deque[_Job] = field(default_factory=deque)
    #: Loop time when the first job became the one the worker is on.
    since: float = 0.0
    #: Why the pool killed it (the reason its current page gets), if it did.
    killed: str | None = None
    task: asyncio.Task[None] | None = None


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class ExtractionPool:
    """``workers`` extraction processes for the running event loop. A page's extraction is
    :meth:`extract`; :meth:`close` ends the workers. ``grace``: seconds past a page's time limit
    before its worker is killed (its own SIGALRM should have stopped it long before).
    ``profile_dirs``: the folders of a user's site profiles the workers read (None: whatever
    ``NEWSBOT_PROFILES`` says in this process's environment). ``dictionaries``: the archive
    whose site dictionaries the workers compress bodies with, and each site's dictionary id
    (a worker reads a dictionary from the archive once)."""

    def __init__(
        self,
        workers: int,
        *,
        grace: float = 10.0,
        profile_dirs: Sequence[str | os.PathLike[str]] | None = None,
        dictionaries: tuple[str, Mapping[str, int]] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"an extraction pool needs at least one worker, not {workers}")
        self.size = workers
        self.grace = grace
        self.profile_dirs = (
            None if profile_dirs is None else os.pathsep.join(os.fspath(d) for d in profile_dirs)
        )
        self.dictionaries: dict[str, DictionaryRef] = {}
        if dictionaries is not None:
            path, ids = dictionaries
            self.dictionaries = {site: (path, number) for site, number in ids.items()}
        self.workers: list[_Worker] = []
        #: Every worker process started, from the moment it exists (for :meth:`kill`).
        self.processes: list[subprocess.Popen[bytes]] = []
        self.pending: deque[_Job] = deque()
        self.broken: str | None = None
        self.closing = False
        self._watchdog: asyncio.Task[None] | None = None
        self._started: asyncio.Task[None] | None = None

    # --- public -------------------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Start the workers (in the running event loop's background) if they are not starting
        yet; the first :meth:`extract` does it otherwise. A worker takes about half a second to
        import what extraction needs: started early, that overlaps the crawl's discovery."""
        if self._started is None:
            loop = asyncio.get_running_loop()
            self._started = loop.create_task(self._start_all(loop))
        return self._started

    async def extract(self, capture: Capture, seconds: float) -> Done:
        """What a worker made of the capture (:class:`~newsbot.worker.Done`), its extraction
        limited to ``seconds`` (0: none). Raises :class:`WorkerError` when no worker could."""
        if self.broken is not None:
            raise WorkerError(self.broken)
        await self.start()
        if self.broken is not None:
            raise WorkerError(self.broken)
        job = _Job(capture, seconds, asyncio.get_running_loop().create_future())
        self.pending.append(job)
        self._dispatch()
        return await job.future

    async def close(self, timeout: float = 10.0) -> None:
        """Let every worker finish what it was sent, then end it (killed after ``timeout``)."""
        self.closing = True
        if self._started is not None and not self._started.done():
            # (Starting them takes no time: their imports do. Their failure is the pages'.)
            await asyncio.gather(self._started, return_exceptions=True)
        if self._watchdog is not None:
            self._watchdog.cancel()
        for worker in self.workers:
            with contextlib.suppress(OSError, RuntimeError):
                worker.writer.close()  # end of jobs: the worker leaves when it reads it
            if not worker.jobs and worker.process.poll() is None:
                worker.process.kill()  # nothing to finish (it may still be starting)
        for worker in list(self.workers):
            if worker.task is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(worker.task), timeout)
            if worker.process.poll() is None:
                worker.process.kill()
            await _reap(worker.process)
        self._fail_pending("extraction failed: the crawl was closing")

    def kill(self) -> None:
        """End every worker now and reap it, without the event loop (which may be stopping):
        for a crawl stopped at once, whose pages in flight are given up. Returns when no
        worker process is left."""
        self.closing = True
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait()
        self.processes = []

    # --- workers ------------------------------------------------------------------------------

    async def _start_all(self, loop: asyncio.AbstractEventLoop) -> None:
        for _ in range(self.size):
            await self._start_or_break(loop)
        self._watchdog = loop.create_task(self._watch())

    async def _start_or_break(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start a worker; when the system refuses (no memory, no file descriptors), every
        page waiting and to come gets the reason instead."""
        try:
            await self._start(loop)
        except OSError as exc:
            if self.workers:
                logger.warning("extraction goes on with %d workers: %s", len(self.workers), exc)
                return
            if self.broken is None:
                self.broken = f"extraction failed: cannot start an extraction worker ({exc})"
                logger.error("%s", self.broken)
            self._fail_pending(self.broken)

    async def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (root, env.get("PYTHONPATH"))))
        if self.profile_dirs is not None:
            env[PROFILES_VARIABLE] = self.profile_dirs
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            # Its own process group: a Ctrl-C at the terminal is the crawler's to handle, not
            # the workers'. The workers die with the crawler all the same (see newsbot.worker).
            # Not a session of its own: Linux shares the CPU fairly between sessions (autogroup)
            # whatever their nice values, and the crawler would get a third of two cores.
            process_group=0,
        )
        self.processes = [p for p in self.processes if p.poll() is None] + [process]
        assert process.stdin is not None and process.stdout is not None
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, _PIPE_SIZE)
        reader = asyncio.StreamReader(limit=2**31 - 1)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), process.stdout)
        writer, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, process.stdin)
        worker = _Worker(process, reader, writer)
        worker.task = loop.create_task(self._read(worker))
        self.workers.append(worker)

    async def _read(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                size, length = HEADER.unpack(await worker.reader.readexactly(HEADER.size))
                message = decode(await worker.reader.readexactly(size))
                payload = await worker.reader.readexactly(length) if length else b""
                if not worker.ready:
                    worker.ready = message.get("ready") is True
                    continue
                job = worker.jobs.popleft()
                worker.since = loop.time()
                answer = read_answer(message, payload)
                if not job.future.done():
                    if isinstance(answer, str):
                        job.future.set_exception(WorkerError(answer))
                    else:
                        job.future.set_result(Done(*answer))
                self._dispatch()
        except (asyncio.IncompleteReadError, ConnectionError, FrameError):
            pass
        await self._lost(worker)

    async def _lost(self, worker: _Worker) -> None:
        """A worker's output ended: it exited, was killed, or the pool is closing."""
        with contextlib.suppress(ValueError):
            self.workers.remove(worker)
        with contextlib.suppress(OSError, RuntimeError):
            worker.writer.close()
        code = await _reap(worker.process)
        if not worker.ready and not self.closing and self.broken is None:
            # Not one page read: nothing will go better with the next worker.
            self.broken = (
                f"extraction failed: no extraction worker can start ({describe_exit(code)})"
            )
            logger.error("%s", self.broken)
        if worker.jobs:
            job = worker.jobs.popleft()
            reason = worker.killed or f"extraction failed: its worker died ({describe_exit(code)})"
            if not job.future.done():
                job.future.set_exception(WorkerError(self.broken or reason))
            # The pages queued behind it were never started: another worker takes them.
            self.pending.extendleft(reversed(worker.jobs))
            worker.jobs.clear()
        if self.closing:
            return
        if self.broken is not None:
            self._fail_pending(self.broken)
            return
        logger.warning("extraction worker %s (%s); starting another", worker.process.pid,
                       describe_exit(code))  # fmt: skip
        await self._start_or_break(asyncio.get_running_loop())
        self._dispatch()

    def _dispatch(self) -> None:
        """Send waiting pages to the workers with the fewest pages ahead of them."""
        while self.pending:
            open_ = [w for w in self.workers if w.killed is None and not w.writer.is_closing()]
            worker = min(open_, key=lambda w: len(w.jobs), default=None)
            if worker is None or len(worker.jobs) >= AHEAD:
                return
            job = self.pending.popleft()
            if job.future.done():  # cancelled while waiting: nothing to do
                continue
            if not worker.jobs:
                worker.since = asyncio.get_running_loop().time()
            worker.jobs.append(job)
            ref = self.dictionaries.get(job.capture.site)
            worker.writer.write(job_frame(job.capture, job.seconds, ref))

    async def _watch(self) -> None:
        """Kill a worker whose current page has run far past its time limit (stuck where its
        own alarm cannot reach, in C code, or stopped): the page is recorded as timed out."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(1.0)
            now = loop.time()
            for worker in self.workers:
                if not worker.jobs or worker.killed is not None:
                    continue
                seconds = worker.jobs[0].seconds
                if seconds > 0 and now - worker.since > seconds + self.grace:
                    worker.killed = f"{TIMEOUT_REASON} {seconds:g} s (its worker was killed)"
                    logger.warning("extraction worker %s: %s", worker.process.pid, worker.killed)
                    worker.process.kill()

    def _fail_pending(self, reason: str) -> None:
        while self.pending:
            job = self.pending.popleft()
            if not job.future.done():
                job.future.set_exception(WorkerError(reason))


async def _reap(process: subprocess.Popen[bytes]) -> int | None:
    """The exit code of a process whose pipes are closed (it is exiting), without blocking."""
    for _ in range(200):
        code = process.poll()
        if code is not None:
            return code
        await asyncio.sleep(0.01)
    process.kill()
    return process.wait()
