"""``newsbot import warc``: WARC records read into the archive and their articles extracted,
in one pass over the files.

This process reads the records (:class:`~newsbot.warc.importer.Importer`) and hands each
capture, body and all, to the batch workers (:mod:`newsbot.batch`), which
hash and compress the body for the archive (as the crawl's workers do) and extract the page
with the code of ``newsbot reextract``, while this process reads on. The results come back in
record order and are saved a batch at a time: the captures (their bodies as the workers
prepared them) and their articles, as ``reextract`` writes them, in one transaction. A capture
is never saved without its extraction, so an import killed at any moment and run again (it
skips the records already saved) leaves the archive one run would have. Nothing is read back
from the archive, and no body is hashed or compressed here.

A record that needs the archive to hold what was read before it (a revisit naming an earlier
record's body, a record already imported) waits until the captures read before it are saved.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsbot.archive import Archive, crawl_lock
from newsbot.batch import BatchPool, Ticket, WorkerError
from newsbot.frames import ChunkDone, DictionaryRef, ImportJob, import_job
from newsbot.items import Capture, Reextracted
from newsbot.reextract import CHUNK, WRITE_BATCH, Report, Writer, answers, extracted
from newsbot.warc.importer import Importer, ImportReport, extractable
from newsbot.worker import prepare_body

#: The ``crawl_runs.spider`` of import runs.
IMPORT_SPIDER = "import"
#: Bytes of bodies read and not saved yet, at most (beyond one body): memory stays flat
#: whatever the pages' sizes.
BYTES_OUT = 64 * 2**20


def prepare_chunk(jobs: Sequence[ImportJob], seconds: float, failed: str = "") -> list[ChunkDone]:
    """In a worker (:mod:`newsbot.batch`): each capture's body hashed and compressed for the
    archive, and its page extracted (capture id 0: not saved yet). With ``failed``, the reason
    the chunk's worker died: the bodies are prepared here, and the pages fail with it."""
    out: list[ChunkDone] = []
    for job in jobs:
        if job is None:
            out.append((None, None))
            continue
        capture, dictionary, extract = job
        stored = prepare_body(capture, dictionary) if capture.body else None
        if not extract:
            new = None
        elif failed:
            new = Reextracted(0, capture.final_url, None, failed, failed=True)
        else:
            new = extracted(capture, 0, seconds)
        out.append((stored, new))
    return out


@dataclass
class _Chunk:
    """Captures handed to a worker together, in the order read."""

    captures: list[Capture] = field(default_factory=list)
    extract: list[bool] = field(default_factory=list)
    #: Bytes of their bodies.
    size: int = 0
    jobs: list[ImportJob] = field(default_factory=list)
    ticket: Ticket | None = None


