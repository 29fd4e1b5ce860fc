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

The batch commands' workers (:mod:`newsbot.batch`) take chunks of pages instead:

- ``{"reextract": [capture ids], "seconds": s}``: stored captures to extract again;
- answered by ``{"chunk": [{"stored": {...} | null, "new": {...} | null}, ...]}`` + the stored
  bodies one after another (a page's new extraction, :class:`Reextracted`), or
  ``{"error": "why"}`` for the whole chunk;
- ``{"warc": {"path": ..., "start": n, "end": n, "exact": bool, "site": ..., "dictionaries":
  {...}}, "seconds": s}``: a range of a WARC file to read, its bodies to prepare for the
  archive and its pages to extract;
- answered by ``{"piece": {"first": n, "stop": n, "read": {...}, "captures": [{"capture":
  {...}, "stored": {...} | null, "new": {...} | null}, ...]}}`` + the stored bodies one after
  another (see :func:`piece_frame`), or ``{"error": "why"}``.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from newsbot.extract.article import Extraction
from newsbot.items import Article, Capture, Link, NotArticle, Reextracted, StoredBody

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
_REEXTRACTED_FIELDS = tuple(f.name for f in dataclass_fields(Reextracted) if f.name != "article")

#: What a worker made of one page of a chunk: its body as the archive stores it (an import's),
#: and its new extraction.
ChunkDone = tuple[StoredBody | None, Reextracted | None]


@dataclass(frozen=True)
class WarcJob:
    """The records of the WARC file at ``path`` that start in ``[start, end)`` (the first at
    ``start`` when ``exact``, else looked for), read with the profile ``site`` (None: each
    record's own) and their bodies compressed with their site's dictionary, if any."""

    path: str
    start: int
    end: int
    exact: bool
    site: str | None
    dictionaries: dict[str, DictionaryRef]


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
    document = {"capture": capture_fields(capture), "seconds": seconds, "dictionary": dictionary}
    return encode(document, capture.body)


def read_job(
    document: dict[str, Any], payload: bytes
) -> tuple[Capture, float, DictionaryRef | None]:
    try:
        capture = capture_from_fields(document["capture"], payload)
        return capture, float(document["seconds"]), _dictionary(document["dictionary"])
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise FrameError(f"not a job: {exc!r}") from None


def capture_fields(capture: Capture) -> dict[str, Any]:
    """A capture's fields as plain values (its body travels beside them, as bytes)."""
    fields: dict[str, Any] = {name: getattr(capture, name) for name in _CAPTURE_FIELDS}
    fields["headers"] = [list(pair) for pair in capture.headers]
    # What the crawl noted about the fetch (depth, the body fetched last time, the size cap):
    # plain values only.
    fields["crawl_meta"] = {
        key: value for key, value in capture.crawl_meta.items() if isinstance(value, _PLAIN)
    }
    return fields


def capture_from_fields(fields: dict[str, Any], body: bytes) -> Capture:
    """The capture :func:`capture_fields` gave ``fields`` of, with ``body``."""
    return Capture(
        **{name: fields[name] for name in _CAPTURE_FIELDS},
        headers=[(str(name), str(value)) for name, value in fields["headers"]],
        body=body,
        crawl_meta=dict(fields["crawl_meta"]),
    )


def _dictionary(ref: Any) -> DictionaryRef | None:
    return None if ref is None else (str(ref[0]), int(ref[1]))


# -- chunks of the batch commands ----------------------------------------------------------------


def reextract_job(ids: Sequence[int], seconds: float) -> bytes:
    """Stored captures to extract again, each within ``seconds``."""
    return encode({"reextract": list(ids), "seconds": seconds})


def warc_job(job: WarcJob, seconds: float) -> bytes:
    """A range of a WARC file to read, its pages to extract each within ``seconds``."""
    fields = {
        "path": job.path, "start": job.start, "end": job.end, "exact": job.exact,
        "site": job.site, "dictionaries": {n: list(ref) for n, ref in job.dictionaries.items()},
    }  # fmt: skip
    return encode({"warc": fields, "seconds": seconds})


def read_reextract_job(document: dict[str, Any]) -> tuple[list[int], float]:
    """The capture ids of a ``reextract`` chunk and the seconds each page may take."""
    try:
        return [int(i) for i in document["reextract"]], float(document["seconds"])
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameError(f"not a chunk: {exc!r}") from None


def read_warc_job(document: dict[str, Any]) -> tuple[WarcJob, float]:
    """The range of a ``warc`` chunk and the seconds each page may take."""
    try:
        fields = document["warc"]
        site = fields["site"]
        dictionaries = {str(name): (str(ref[0]), int(ref[1]))
                        for name, ref in fields["dictionaries"].items()}  # fmt: skip
        job = WarcJob(
            str(fields["path"]), int(fields["start"]), int(fields["end"]), bool(fields["exact"]),
            None if site is None else str(site), dictionaries,
        )  # fmt: skip
        return job, float(document["seconds"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise FrameError(f"not a chunk: {exc!r}") from None


def piece_frame(
    first: int,
    stop: int,
    read: dict[str, Any],
    entries: Sequence[tuple[Capture, StoredBody | None, Reextracted | None]],
) -> bytes:
    """A worker's answer for a ``warc`` chunk: where its first record starts, where it
    stopped reading, what it read (plain values) and the captures to save."""
    captures = [
        {
            "capture": capture_fields(capture),
            "stored": None if stored is None else _stored_fields(stored),
            "new": None if new is None else _reextracted_fields(new),
        }
        for capture, stored, new in entries
    ]
    document = {"piece": {"first": first, "stop": stop, "read": read, "captures": captures}}
    return encode(document, b"".join(s.data for _, s, _ in entries if s is not None))


def read_piece(
    document: dict[str, Any], payload: bytes
) -> (
    tuple[int, int, dict[str, Any], list[tuple[Capture, StoredBody | None, Reextracted | None]]]
    | str
):
    """The parts of a worker's answer for a ``warc`` chunk, or why it failed."""
    if isinstance(document.get("error"), str):
        return str(document["error"])
    try:
        piece = document["piece"]
        entries = []
        at = 0
        for entry in piece["captures"]:
            stored, new, at = _made(entry, payload, at)
            entries.append((capture_from_fields(entry["capture"], b""), stored, new))
        read = piece["read"]
        if not isinstance(read, dict):
            raise TypeError("read is not an object")
        return int(piece["first"]), int(piece["stop"]), read, entries
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameError(f"not a chunk's answer: {exc!r}") from None


def _made(
    entry: dict[str, Any], payload: bytes, at: int
) -> tuple[StoredBody | None, Reextracted | None, int]:
    """A page's stored body (its bytes at ``at`` in ``payload``) and new extraction, as a
    worker's answer gives them; and where the next stored body starts."""
    kept, new = entry["stored"], entry["new"]
    stored = None
    if kept is not None:
        stored, at = _stored(kept, payload, at)
    return stored, None if new is None else _reextracted(new), at


def _stored_fields(stored: StoredBody) -> dict[str, Any]:
    return {"sha256": stored.sha256, "codec": stored.codec, "size": stored.size,
            "length": len(stored.data)}  # fmt: skip


def _stored(fields: dict[str, Any], payload: bytes, at: int) -> tuple[StoredBody, int]:
    """The stored body ``fields`` describe, its bytes at ``at`` in ``payload``; and where the
    next one starts."""
    end = at + int(fields["length"])
    data = payload[at:end]
    return StoredBody(str(fields["sha256"]), str(fields["codec"]), data, int(fields["size"])), end


def chunk_frame(done: Sequence[ChunkDone]) -> bytes:
    """A worker's answer for a chunk: what it made of each page, in order."""
    entries = [
        {
            "stored": None if stored is None else _stored_fields(stored),
            "new": None if new is None else _reextracted_fields(new),
        }
        for stored, new in done
    ]  # fmt: skip
    return encode({"chunk": entries}, b"".join(s.data for s, _ in done if s is not None))


def read_chunk(document: dict[str, Any], payload: bytes) -> list[ChunkDone] | str:
    """What a worker made of each page of a chunk, or why the whole chunk failed."""
    if isinstance(document.get("error"), str):
        return str(document["error"])
    try:
        out: list[ChunkDone] = []
        at = 0
        for entry in document["chunk"]:
            stored, new, at = _made(entry, payload, at)
            out.append((stored, new))
        return out
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameError(f"not a chunk's answer: {exc!r}") from None


def _reextracted_fields(new: Reextracted) -> dict[str, Any]:
    fields = {name: getattr(new, name) for name in _REEXTRACTED_FIELDS}
    fields["article"] = None if new.article is None else article_fields(new.article)
    return fields


def _reextracted(fields: dict[str, Any]) -> Reextracted:
    found = fields["article"]
    article = None if found is None else article_from_fields(found)
    return Reextracted(**{name: fields[name] for name in _REEXTRACTED_FIELDS}, article=article)


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
        fields = {"article": article_fields(result)}
    else:
        fields = {"not_article": {name: getattr(result, name) for name in _NOT_ARTICLE_FIELDS}}
    fields["dropped_links"] = extraction.dropped_links
    fields["spared"] = extraction.spared
    return fields


def _extraction(fields: dict[str, Any]) -> Extraction:
    result: Article | NotArticle
    if "article" in fields:
        result = article_from_fields(fields["article"])
    else:
        result = NotArticle(**fields["not_article"])
    dropped = {str(reason): int(count) for reason, count in fields["dropped_links"].items()}
    return Extraction(result, dropped, int(fields["spared"]))


def article_fields(article: Article) -> dict[str, Any]:
    """An article as plain values."""
    # (Not dataclasses.asdict: its deep copies cost more than the rest of the frame.)
    fields = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    fields["links"] = [[getattr(link, n) for n in _LINK_FIELDS] for link in article.links]
    return fields


def article_from_fields(fields: dict[str, Any]) -> Article:
    """The article :func:`article_fields` gave ``fields`` of."""
    article = dict(fields)
    article["links"] = [Link(*link) for link in article["links"]]
    return Article(**article)


__all__ = [
    "HEADER",
    "READY_FRAME",
    "ChunkDone",
    "DictionaryRef",
    "FrameError",
    "WarcJob",
    "article_fields",
    "article_from_fields",
    "capture_fields",
    "capture_from_fields",
    "chunk_frame",
    "decode",
    "done_frame",
    "encode",
    "error_frame",
    "job_frame",
    "piece_frame",
    "read_answer",
    "read_chunk",
    "read_job",
    "read_piece",
    "read_reextract_job",
    "read_warc_job",
    "reextract_job",
    "warc_job",
]
