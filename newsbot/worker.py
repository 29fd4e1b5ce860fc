"""Work for the crawl's process pool: extraction, and the body prepared for the archive, off
the crawler's event loop. No Scrapy: workers import only this and what it needs.

Workers die with the crawler: a crawl killed with SIGKILL leaves no extraction process behind
(Linux asks the kernel to kill each worker when its parent dies; elsewhere they exit when the
pool's pipes close).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Any

from newsbot.archive.bodies import make_compressor, prepare
from newsbot.extract.article import Extraction, extract_page
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


def prepare_body(capture: Capture) -> StoredBody:
    """The capture's body hashed and compressed for the archive, here in the worker."""
    global _COMPRESSOR
    if _COMPRESSOR is None:
        _COMPRESSOR = make_compressor()
    return prepare(capture.body, _COMPRESSOR)


def extract_in_worker(capture: Capture, seconds: float) -> tuple[Extraction, StoredBody]:
    """What a pool worker does for one article page: extract it (within ``seconds``; 0 = no
    limit) and prepare its body for the archive."""
    extraction = extract_with_limit(capture, seconds) if seconds > 0 else extract_capture(capture)
    return extraction, prepare_body(capture)


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
