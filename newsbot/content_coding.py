"""Bodies still in their HTTP content coding, decoded where the CPU is cheapest. No Scrapy.

An article page arrives gzipped, about a sixth of its size. When the crawl extracts in worker
processes, the crawler leaves it so (``Capture.content_encoding``) and the worker decodes it:
the crawler's event loop, which fetches and archives for every worker, spends no time on it,
and the pipe to a worker holds six pages instead of one. Anywhere else a capture still in its
coding is decoded by :func:`decoded` before its body is used. Decoding is capped, like
Scrapy's own, at ``DOWNLOAD_MAXSIZE``: a decompression bomb is an error, not a full memory.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from typing import Any, cast

from newsbot.items import Capture

try:  # ISA-L inflates gzip about 2.5 times faster than zlib, output for output the same
    from isal import isal_zlib as _inflate

    # (its type stub calls the error class an instance)
    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, cast(type, _inflate.error))
except ImportError:  # no wheel for this platform: zlib does the same, slower
    _inflate: Any = zlib  # type: ignore[no-redef]
    _INFLATE_ERRORS = (zlib.error,)


def gzip_member_decompressor() -> Any:
    """A decompressor for one gzip member (``decompress``, ``eof``, ``unused_data``, as
    zlib's), ISA-L's where newsbot has it."""
    return _inflate.decompressobj(16 + zlib.MAX_WBITS)


#: Content codings a capture may keep for a worker to decode.
DEFERRED_CODINGS = ("gzip",)
#: Request meta key: the content coding a response's body was left in.
CODING_META = "newsbot_content_encoding"
#: crawl_meta key: the most bytes the body may decode to (the request's DOWNLOAD_MAXSIZE).
MAX_SIZE_META = "newsbot_max_size"
_DEFAULT_MAX_SIZE = 1024 * 1024 * 1024  # Scrapy's DOWNLOAD_MAXSIZE default


class BodyError(ValueError):
    """A body that cannot be decoded. ``str(error)`` is the capture's error, ``kind: reason``."""


def gunzip_capped(data: bytes, max_size: int) -> bytes:
    """Decompress gzip data, refusing (ValueError) to produce more than ``max_size`` bytes.

    Like Scrapy's own gunzip, a stream that breaks off (truncated, bad checksum) after some
    output gives that output; one that gives nothing is an error. Concatenated members are
    decompressed one after another.
    """
    out: list[bytes] = []
    room = max_size
    rest = data
    while rest:
        stream = _inflate.decompressobj(wbits=31)
        try:
            chunk = stream.decompress(rest, room + 1)
        except _INFLATE_ERRORS as exc:
            if out:
                break
            raise ValueError(f"broken gzip body ({exc})") from None
        room -= len(chunk)
        if room < 0:
            raise ValueError(f"gzip body expands past {max_size} bytes")
        out.append(chunk)
        if not stream.eof:
            if not out[0] and len(out) == 1:
                raise ValueError("broken gzip body (it ends before any content)")
            break  # cut short: what came through is the body
        rest = stream.unused_data.lstrip(b"\0")
    return b"".join(out)


def gunzipped_size_over(data: bytes, max_size: int) -> bool:
    """Whether gzip ``data`` inflates to more than ``max_size`` bytes: counted a megabyte at a
    time, nothing kept, so a bomb costs no memory to measure. Data that breaks off or is not
    gzip counts as far as it inflates."""
    total = 0
    rest = data
    while rest:
        stream = _inflate.decompressobj(wbits=31)
        pending = rest
        while pending and not stream.eof:
            try:
                chunk = stream.decompress(pending, 1 << 20)
            except _INFLATE_ERRORS:
                return False
            total += len(chunk)
            if total > max_size:
                return True
            pending = stream.unconsumed_tail
        if not stream.eof:
            return False
        rest = stream.unused_data.lstrip(b"\0")
    return False


def decoded_body(capture: Capture) -> bytes:
    """The capture's body in plain bytes. Raises :class:`BodyError` for a body that is broken,
    in a coding newsbot does not decode, or decodes past its cap."""
    coding = capture.content_encoding
    if not coding:
        return capture.body
    if coding not in DEFERRED_CODINGS:
        raise BodyError(f"bad_body: unsupported content coding {coding!r}")
    limit = capture.crawl_meta.get(MAX_SIZE_META) or _DEFAULT_MAX_SIZE
    try:
        return gunzip_capped(capture.body, int(limit))
    except ValueError as exc:
        kind = "body_too_large" if "expands past" in str(exc) else "bad_body"
        raise BodyError(f"{kind}: {exc}") from None


def decoded(capture: Capture) -> Capture:
    """``capture`` with a plain body: itself when it has no content coding left, else a copy.
    Raises :class:`BodyError` (see :func:`decoded_body`)."""
    if not capture.content_encoding:
        return capture
    return replace(capture, body=decoded_body(capture), content_encoding="")


def decode(capture: Capture) -> bool:
    """Decode ``capture``'s body in place. False when it cannot be: then the capture is kept
    as a fetch that went wrong, with the error and without a body."""
    try:
        capture.body = decoded_body(capture)
    except BodyError as exc:
        failed(capture, str(exc))
        return False
    capture.content_encoding = ""
    return True


def failed(capture: Capture, error: str) -> None:
    """Record on ``capture`` that its body could not be decoded (``error``: ``kind: reason``)."""
    capture.error = error
    capture.body = b""
    capture.content_encoding = ""
    capture.article = None


def is_revisit(capture: Capture, sha256: str | None = None) -> bool:
    """A 304, or a body identical to the one fetched last time: nothing to extract again.
    ``sha256``: the decoded body's, when already known (else the capture must be decoded)."""
    if capture.status == 304:
        return True
    previous = capture.crawl_meta.get("newsbot_previous_sha256")
    if not isinstance(previous, str) or capture.status != 200:
        return False
    return (sha256 or hashlib.sha256(capture.body).hexdigest()) == previous
