"""The error rows a capture deserves: a fetch that failed, an error status, a page that is no
article. Written with the capture, in its transaction."""

from __future__ import annotations

from http import HTTPStatus

from newsbot.items import Capture
from newsbot.worker import TIMEOUT_REASON


def http_error_message(capture: Capture) -> str:
    """What an error status said: ``HTTP 429 Too Many Requests for URL``, then the Retry-After
    the server sent and how many times the URL was asked for, when it was retried."""
    try:
        phrase = f" {HTTPStatus(capture.status).phrase}"
    except ValueError:
        phrase = ""
    said = []
    if (retry_after := capture.header("Retry-After")) is not None:
        shown = " ".join(retry_after.split()) or "(empty)"
        said.append(f"Retry-After: {shown if len(shown) <= 60 else shown[:59] + '…'}")
    retries = capture.crawl_meta.get("retry_times")
    if isinstance(retries, int) and retries > 0:
        said.append(f"{retries + 1} tries")
    details = f" ({'; '.join(said)})" if said else ""
    return f"HTTP {capture.status}{phrase} for {capture.url}{details}"


def capture_errors(capture: Capture) -> list[tuple[str, str, str]]:
    """The error rows a capture deserves: (stage, kind, message)."""
    errors = []
    if capture.error:
        kind = capture.error.split(":", 1)[0].strip() or "fetch_error"
        errors.append(("fetch", kind, capture.error))
    elif capture.status >= 400:
        errors.append(("fetch", f"http_{capture.status}", http_error_message(capture)))
    if capture.not_article and capture.kind == "article" and not capture.live_blog:
        # (A live blog its profile does not extract is what it is, not a failure.)
        reason = capture.not_article
        kind = "not_article"
        if reason.startswith(TIMEOUT_REASON):
            kind = "extract_timeout"
        elif reason.startswith("extraction failed"):
            kind = "extract_error"
        errors.append(("extract", kind, reason))
    return errors
