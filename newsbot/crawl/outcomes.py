"""What a fetch that brought back no page becomes: a kind and a reason a person can read.

Every request ends as a capture (an answer, or status 0 with an ``error``) or as a
:class:`Refusal` (a URL the crawl would not fetch: robots.txt, a redirect to a ``file:`` URL, an
over-long URL). The archive keeps both as error rows; nothing is dropped with only a counter.
A request the downloader refuses raises :class:`RobotsBlocked` or :class:`BodyTooLarge`, so that
the spider's errback can tell those from other refusals.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.settings import BaseSettings
from twisted.internet import defer, error
from twisted.python.failure import Failure
from twisted.web import _newclient
from twisted.web.http import _DataLoss

from newsbot.extract.urls import MAX_URL_LENGTH
from newsbot.items import CaptureKind


class RobotsBlocked(IgnoreRequest):
    """A request robots.txt forbids: the URL becomes ``blocked`` in the frontier."""


class BodyTooLarge(IgnoreRequest):
    """A response whose body decompresses past ``DOWNLOAD_MAXSIZE``: recorded as a failure."""


@dataclass(frozen=True)
class Refusal:
    """A URL the crawl did not fetch, and why; the archive records it as an error row.

    ``block``: robots.txt forbids it; the frontier marks it ``blocked`` (not due) and the error
    row is written only the first time."""

    url: str
    site: str
    kind: str
    message: str
    page_kind: CaptureKind = "page"
    block: bool = False


def unfetchable(url: str, what: str) -> tuple[str, str]:
    """(kind, message) for a URL (``what``: "link", "redirect") the crawl will not fetch."""
    shown = repr(url[:120] + ("…" if len(url) > 120 else ""))
    if not url.lower().startswith(("http://", "https://", "/")) and ":" in url.split("/", 1)[0]:
        return "url_refused", f"{what} to {shown} not followed: only http and https are fetched"
    if len(url) > MAX_URL_LENGTH:
        return "url_too_long", (
            f"{what} to a URL of {len(url)} characters (more than {MAX_URL_LENGTH}) not followed"
        )
    return "bad_url", f"{what} to {shown} not followed: not a URL newsbot can fetch"


def _first_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_failure(
    failure: Failure, settings: BaseSettings, *, stopping: bool = False
) -> tuple[str, str]:
    """(kind, message) of a download that gave no usable answer: the kind short
    (``timeout``, ``truncated``, ``body_too_large`` …), the message one readable line.
    ``stopping``: the crawl is closing (a cancelled download is then no size problem)."""
    exc = failure.value
    said = _first_line(failure.getErrorMessage() or "")
    max_size = settings.getint("DOWNLOAD_MAXSIZE")
    if isinstance(exc, BodyTooLarge) or (
        isinstance(exc, DownloadCancelledError) and "max size" in said
    ):
        return "body_too_large", f"larger than DOWNLOAD_MAXSIZE ({max_size} bytes): {said}"
    if isinstance(exc, (defer.CancelledError, DownloadCancelledError)):
        if stopping or not max_size:
            return "cancelled", "the download was cancelled as the crawl stopped"
        # Scrapy cancels a body without Content-Length once it passes the limit.
        return "body_too_large", (
            f"download stopped: more than DOWNLOAD_MAXSIZE ({max_size} bytes) arrived"
        )
    if isinstance(exc, (DownloadTimeoutError, error.TimeoutError, defer.TimeoutError)):
        limit = settings.getfloat("DOWNLOAD_TIMEOUT")
        return "timeout", f"no complete answer within DOWNLOAD_TIMEOUT ({limit:g} s)"
    if isinstance(exc, ResponseDataLossError) or (
        isinstance(exc, _newclient.ResponseFailed) and any(r.check(_DataLoss) for r in exc.reasons)
    ):
        return "truncated", "the connection closed before the whole body arrived"
    if isinstance(exc, (CannotResolveHostError, error.DNSLookupError)):
        return "dns", f"cannot resolve the host name: {said}" if said else "cannot resolve host"
    if isinstance(exc, (DownloadConnectionRefusedError, error.ConnectionRefusedError)):
        return "connection_refused", "the server refused the connection"
    if isinstance(exc, (_newclient.ResponseNeverReceived, error.ConnectionLost)):
        return "no_answer", "the server closed the connection without an answer"
    name = type(exc).__name__
    return name, said or name
