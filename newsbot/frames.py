"""The messages of the extraction pool (:mod:`newsbot.pool` ↔ :mod:`newsbot.worker`) as they go
through a pipe: no pickle, nothing a reader runs.

A frame is a 12-byte header (the length of a JSON document and of a byte payload, big-endian),
the JSON document (UTF-8) and the payload: a page's body going to a worker, its compressed
body coming back, as raw bytes (not base64). The JSON holds plain values only, rebuilt into
the dataclasses they came from by the functions below, which accept nothing else.

- a job: ``{"capture": {...}, "seconds": s, "dictionary": [path, id] | null}`` + the body;
- an answer: ``{"ready": true}`` once a worker has started, then for each job in order
  ``{"ok": {"extraction": ..., "stored": ..., "error": ...}}`` + the stored body's bytes, or
  ``{"error": "why"}``.
"""

from __future__ import annotations

import json
import struct
from dataclasses import fields as dataclass_fields
from typing import Any

from newsbot.extract.article import Extraction
from newsbot.items import Article, Capture, Link, NotArticle, StoredBody

#: Lengths of the JSON document and of the payload that follow.
HEADER = struct.Struct("!IQ")

#: Which dictionary of which archive a worker compresses a body with: (archive path, id).
DictionaryRef = tuple[str, int]

# The capture fields a worker is sent (the body goes as the payload; what the pipelines add
# after extraction stays home).
_CAPTURE_FIELDS = (
    "url",
    "final_url",
    "status",
    "fetched_at",
    "site",
    "kind",
    "error",
    "content_encoding",
)
_PLAIN = (str, int, float, bool, type(None))
_ARTICLE_FIELDS = tuple(f.name for f in dataclass_fields(Article) if f.name != "links")
_LINK_FIELDS = tuple(f.name for f in dataclass_fields(Link))
_NOT_ARTICLE_FIELDS = tuple(f.name for f in dataclass_fields(NotArticle))


class FrameError(ValueError):
    """A frame that is not one this protocol writes."""


def encode(document: dict[str, Any], payload: bytes = b"") -> bytes:
    """One frame: ``document`` (plain JSON values) and ``payload``."""
    # surrogatepass: a str that holds a lone surrogate (from a page's broken bytes) survives.
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    data = text.encode("utf-8", "surrogatepass")
    return HEADER.pack(len(data), len(payload)) + data + payload


def decode(document: bytes) -> dict[str, Any]:
    """The JSON document of a frame (its payload is read separately, its length known)."""
    try:
        value = json.loads(document.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FrameError(f"unreadable frame: {exc}") from None
    if not isinstance(value, dict):
        raise FrameError("a frame's document is not an object")
    return value


# -- jobs --------------------------------------------------------------------------------------


def job_frame(capture: Capture, seconds: float, dictionary: DictionaryRef | None) -> bytes:
    fields: dict[str, Any] = {name: getattr(capture, name) for name in _CAPTURE_FIELDS}
    fields["headers"] = [list(pair) for pair in capture.headers]
    # What the crawl noted about the fetch (depth, the body fetched last time, the size cap):
    # plain values only.
    fields["crawl_meta"] = {
        key: value for key, value in capture.crawl_meta.items() if isinstance(value, _PLAIN)
    }
    document = {"capture": fields, "seconds": seconds, "dictionary": dictionary}
    return encode(document, capture.body)


def read_job(
    document: dict[str, Any], payload: bytes
) -> tuple[Capture, float, DictionaryRef | None]:
    try:
        fields = document["capture"]
        capture = Capture(
            **{name: fields[name] for name in _CAPTURE_FIELDS},
            headers=[(str(name), str(value)) for name, value in fields["headers"]],
            body=payload,
            crawl_meta=dict(fields["crawl_meta"]),
        )
        ref = document["dictionary"]
        dictionary = None if ref is None else (str(ref[0]), int(ref[1]))
        return capture, float(document["seconds"]), dictionary
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise FrameError(f"not a job: {exc!r}") from None


# -- answers -----------------------------------------------------------------------------------

READY_FRAME = encode({"ready": True})


def done_frame(
    extraction: Extraction | None, stored: StoredBody | None, error: str | None
) -> bytes:
    """A worker's answer for one page (see :class:`newsbot.worker.Done`)."""
    document = {
        "ok": {
            "extraction": None if extraction is None else _extraction_fields(extraction),
            "stored": None
            if stored is None
            else {"sha256": stored.sha256, "codec": stored.codec, "size": stored.size},
            "error": error,
        }
    }
    return encode(document, b"" if stored is None else stored.data)


def error_frame(reason: str) -> bytes:
    """A worker's answer for a page it failed on (the worker goes on)."""
    return encode({"error": reason})


def read_answer(
    document: dict[str, Any], payload: bytes
) -> tuple[Extraction | None, StoredBody | None, str | None] | str:
    """The parts of an ``ok`` answer (see :class:`newsbot.worker.Done`), or the reason of an
    ``error`` one."""
    if isinstance(document.get("error"), str):
        return str(document["error"])
    try:
        fields = document["ok"]
        found = fields["extraction"]
        extraction = None if found is None else _extraction(found)
        kept = fields["stored"]
        stored = (
            None
            if kept is None
            else StoredBody(str(kept["sha256"]), str(kept["codec"]), payload, int(kept["size"]))
        )
        error = fields["error"]
        return extraction, stored, None if error is None else str(error)
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameError(f"not an answer: {exc!r}") from None


def _extraction_fields(extraction: Extraction) -> dict[str, Any]:
    result = extraction.result
    fields: dict[str, Any]
    if isinstance(result, Article):
        # (Not dataclasses.asdict: its deep copies cost more than the rest of the frame.)
        article = {name: getattr(result, name) for name in _ARTICLE_FIELDS}
        article["links"] = [[getattr(link, n) for n in _LINK_FIELDS] for link in result.links]
        fields = {"article": article}
    else:
        fields = {"not_article": {name: getattr(result, name) for name in _NOT_ARTICLE_FIELDS}}
    fields["dropped_links"] = extraction.dropped_links
    fields["spared"] = extraction.spared
    return fields


def _extraction(fields: dict[str, Any]) -> Extraction:
    result: Article | NotArticle
    if "article" in fields:
        article = dict(fields["article"])
        article["links"] = [Link(*link) for link in article["links"]]
        result = Article(**article)
    else:
        result = NotArticle(**fields["not_article"])
    dropped = {str(reason): int(count) for reason, count in fields["dropped_links"].items()}
    return Extraction(result, dropped, int(fields["spared"]))


__all__ = [
    "HEADER",
    "READY_FRAME",
    "DictionaryRef",
    "FrameError",
    "decode",
    "done_frame",
    "encode",
    "error_frame",
    "job_frame",
    "read_answer",
    "read_job",
]
