"""``newsbot import warc``: WARC records read into the archive and their articles extracted,
in one pass over the files.

Each file is cut into ranges of :data:`RANGE` bytes, handed in order to the batch workers
(:mod:`newsbot.batch`). A worker reads the records that start in its range
(:class:`~newsbot.warc.importer.RangeReader`: inflating, parsing, undoing the HTTP codings),
leaves out those the archive already holds, hashes and compresses each body for the archive
(as the crawl's workers do) and extracts each article page with the code of ``newsbot
reextract``. It answers with the captures, their bodies as the archive stores them and their
extractions, never the bodies themselves. This process only saves the answers, in the order
of the files, a batch at a time: the captures and their articles, as ``reextract`` writes
them, in one transaction. A capture is never saved without its extraction, so an import killed
at any moment and run again (it skips the records already saved) leaves the archive one run
would have.

A worker finds the first record of its range by looking for it (the next gzip member that
inflates, or the next line starting ``WARC/1.``); this process checks it against where the
range before it stopped reading, and reads a range that looked in the wrong place (a
look-alike inside a record) again from the right one. A revisit's body is looked up as it is
saved, after everything read before it. The ranges do not depend on the number of workers,
and neither does the archive.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsbot.archive import Archive, ArchiveError, crawl_lock
from newsbot.batch import BatchPool, PoolError, Ticket, WorkerError
from newsbot.frames import DictionaryRef, WarcJob, piece_frame, read_piece, warc_job
from newsbot.items import Capture, Reextracted, StoredBody
from newsbot.reextract import WRITE_BATCH, Report, Writer, extracted
from newsbot.warc.importer import REVISIT, Importer, ImportReport, RangeReader, extractable, key
from newsbot.worker import prepare_body

#: The ``crawl_runs.spider`` of import runs.
IMPORT_SPIDER = "import"
#: Bytes of a file a worker reads at a time (a few dozen typical pages, gzipped).
RANGE = 1 << 18
#: The fewest bytes a record takes, to bound the time a range's records may take together.
_RECORD_BYTES = 4096

#: A capture read, its body as the archive stores it, and its page's extraction.
Entry = tuple[Capture, StoredBody | None, Reextracted | None]


@dataclass
class Piece:
    """What was read in one range (see :class:`RangeReader`): where its first record starts,
    where reading stopped, what was read, and the captures to save, in order."""

    first: int
    stop: int
    read: ImportReport
    entries: list[Entry]


def read_range(job: WarcJob, archive: Archive | None, seconds: float, failed: str = "") -> Piece:
    """In a worker (:mod:`newsbot.batch`): the records of ``job``'s range read, those
    ``archive`` already holds left out, each body hashed and compressed for the archive and
    each article page extracted within ``seconds`` (capture id 0: not saved yet). With
    ``failed``, the reason the range's worker died: the pages fail with it."""
    reader = RangeReader(Path(job.path), job.start, job.end, exact=job.exact, site=job.site)
    entries: list[Entry] = []
    for capture in reader.captures():
        if capture.crawl_meta.get(REVISIT):
            entries.append((capture, None, None))
            continue
        if archive is not None and archive.captures.exists(
            capture.url, capture.fetched_at, capture.body
        ):
            reader.report.already += 1
            continue
        stored = prepare_body(capture, job.dictionaries.get(capture.site)) if capture.body else None
        new = None
        if extractable(capture):
            new = (
                Reextracted(0, capture.final_url, None, failed, failed=True)
                if failed
                else extracted(capture, 0, seconds)
            )
        capture.body = b""  # (stored holds it)
        entries.append((capture, stored, new))
    return Piece(reader.first, reader.stop, reader.report, entries)


def piece_answer(piece: Piece) -> bytes:
    """A worker's answer for a range."""
    return piece_frame(piece.first, piece.stop, piece.read.to_dict(), piece.entries)


@dataclass
class _Range:
    job: WarcJob
    #: Batches committed when it was handed out: what its worker could see in the archive.
    seen: int
    ticket: Ticket | None = None


@dataclass
class _Recent:
    """The :func:`key` of the captures saved by batches committed after ``seen`` batches
    (or not committed yet): a worker handed a range before could not see them."""

    batches: deque[tuple[int, set[str]]]
    seen: int

    def __contains__(self, found: object) -> bool:
        return any(found in keys for batch, keys in self.batches if batch >= self.seen)