@dataclass
class _Pipeline:
    """Hands the captures read out to the workers a chunk at a time and saves the answers in
    the order read, with a bounded number of chunks (and bytes) out."""

    importer: Importer
    writer: Writer
    workers: BatchPool
    window: int
    dictionaries: dict[str, DictionaryRef]
    timeout: float
    out: deque[_Chunk] = field(default_factory=deque)
    filling: _Chunk = field(default_factory=_Chunk)
    #: URLs (requested and final) of the captures read and not saved yet, and their bytes.
    unsaved: Counter[str] = field(default_factory=Counter)
    size: int = 0

    def add(self, capture: Capture) -> None:
        chunk = self.filling
        chunk.captures.append(capture)
        chunk.extract.append(extractable(capture))
        chunk.size += len(capture.body)
        self.unsaved.update((capture.url, capture.final_url))
        self.size += len(capture.body)
        if len(chunk.captures) >= CHUNK or chunk.size >= BYTES_OUT // self.window:
            self._hand_out()
        while self.out and (len(self.out) >= self.window or self.size >= BYTES_OUT):
            self._save()

    def settle(self, url: str) -> None:
        """Save every capture read so far when one of them is of ``url``."""
        if self.unsaved[url]:
            self.drain()

    def drain(self) -> None:
        self._hand_out()
        while self.out:
            self._save()

    def _hand_out(self) -> None:
        chunk = self.filling
        if not chunk.captures:
            return
        chunk.jobs = [
            None
            if capture.crawl_meta.get("revisit")
            else (capture, self.dictionaries.get(capture.site), extract)
            for capture, extract in zip(chunk.captures, chunk.extract, strict=True)
        ]
        frame = import_job(chunk.jobs, self.timeout)
        chunk.ticket = self.workers.submit(frame, len(chunk.jobs), self.timeout)
        self.out.append(chunk)
        self.filling = _Chunk()

    def _save(self) -> None:
        """Save the first half of the chunks out (and those behind them already answered, up
        to a batch of captures): the captures and their articles in one transaction, so that
        a capture is never saved without its extraction (a rerun skips the captures saved).
        The other half keeps the workers busy meanwhile."""
        chunks = [self.out.popleft()]
        count = len(chunks[0].captures)
        while (
            self.out
            and count < WRITE_BATCH
            and (len(chunks) < self.window // 2 or self._answered(self.out[0]))
        ):
            chunks.append(self.out.popleft())
            count += len(chunks[-1].captures)
        with self.importer.archive.batch("save imported captures and their articles"):
            for chunk in chunks:
                results = []
                for capture, extract, (stored, new) in zip(
                    chunk.captures, chunk.extract, self._answers(chunk), strict=True
                ):
                    capture_id = self.importer.save(capture, stored)
                    if extract and capture_id is not None and new is not None:
                        results.append(replace(new, capture_id=capture_id))
                        self.writer.last_id = capture_id
                self.writer.take(results, self.writer.last_id, len(results))
            self.writer.flush()
        for chunk in chunks:
            for capture in chunk.captures:
                self.unsaved.subtract((capture.url, capture.final_url))
            self.size -= chunk.size
        self.unsaved = +self.unsaved  # (drops the URLs at zero)

    def _answers(self, chunk: _Chunk) -> list[ChunkDone]:
        assert chunk.ticket is not None
        try:
            return answers(self.workers, chunk.ticket)
        except WorkerError as exc:  # its pages fail (their captures are saved), the others go on
            return prepare_chunk(chunk.jobs, self.timeout, failed=str(exc))

    def _answered(self, chunk: _Chunk) -> bool:
        return chunk.ticket is not None and self.workers.answered(chunk.ticket)


def import_warc(
    path: str | Path,
    files: Sequence[Path],
    *,
    site: str | None = None,
    workers: int = 0,
    timeout: float = 20.0,
    progress: Callable[[int | None, int], Callable[[int], None]] | None = None,
) -> tuple[ImportReport, Report, int]:
    """Read WARC files into the archive at ``path`` (see :mod:`newsbot.warc.importer`) and
    extract their article pages as ``newsbot reextract`` does (``workers`` processes, 0: one
    per core; ``timeout``: seconds one page may take). ``progress(None, 0)`` returns a
    function called with each number of records read. Returns what the import read, the
    extraction report and the run's id. Raises :class:`ArchiveError` for an archive that
    cannot be opened or is being crawled."""
    path = Path(path)
    workers = workers or os.cpu_count() or 1
    lock = crawl_lock(path)
    try:
        with Archive.open(path) as db:
            # Started first: the workers import what they need while the file is opened.
            # (Interrupted, the captures saved stay; those out with the workers are dropped.)
            with BatchPool(workers, path) as workers_pool:
                settings = {"files": [str(f) for f in files], "site": site}
                run_id = db.crawl_runs.start(
                    spider=IMPORT_SPIDER, site=site or "*", settings=settings
                )
                records = progress(None, 0) if progress else None
                importer = Importer(db, run_id, files, site=site, on_record=records)
                writer = Writer(db.reextraction, run_id, Report())
                dictionaries = {n: (str(path), id_) for n, id_ in db.dictionaries.ids().items()}
                pipeline = _Pipeline(
                    importer, writer, workers_pool, workers * 4, dictionaries, timeout
                )
                importer.settle = pipeline.settle
                for capture in importer.captures():
                    pipeline.add(capture)
                pipeline.drain()
                writer.flush()
            report = writer.report
            counts = {**report.to_dict()["counts"], "captures": importer.report.captures}
            stats = {"import": importer.report.to_dict(), "report": report.to_dict()}
            db.crawl_runs.finish(run_id, status="finished", stats=stats, counts=counts)
            return importer.report, report, run_id
    finally:
        lock.release()


__all__ = ["IMPORT_SPIDER", "import_warc"]
