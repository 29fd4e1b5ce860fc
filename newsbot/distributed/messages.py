"""What a node sends the writer through the results stream, as frames of
:mod:`newsbot.frames` (JSON + raw bytes): no pickle, and the writer rebuilds only
:class:`~newsbot.items.Capture` and :class:`~newsbot.crawl.outcomes.Refusal` from them.

- a capture, once extracted: ``{"capture": {...}, "article": {...} | null, "not_article": str
  | null, "live_blog": bool, "stored": {"sha256", "codec", "size"} | null}`` + the stored
  (compressed) body when the node's worker made one, else the body as fetched;
- a refusal (a URL the node would not fetch): ``{"refusal": {...}}``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from newsbot import frames
from newsbot.crawl.outcomes import Refusal
from newsbot.frames import FrameError
from newsbot.items import Capture, StoredBody


def capture_message(capture: Capture) -> bytes:
    stored = capture.stored_body
    document: dict[str, Any] = {
        "capture": frames.capture_fields(capture),
        "article": None if capture.article is None else frames.article_fields(capture.article),
        "not_article": capture.not_article,
        "live_blog": capture.live_blog,
        "stored": None
        if stored is None
        else {"sha256": stored.sha256, "codec": stored.codec, "size": stored.size},
    }
    return frames.encode(document, capture.body if stored is None else stored.data)


def read_capture(data: bytes) -> Capture:
    document, payload = _split(data)
    try:
        kept = document["stored"]
        capture = frames.capture_from_fields(
            document["capture"], b"" if kept is not None else payload
        )
        if kept is not None:
            capture.stored_body = StoredBody(
                str(kept["sha256"]), str(kept["codec"]), payload, int(kept["size"])
            )
        found = document["article"]
        capture.article = None if found is None else frames.article_from_fields(found)
        reason = document["not_article"]
        capture.not_article = None if reason is None else str(reason)
        capture.live_blog = bool(document["live_blog"])
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameError(f"not a capture: {exc!r}") from None
    return capture


def refusal_message(refusal: Refusal) -> bytes:
    return frames.encode({"refusal": asdict(refusal)})


def read_refusal(data: bytes) -> Refusal:
    document, _ = _split(data)
    try:
        fields = document["refusal"]
        return Refusal(
            url=str(fields["url"]),
            site=str(fields["site"]),
            kind=str(fields["kind"]),
            message=str(fields["message"]),
            page_kind=fields["page_kind"],
            block=bool(fields["block"]),
        )
    except (KeyError, TypeError) as exc:
        raise FrameError(f"not a refusal: {exc!r}") from None


def _split(data: bytes) -> tuple[dict[str, Any], bytes]:
    if len(data) < frames.HEADER.size:
        raise FrameError("a message shorter than its header")
    size, length = frames.HEADER.unpack_from(data)
    start = frames.HEADER.size
    if len(data) != start + size + length:
        raise FrameError("a message whose lengths do not match its header")
    return frames.decode(data[start : start + size]), data[start + size :]
