"""Re-extraction: the crawl's own extraction and link code run again over stored captures,
offline (``newsbot reextract``; ``newsbot import warc`` extracts with it too, see
:mod:`newsbot.importing`).

No Scrapy. Worker processes (``--workers``, one per core by default) each open the archive
read-only, read and decompress the bodies of the captures they are given and extract them with
:func:`newsbot.worker.extract_capture`, the very function the crawl's workers run, by the profile
rules of each capture's own date. This process only selects captures, hands them out and writes
the results: in capture order whatever the number of workers (so the archive and the report are
the same for any ``--workers``), a batch per transaction together with the run's checkpoint and
report so far. Memory stays flat: captures are selected a page of ids at a time and only a
bounded window of them is out with the workers.

A run is recorded in ``crawl_runs`` (spider ``reextract``) with its selection; killed at any
moment and started again with the same selection, it continues after the last batch written
and ends with the archive and report an uninterrupted run would have left.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsbot.archive import Archive, ArchiveError, crawl_lock
from newsbot.archive.extractions import FAILED_PREFIXES
from newsbot.archive.records import article_content_hash
from newsbot.archive.reextraction import (
    Applied,
    Candidate,
    Reextraction,
    Selection,
)
from newsbot.batch import BatchPool, PoolError, Ticket, WorkerError
from newsbot.frames import ChunkDone, read_chunk, reextract_job
from newsbot.items import Article, Capture, Reextracted
from newsbot.reextract_report import Report

#: The ``crawl_runs.spider`` of re-extraction runs.
SPIDER = "reextract"
#: Captures handed to a worker at once, and results written per transaction.
CHUNK = 8
WRITE_BATCH = 200

__all__ = ["Report", "Selection", "extracted", "reextract", "reextract_capture"]


# -- in the workers --------------------------------------------------------------------------


def extract_chunk(archive: Archive, ids: Sequence[int], seconds: float) -> list[Reextracted]:
    """In a worker (:mod:`newsbot.batch`): the stored captures ``ids`` of ``archive`` (open
    read-only) extracted again, each within ``seconds``."""
    out = []
    for capture_id in ids:
        try:
            capture = archive.captures.get(capture_id)
        except Exception as exc:  # a damaged or unreadable body fails its page only
            reason = f"extraction failed: body unreadable: {type(exc).__name__}: {exc}"
            out.append(Reextracted(capture_id, str(capture_id), None, reason, failed=True))
            continue
        out.append(reextract_capture(capture, seconds))
    return out


def reextract_capture(capture: Capture, seconds: float = 0.0) -> Reextracted:
    """A new extraction of a stored capture (``capture_id`` set), with the crawl's code, by the
    rules of the capture's date; ``seconds`` bounds its time (0: none; in a worker's main
    thread only)."""
    assert capture.capture_id is not None
    return extracted(capture, capture.capture_id, seconds)


def extracted(capture: Capture, capture_id: int, seconds: float = 0.0) -> Reextracted:
    """:func:`reextract_capture` of a capture whose id is ``capture_id`` (0 when it is not
    saved yet: an import's, in a worker, before the writer saves it)."""
    from newsbot.extract.article import Extraction
    from newsbot.items import NotArticle
    from newsbot.worker import extract_capture, extract_with_limit, is_html

    extraction: Extraction
    if not is_html(capture):
        why = f"not HTML ({capture.header('Content-Type')})"
        extraction = Extraction(NotArticle(capture.final_url, why))
    elif seconds > 0:
        extraction = extract_with_limit(capture, seconds)
    else:
        extraction = extract_capture(capture)
    result = extraction.result
    if isinstance(result, Article):
        return Reextracted(
            capture_id,
            capture.final_url,
            result,
            content_hash=article_content_hash(result),
            extractor_version=result.extractor_version,
        )
    return Reextracted(
        capture_id,
        capture.final_url,
        None,
        result.reason,
        live_blog=result.kind == "live_blog",
        failed=result.reason.startswith(FAILED_PREFIXES),
        extractor_version=current_version(capture.site, capture.fetched_at),
    )


_VERSIONS: dict[tuple[str, str], str | None] = {}


def current_version(site: str, fetched_at: str) -> str | None:
    """The extractor version that reads a page of ``site`` captured at ``fetched_at`` today
    (None for a site no profile is known for)."""
    key = (site, fetched_at[:10])
    if key not in _VERSIONS:
        from newsbot.extract.article import extractor_version
        from newsbot.sites import ProfileError, load_profile

        try:
            _VERSIONS[key] = extractor_version(load_profile(site).at(fetched_at))
        except ProfileError:
            _VERSIONS[key] = None
    return _VERSIONS[key]


def code_version() -> str:
    """What names the extraction code (not the profiles): a run continues only under it."""
    from importlib.metadata import version

    from newsbot import EXTRACT_RULES, __version__

    return f"newsbot/{__version__} rules/{EXTRACT_RULES} trafilatura/{version('trafilatura')}"


# -- the run -----------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """Captures handed out together, and the selected captures they stand for (those the
    ``stale`` test left out count as 'fresh')."""

    ids: list[int]
    last_id: int
    fresh: int = 0
    ticket: Ticket | None = None


def _chunks(batches: Iterable[list[Candidate]], stale: bool) -> Iterator[_Chunk]:
    chunk = _Chunk([], 0)
    for batch in batches:
        for candidate in batch:
            chunk.last_id = candidate.capture_id
            if (
                stale
                and candidate.extractor_version is not None
                and (
                    candidate.extractor_version
                    == current_version(candidate.site, candidate.fetched_at)
                )
            ):
                chunk.fresh += 1
            else:
                chunk.ids.append(candidate.capture_id)
            if len(chunk.ids) >= CHUNK or chunk.fresh >= WRITE_BATCH:
                yield chunk
                chunk = _Chunk([], 0)
    if chunk.last_id:
        yield chunk


def answers(workers: BatchPool, ticket: Ticket) -> list[ChunkDone]:
    """What a worker made of each page of a chunk (see :func:`newsbot.frames.read_chunk`);
    :class:`WorkerError` when its worker died on it, or answered something else;
    :class:`ArchiveError` when no worker can work."""
    try:
        found = read_chunk(*workers.result(ticket))
    except PoolError as exc:
        raise ArchiveError(f"re-extraction workers cannot work: {exc}") from None
    if isinstance(found, str):
        raise WorkerError(found)
    return found


def _results(workers: BatchPool, chunk: _Chunk) -> list[Reextracted]:
    if chunk.ticket is None:
        return []
    try:
        return [new for _, new in answers(workers, chunk.ticket) if new is not None]
    except WorkerError as exc:  # its pages fail, the others go on
        return [Reextracted(i, str(i), None, str(exc), failed=True) for i in chunk.ids]


def selection_key(selection: Selection) -> str:
    """What identifies a run: its selection and the extraction code."""
    return json.dumps(
        {**asdict(selection), "code": code_version()}, sort_keys=True, separators=(",", ":")
    )


def reextract(
    path: str | Path,
    selection: Selection,
    *,
    workers: int = 0,
    dry_run: bool = False,
    timeout: float = 20.0,
    progress: Callable[[int | None, int], Callable[[int], None]] | None = None,
) -> tuple[Report, int | None]:
    """Extract the selected captures again and write what changed (nothing with ``dry_run``).

    ``workers``: processes (0: one per core). ``timeout``: seconds one page may take.
    ``progress(total, done)`` is called once with the number of captures selected and those
    already done by an earlier, interrupted run, and returns a function called with each
    number of captures done. Returns the report and the id of the run it is recorded in.
    Raises :class:`ArchiveError` for an archive that cannot be opened or is being crawled.
    """
    path = Path(path)
    workers = workers or os.cpu_count() or 1
    lock = None if dry_run else crawl_lock(path)
    try:
        with Archive.open(path, readonly=dry_run) as db:
            return _run(db, path, selection, workers, dry_run, timeout, progress)
    finally:
        if lock is not None:
            lock.release()


def _run(
    db: Archive,
    path: Path,
    selection: Selection,
    workers: int,
    dry_run: bool,
    timeout: float,
    progress: Callable[[int | None, int], Callable[[int], None]] | None,
) -> tuple[Report, int | None]:
    # Started first: the workers import what extraction needs while this process starts the
    # run and counts the captures. (Ended with the block: at once when it raises.)
    with BatchPool(workers, path) as workers_pool:
        rx = db.reextraction
        state: dict[str, Any] = {}
        run_id = None
        if not dry_run:
            sites = ",".join(selection.sites) or "*"
            settings = {"key": selection_key(selection), "selection": asdict(selection)}
            run_id, state = rx.start(SPIDER, sites, settings)
        report = Report.from_dict(state.get("report"))
        writer = Writer(rx, None if dry_run else run_id, report)
        writer.checkpoint = int(state.get("checkpoint", 0))
        if progress is not None:
            total = writer.report.done + rx.count(selection, writer.checkpoint)
            writer.tick = progress(total, writer.report.done)
        chunks = _chunks(rx.candidates(selection, writer.checkpoint), selection.stale)
        # Enough chunks out that no worker waits while this process writes a batch.
        window = workers * 4
        out: deque[_Chunk] = deque()
        for chunk in chunks:
            if chunk.ids:
                frame = reextract_job(chunk.ids, timeout)
                chunk.ticket = workers_pool.submit(frame, len(chunk.ids), timeout)
            out.append(chunk)
            while len(out) >= window:
                chunk = out.popleft()
                writer.collect(chunk, _results(workers_pool, chunk))
        while out:
            chunk = out.popleft()
            writer.collect(chunk, _results(workers_pool, chunk))
        writer.flush()
    # (Interrupted, what was written stays: the next run continues after it.)
    if run_id is not None:
        db.crawl_runs.finish(
            run_id,
            status="finished",
            stats=writer.state(),
            counts=writer.report.to_dict()["counts"],
        )
    return writer.report, run_id


class Writer:
    """Takes the workers' results in capture order and writes them a batch at a time, each
    batch with the checkpoint and report it leaves (or only judges them, in a dry run)."""

    def __init__(self, rx: Reextraction, run_id: int | None, report: Report) -> None:
        self.rx = rx
        self.run_id = run_id
        self.report = report
        self.checkpoint = 0
        self.tick: Callable[[int], None] | None = None
        self.results: list[Reextracted] = []
        #: The last capture id taken in (written or not) and the 'fresh' ones not yet saved.
        self.last_id = 0
        self.fresh = 0

    def collect(self, chunk: _Chunk, results: Sequence[Reextracted]) -> None:
        self.take(results, chunk.last_id, len(chunk.ids) + chunk.fresh, chunk.fresh)

    def take(self, results: Sequence[Reextracted], last_id: int, done: int, fresh: int = 0) -> None:
        """Take in ``results``, up to capture ``last_id``: ``done`` captures, ``fresh`` of
        them not extracted; a batch is written once there are enough."""
        self.results.extend(results)
        self.fresh += fresh
        self.last_id = last_id
        if self.tick:
            self.tick(done)
        if len(self.results) + self.fresh >= WRITE_BATCH:
            self.flush()

    def state(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "report": self.report.to_dict()}

    def flush(self) -> None:
        if not self.results and not self.fresh:
            return
        results, self.results = self.results, []

        def taken(applied: Sequence[Applied]) -> dict[str, Any]:
            for new, change in zip(results, applied, strict=True):
                self.report.add(new, change)
            self.report.counts["fresh"] += self.fresh
            self.checkpoint = self.last_id
            return self.state()

        if self.run_id is None:
            taken(self.rx.judge(results))
        else:
            self.rx.apply(self.run_id, results, taken)
        self.fresh = 0
