"""WARC files from any crawler read in as captures (``newsbot import warc``). No Scrapy.

Each ``response`` record with an HTTP message becomes a capture, exactly as a crawl stores one:
its status, its headers as the server sent them, its payload (transfer and content codings
undone, as Scrapy undoes them), ``fetched_at`` = ``WARC-Date``. Bodies are content-addressed,
so a payload already in the archive (from this file, an earlier import or a crawl) is stored
once. A ``revisit`` record becomes a capture of the body it names: the latest capture of its
``WARC-Refers-To-Target-URI`` (at ``WARC-Refers-To-Date`` when given) that holds a body; a
revisit of a payload the archive does not hold is skipped and counted.

The site profile of a record is the one ``--site`` names, else the one newsbot's own export
wrote (``WARC-X-Newsbot-Site``), else the one whose domains own the URL's host (the generic
profile for others). Which pages are articles follows that profile, as in a crawl. The articles
are then extracted by :mod:`newsbot.reextract`, the same code and process pool, while the file
is still being read.

Records that are not HTTP responses (``warcinfo``, ``request``, ``metadata``, DNS lookups …)
are skipped and counted by type. A record already imported (same URL, time and payload) is
skipped. A truncated or malformed record is reported with its file offset; reading goes on at
the next record the file holds (the next gzip member, or the next ``WARC/`` line), and what was
already saved stays.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from collections import Counter
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from newsbot.archive import Archive
from newsbot.items import Capture, CaptureKind, StoredBody
from newsbot.warc.export import KIND_HEADER, REQUESTED_URI_HEADER, SITE_HEADER
from newsbot.warc.export import ORIGINAL_PREFIX as ORIGINAL_HEADER_PREFIX

ORIGINAL_PREFIX = ORIGINAL_HEADER_PREFIX.lower()
#: The largest body read (the crawl's DOWNLOAD_MAXSIZE).
MAX_BODY = 16 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"
_KINDS = ("article", "sitemap", "feed", "section", "page")
# crawl_meta of a revisit read: its body is looked up when it is saved.
REVISIT, REFERS_TO, REFERS_TO_DATE = "revisit", "refers_to", "refers_to_date"


@dataclass
class ImportReport:
    """What an import read: records by what became of them, and the damage it met."""

    files: int = 0
    records: int = 0
    captures: int = 0
    revisits: int = 0
    bodies_stored: int = 0
    already: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    damaged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records": self.records,
            "captures": self.captures,
            "revisits": self.revisits,
            "bodies_stored": self.bodies_stored,
            "already": self.already,
            "skipped": dict(self.skipped),
            "damaged": self.damaged,
        }

    def lines(self) -> list[str]:
        out = [
            f"read {self.records:,} records in {self.files:,} files: {self.captures:,} captures"
            f" ({self.revisits:,} revisits), {self.bodies_stored:,} new bodies"
        ]
        if self.already:
            out.append(f"{self.already:,} records already in the archive, skipped")
        if self.skipped:
            detail = ", ".join(f"{count:,} {why}" for why, count in self.skipped.most_common())
            out.append(f"skipped: {detail}")
        out.extend(f"damaged: {what}" for what in self.damaged)
        return out


class RangeReader:
    """Reads the records of one file that start in ``[start, end)`` (in a worker: see
    :mod:`newsbot.importing`). With ``exact``, a record starts at ``start``; else the first one
    at or after it is looked for (the next gzip member that inflates, or the next line starting
    ``WARC/1.``), which the caller checks against where the range before it stopped.

    :meth:`captures` gives the captures read, in order; then ``first`` is where the first
    record read starts and ``stop`` where reading stopped (the first record at or after
    ``end``, the file's size at its end); ``report`` counts the records read, those skipped
    and the damage met."""

    def __init__(
        self, path: Path, start: int, end: int, *, exact: bool, site: str | None = None
    ) -> None:
        self.path = path
        self.start = start
        self.end = end
        self.exact = exact
        self.site = site
        self.report = ImportReport()
        self.first = self.stop = start

    def captures(self) -> Iterator[Capture]:
        from warcio.archiveiterator import ArchiveIterator

        _inflate_with_isal()
        path = self.path
        try:
            handle = path.open("rb")
        except OSError as exc:  # (said once, by the range that starts the file)
            if self.start == 0:
                self.report.damaged.append(f"{path}: cannot read: {exc.strerror or exc}")
            self.first, self.stop = self.start, self.end
            return
        with handle:
            size = os.fstat(handle.fileno()).st_size
            found = self.start if self.exact else _next_record(handle, self.start)
            offset = size if found is None else found
            self.first = self.stop = offset
            while offset < self.end:
                handle.seek(offset)
                records = ArchiveIterator(handle, check_digests=False)
                at = offset
                try:
                    for record in records:
                        # Where this record starts (warcio counts from 0 until its first
                        # record is read through, then in the file's own offsets).
                        at = records.offset if records.offset >= offset else offset
                        if at >= self.end:  # the next range's
                            self.stop = at
                            return
                        self.report.records += 1
                        capture = self._capture(record)
                        records.read_to_end()
                        missing = getattr(record.raw_stream, "limit", 0)
                        if missing:  # the file ends inside this record: never half a body
                            self.report.damaged.append(
                                f"{path} at offset {at:,}: truncated {record.rec_type} record"
                                f" ({missing:,} bytes missing)"
                            )
                        elif capture is not None:
                            yield capture
                    end = records.offset if records.offset > offset else offset
                    if _left_over(handle, end):
                        # The file ends inside a record warcio could make nothing of.
                        self.report.damaged.append(f"{path} at offset {end:,}: truncated record")
                    self.stop = size
                    return
                except Exception as exc:  # a damaged record: say where, go on after it
                    if records.offset > at and records.member_info is not None:
                        at = records.offset  # the last record was read whole: the next one
                    if at >= self.end:
                        self.stop = at
                        return
                    self.report.damaged.append(f"{path} at offset {at:,}: {_describe(exc)}")
                    following = _next_record(handle, at + 1)
                    offset = self.stop = size if following is None else following

    def _capture(self, record: Any) -> Capture | None:
        kind = record.rec_type
        if kind not in ("response", "revisit"):
            self.report.skipped[f"{kind} records"] += 1
            return None
        if record.http_headers is None or not record.http_headers.statusline:
            self.report.skipped["responses that are not HTTP"] += 1
            return None
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not uri.lower().startswith(("http://", "https://")):
            self.report.skipped["records of other schemes"] += 1
            return None
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        headers = _original_headers(record.http_headers.headers)
        fetched_at = _fetched_at(record.rec_headers.get_header("WARC-Date") or "")
        meta: dict[str, Any] = {}
        body = b""
        if kind == "revisit":
            # Its body is the archive's, once what was read before it is saved.
            meta = {
                REVISIT: True,
                REFERS_TO: record.rec_headers.get_header("WARC-Refers-To-Target-URI") or "",
                REFERS_TO_DATE: record.rec_headers.get_header("WARC-Refers-To-Date") or "",
            }
        else:
            # Bounded as the crawl bounds a download: a huge or bomb-like payload is counted,
            # not read into memory.
            body = record.content_stream().read(MAX_BODY + 1)
            if len(body) > MAX_BODY:
                self.report.skipped[f"bodies over {MAX_BODY // 2**20} MiB"] += 1
                return None
        site = self.site or record.rec_headers.get_header(SITE_HEADER) or _site_of(uri)
        marked = record.rec_headers.get_header(KIND_HEADER)
        page_kind: CaptureKind = marked if marked in _KINDS else _kind_of(uri, site, headers)
        requested = record.rec_headers.get_header(REQUESTED_URI_HEADER) or uri
        return Capture(
            url=requested,
            final_url=uri,
            status=status,
            headers=headers,
            body=body,
            fetched_at=fetched_at,
            site=site,
            kind=page_kind,
            crawl_meta=meta,
        )


class Importer:
    """Saves the captures read from WARC files into an open, locked archive under run
    ``run_id``, in the order read (:meth:`save`), and counts what became of them."""

    def __init__(self, archive: Archive, run_id: int) -> None:
        self.archive = archive
        self.run_id = run_id
        self.report = ImportReport()

    def read(self, found: ImportReport) -> None:
        """Count what a :class:`RangeReader` read."""
        self.report.records += found.records
        self.report.already += found.already
        self.report.skipped.update(found.skipped)
        self.report.damaged.extend(found.damaged)

    def save(
        self, capture: Capture, stored: StoredBody | None = None, *, seen: Container[str] = ()
    ) -> int | None:
        """Save a capture a :class:`RangeReader` read (``stored``: its body already hashed and
        compressed, the body itself left out); its id when its page is one to extract. None
        when it is not saved: a revisit of a payload the archive does not hold, or a record
        already in the archive (same URL, time and payload). ``seen``: the :func:`key` of
        the captures saved since the reader looked for this one in the archive itself."""
        meta = capture.crawl_meta
        revisit = bool(meta.pop(REVISIT, False))
        if revisit:
            target, when = str(meta.pop(REFERS_TO, "")), str(meta.pop(REFERS_TO_DATE, ""))
            body = (
                self.archive.captures.body_of(target, _fetched_at(when) if when else None)
                if target
                else None
            )
            if body is None:
                self.report.skipped["revisits of payloads not in the archive"] += 1
                return None
            capture.body = body
            if self.archive.captures.exists(capture.url, capture.fetched_at, body):
                self.report.already += 1
                return None
        elif key(capture, stored) in seen:
            self.report.already += 1
            return None
        if stored is not None:
            capture.stored_body = stored
        saved = self.archive.save_capture(capture, run_id=self.run_id)
        self.report.captures += 1
        self.report.revisits += revisit or saved.revisit
        self.report.bodies_stored += saved.body_stored
        return None if saved.revisit or revisit else saved.capture_id


def key(capture: Capture, stored: StoredBody | None) -> str:
    """What makes a record the same as one imported before: its URL, time and payload."""
    return f"{capture.url} {capture.fetched_at} {stored.sha256 if stored else ''}"


def extractable(capture: Capture) -> bool:
    """Whether a capture a :class:`RangeReader` read is a page to extract (unless it turns
    out, once saved, to be the body last fetched from its URL)."""
    return (
        capture.kind == "article"
        and 200 <= capture.status < 300
        and bool(capture.body)
        and not capture.crawl_meta.get(REVISIT)
    )


def _inflate_with_isal() -> None:
    """Let warcio inflate gzip members with ISA-L when newsbot has it (twice zlib's speed,
    the same bytes out): reading the WARC is most of what an import does besides extracting."""
    from warcio.bufferedreaders import BufferedReader

    from newsbot.content_coding import gzip_member_decompressor

    BufferedReader.DECOMPRESSORS["gzip"] = gzip_member_decompressor


def _describe(exc: Exception) -> str:
    """An exception as one short printable line (warcio quotes the bytes it choked on)."""
    text = "".join(c if c.isprintable() else " " for c in str(exc))
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _original_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers as the server sent them: a value an archiver changed and kept as
    ``X-Archive-Orig-<Name>`` is put back in place of the changed one."""
    restored = {
        name[len(ORIGINAL_PREFIX) :].lower()
        for name, _ in headers
        if name.lower().startswith(ORIGINAL_PREFIX)
    }
    if not restored:
        return list(headers)
    out = []
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(ORIGINAL_PREFIX):
            out.append((name[len(ORIGINAL_PREFIX) :], value))
        elif lower not in restored:
            out.append((name, value))
    return out


def _fetched_at(warc_date: str) -> str:
    """A WARC-Date as the archive keeps times (ISO 8601, UTC, ``+00:00``)."""
    text = warc_date.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.astimezone(dt.UTC).isoformat(timespec=spec)


def _site_of(url: str) -> str:
    from newsbot.sites import profile_for_url

    return profile_for_url(url).slug


def _kind_of(url: str, site: str, headers: list[tuple[str, str]]) -> CaptureKind:
    """What a crawl of ``site`` would have called the page: an article when its path is an
    article's by the profile (any HTML page, for the generic profile)."""
    from urllib.parse import urlsplit

    from newsbot.sites import load_profile, split_root

    content_type = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
    if content_type and "html" not in content_type:
        return "page"
    try:
        profile = load_profile(site)
    except Exception:
        return "article"
    if not profile.editions:
        return "article"
    found = split_root(url, profile.edition_roots(list(profile.editions)))
    path = found[1] if found else urlsplit(url).path or "/"
    return "article" if profile.is_article_path(path) else "page"


def _next_record(handle: IO[bytes], start: int) -> int | None:
    """Offset of the first record at or after ``start``: the next gzip member whose start
    inflates, or the next line starting ``WARC/1.``."""
    position = start
    while True:
        handle.seek(position)
        data = handle.read(1 << 20)
        if not data:
            return None
        found = []
        i = data.find(_GZIP_MAGIC)
        while i != -1 and not _inflates(data[i : i + 4096]):
            i = data.find(_GZIP_MAGIC, i + 1)
        if i != -1:
            found.append(i)
        j = data.find(b"\nWARC/1.")
        if j != -1:
            found.append(j + 1)
        if found:
            return position + min(found)
        if len(data) < 1 << 20:
            return None
        position += len(data) - 16


def _left_over(handle: IO[bytes], end: int) -> bool:
    """Whether the file holds more than blank lines after offset ``end``."""
    handle.seek(end)
    return bool(handle.read(4096).strip())


def _inflates(head: bytes) -> bool:
    try:
        zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    except zlib.error:
        return False
    return True


__all__ = ["ImportReport", "Importer", "RangeReader", "extractable", "key"]
