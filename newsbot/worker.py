"""Work for the crawl's extraction pool (:mod:`newsbot.pool`): extraction, and the body prepared
for the archive, off the crawler's event loop. No Scrapy: workers import only this and what it
needs.

A worker (:func:`main`) reads jobs from its stdin and writes results to its stdout, each a frame
of :mod:`newsbot.frames` (a JSON document and raw bytes; no pickle); anything else printing to
stdout goes to stderr instead.
Workers die with the crawler: a crawl killed with SIGKILL leaves no extraction process behind
(Linux asks the kernel to kill each worker when its parent dies; elsewhere they exit when the
pool's pipes close). They run at a lower priority than the crawler, whose event loop fetches
and archives for all of them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO

import zstandard

from newsbot.archive.bodies import make_compressor, prepare
from newsbot.content_coding import BodyError, decoded, is_revisit
from newsbot.extract.article import Extraction, extract_page
from newsbot.frames import (
    HEADER,
    READY_FRAME,
    DictionaryRef,
    FrameError,
    decode,
    done_frame,
    error_frame,
    read_job,
)
from newsbot.items import Capture, NotArticle, StoredBody

#: How a NotArticle from a page whose time ran out starts (and how its error row is told apart).
TIMEOUT_REASON = "extraction took longer than"
_PR_SET_PDEATHSIG = 1


def init_worker(parent: int | None = None) -> None:
    """Pool initializer: die with the parent process ``parent`` (Linux), ignore Ctrl-C (the
    crawler decides when to stop)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # The parent may have died while this worker was starting, before the line above: then
    # no signal will come, and the worker leaves at once instead of lingering as an orphan.
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def is_html(capture: Capture) -> bool:
    """Whether the capture says it is HTML (or says nothing: then it may be)."""
    content_type = (capture.header("Content-Type") or "").lower()
    return not content_type or "html" in content_type


def extract_capture(capture: Capture) -> Extraction:
    """The extraction a capture gets, in a worker process or in this one (same code either way)."""
    return extract_page(
        capture.body,
        capture.final_url,
        capture.site,
        content_type=capture.header("Content-Type"),
        captured_at=capture.fetched_at,
    )


class ExtractTimeout(BaseException):
    """Raised in a worker when a page's time is up. A BaseException, so that extraction's own
    "never raise for a page" guard does not swallow it."""


def _time_up(signum: int, frame: Any) -> None:
    raise ExtractTimeout


_COMPRESSOR: Any = None
#: The site dictionaries this worker has loaded: (archive path, id) -> (codec, compressor), or
#: None for one it could not load (its bodies are compressed without it).
_DICTIONARIES: dict[tuple[str, int], tuple[str, Any] | None] = {}


def prepare_body(capture: Capture, dictionary: DictionaryRef | None = None) -> StoredBody:
    """The capture's body hashed and compressed for the archive, here in the worker: with the
    site's ``dictionary`` (read once per worker from the archive, read-only) when given and
    readable, else plain zstd."""
    global _COMPRESSOR
    loaded = _dictionary(dictionary) if dictionary is not None else None
    if loaded is not None:
        codec, compressor = loaded
        return prepare(capture.body, compressor, codec)
    if _COMPRESSOR is None:
        _COMPRESSOR = make_compressor()
    return prepare(capture.body, _COMPRESSOR)


def _dictionary(ref: DictionaryRef) -> tuple[str, Any] | None:
    if ref not in _DICTIONARIES:
        # Imported here: a worker of a crawl without dictionaries loads no database code.
        import sqlite3

        from newsbot.archive.dictionaries import read_only

        try:
            loaded = read_only(*ref)
            _DICTIONARIES[ref] = (loaded.codec, loaded.compressor())
        except (ValueError, sqlite3.Error, zstandard.ZstdError) as exc:
            print(f"newsbot worker: body dictionary {ref[1]} not loaded: {exc}", file=sys.stderr)
            _DICTIONARIES[ref] = None
    return _DICTIONARIES[ref]


@dataclass
class Done:
    """What a worker did with one article page."""

    #: None when the page is the one fetched last time (nothing to extract again), or broken.
    extraction: Extraction | None
    #: The plain body named and compressed for the archive; None when it could not be decoded.
    stored: StoredBody | None
    #: Why the body could not be decoded (``kind: reason``), if it could not.
    error: str | None = None


def extract_in_worker(
    capture: Capture, seconds: float, dictionary: DictionaryRef | None = None
) -> Done:
    """What a pool worker does for one article page: decode its body (see
    :mod:`newsbot.content_coding`), prepare it for the archive (with the site's ``dictionary``, if
    any) and, unless it is the body fetched last time, extract it (within ``seconds``; 0 = no
    limit)."""
    try:
        capture = decoded(capture)
    except BodyError as exc:
        return Done(None, None, str(exc))
    stored = prepare_body(capture, dictionary)
    if is_revisit(capture, stored.sha256):
        return Done(None, stored)
    extraction = extract_with_limit(capture, seconds) if seconds > 0 else extract_capture(capture)
    return Done(extraction, stored)


def extract_with_limit(capture: Capture, seconds: float) -> Extraction:
    """:func:`extract_capture` stopped after ``seconds`` (in a pool worker's main thread, where
    SIGALRM can interrupt it): a pathological page costs one page, not the crawl."""
    previous = signal.signal(signal.SIGALRM, _time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return extract_capture(capture)
    except ExtractTimeout:
        return Extraction(NotArticle(capture.final_url, f"{TIMEOUT_REASON} {seconds:g} s"))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def main() -> None:
    """A pool worker (started by :class:`newsbot.pool.ExtractionPool` with its parent's pid)."""
    init_worker(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    serve(*own_pipes())


def own_pipes() -> tuple[BinaryIO, BinaryIO]:
    """A worker's stdin and stdout, for frames only: a stray print goes to stderr from now on,
    nothing reads stdin."""
    jobs = os.fdopen(os.dup(0), "rb", buffering=1 << 20)
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    return jobs, results


def read_frame(jobs: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """The next frame's document and payload; None when the jobs end (or a frame is not one
    this protocol writes: then the pool is not talking to this worker any more)."""
    header = jobs.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    size, length = HEADER.unpack(header)
    document = jobs.read(size)
    payload = jobs.read(length)
    if len(document) < size or len(payload) < length:
        return None
    try:
        return decode(document), payload
    except FrameError as exc:
        print(f"newsbot worker: {exc}", file=sys.stderr)
        return None


def serve(jobs: BinaryIO, results: BinaryIO) -> None:
    """Answer each job (a capture, its time limit, its dictionary) with what
    :func:`extract_in_worker` made of it, or the reason it failed, in order, until the jobs
    end (or a frame is not a job: then the pool is not talking to this worker any more)."""
    send(results, READY_FRAME)
    while (frame := read_frame(jobs)) is not None:
        try:
            capture, seconds, dictionary = read_job(*frame)
        except FrameError as exc:
            print(f"newsbot worker: {exc}", file=sys.stderr)
            return
        try:
            done = extract_in_worker(capture, seconds, dictionary)
            answer = done_frame(done.extraction, done.stored, done.error)
        except Exception as exc:  # the page fails, the worker goes on
            answer = error_frame(f"extraction failed: {type(exc).__name__}: {exc}")
        send(results, answer)


def send(out: BinaryIO, frame: bytes) -> None:
    """Write one frame (the pool reads it at once)."""
    out.write(frame)
    out.flush()