@dataclass
class _Pipeline:
    """Hands the ranges out to the workers and saves their answers in the order of the files,
    with a bounded number of ranges out; :meth:`commit` ends the batch being saved."""

    importer: Importer
    writer: Writer
    workers: BatchPool
    window: int
    timeout: float
    tick: Callable[[int], None] | None = None
    out: deque[_Range] = field(default_factory=deque)
    #: Where the range before the next one to save stopped reading.
    expected: int = 0
    #: The transaction of the batch being saved, and the captures in it.
    transaction: ExitStack | None = None
    count: int = 0
    commits: int = 0
    #: The keys of the captures saved, by batch, while a range out (or the one being saved,
    #: which saw ``seeing`` batches) might not see them.
    saved: deque[tuple[int, set[str]]] = field(default_factory=deque)
    seeing: int = 0

    def add(self, job: WarcJob) -> None:
        pages = max(1, (job.end - job.start) // _RECORD_BYTES)
        ticket = self.workers.submit(warc_job(job, self.timeout), pages, self.timeout)
        self.out.append(_Range(job, self.commits, ticket))
        while len(self.out) >= self.window:
            self._save(self.out.popleft())

    def drain(self) -> None:
        while self.out:
            self._save(self.out.popleft())
        self.commit()

    def commit(self) -> None:
        """Commit the captures saved and their articles together: a capture is never saved
        without its extraction (a rerun skips the captures saved)."""
        if self.transaction is None:
            return
        self.writer.flush()
        self.transaction.close()
        self.transaction, self.count = None, 0
        self.commits += 1
        oldest = min([self.seeing, *(part.seen for part in self.out)])
        while self.saved and self.saved[0][0] < oldest:
            self.saved.popleft()

    def abort(self, exc: BaseException) -> None:
        """Roll the batch being saved back (the import ends with ``exc``)."""
        if self.transaction is not None:
            self.transaction.__exit__(type(exc), exc, exc.__traceback__)
            self.transaction = None

    def _save(self, part: _Range) -> None:
        """Save a range's captures (once its worker answered), a batch per transaction."""
        if part.job.start == 0:
            self.expected = 0
        piece, seen = self._piece(part)
        if piece.first != self.expected:  # it began at a look-alike: read it from the record
            job = replace(part.job, start=self.expected, exact=True)
            piece, seen = read_range(job, self.importer.archive, self.timeout), self.commits + 1
        self.expected, self.seeing = piece.stop, seen
        self.importer.read(piece.read)
        if self.tick:
            self.tick(piece.read.records)
        for capture, stored, new in piece.entries:
            if self.transaction is None:
                self.transaction = ExitStack()
                what = "save imported captures and their articles"
                self.transaction.enter_context(self.importer.archive.batch(what))
            if not self.saved or self.saved[-1][0] != self.commits:
                self.saved.append((self.commits, set()))
            revisit = bool(capture.crawl_meta.get(REVISIT))
            found = key(capture, stored)
            capture_id = self.importer.save(capture, stored, seen=_Recent(self.saved, seen))
            if not revisit:
                self.saved[-1][1].add(found)
            if new is not None and capture_id is not None:
                self.writer.take([replace(new, capture_id=capture_id)], capture_id, 1)
            self.count += 1
            if self.count >= WRITE_BATCH:
                self.commit()

    def _piece(self, part: _Range) -> tuple[Piece, int]:
        """What the range's worker read (and the batches it could see), or, when it died on
        it, the range read here with its pages failed (their captures are saved)."""
        assert part.ticket is not None
        try:
            found = read_piece(*self.workers.result(part.ticket))
        except PoolError as exc:
            raise ArchiveError(f"import workers cannot work: {exc}") from None
        except WorkerError as exc:
            found = str(exc)
        if isinstance(found, str):
            failed = read_range(part.job, self.importer.archive, self.timeout, failed=found)
            return failed, self.commits + 1
        first, stop, read, entries = found
        return Piece(first, stop, _report(read), entries), part.seen


def _report(read: dict[str, object]) -> ImportReport:
    report = ImportReport()
    report.records = int(str(read["records"]))
    report.already = int(str(read["already"]))
    skipped = read["skipped"]
    damaged = read["damaged"]
    assert isinstance(skipped, dict) and isinstance(damaged, list)
    report.skipped.update({str(why): int(count) for why, count in skipped.items()})
    report.damaged.extend(str(what) for what in damaged)
    return report


def _hand_out(
    pipeline: _Pipeline, file: Path, site: str | None, dictionaries: dict[str, DictionaryRef]
) -> None:
    pipeline.importer.report.files += 1
    try:
        size = file.stat().st_size
    except OSError:  # (its first range says why)
        size = 0
    for start in range(0, max(size, 1), RANGE):
        end = min(start + RANGE, size)
        pipeline.add(WarcJob(str(file), start, end, start == 0, site, dictionaries))


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
                importer = Importer(db, run_id)
                writer = Writer(db.reextraction, run_id, Report())
                dictionaries: dict[str, DictionaryRef] = {
                    name: (str(path), number) for name, number in db.dictionaries.ids().items()
                }
                pipeline = _Pipeline(importer, writer, workers_pool, workers * 4, timeout)
                pipeline.tick = progress(None, 0) if progress else None
                try:
                    for file in files:
                        _hand_out(pipeline, file, site, dictionaries)
                    pipeline.drain()
                except BaseException as exc:
                    pipeline.abort(exc)
                    raise
                writer.flush()
            report = writer.report
            counts = {**report.to_dict()["counts"], "captures": importer.report.captures}
            stats = {"import": importer.report.to_dict(), "report": report.to_dict()}
            db.crawl_runs.finish(run_id, status="finished", stats=stats, counts=counts)
            return importer.report, report, run_id
    finally:
        lock.release()


__all__ = ["IMPORT_SPIDER", "RANGE", "Entry", "Piece", "import_warc", "piece_answer", "read_range"]
