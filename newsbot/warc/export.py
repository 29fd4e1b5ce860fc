"""The archive's captures as one WARC/1.1 file (``newsbot export warc``), written with warcio.

What a reader of the file may rely on:

- One gzip member per record (``warcio check`` and ``warcio index`` read it; so do pywb and
  other replay tools). First a ``warcinfo`` record (the newsbot version, the format, the
  selection), then for each selected capture, in capture-id order, a ``response`` (or
  ``revisit``) record and a ``request`` record pointing at it with ``WARC-Concurrent-To``.
- ``WARC-Date`` is the capture's ``fetched_at``; ``WARC-Target-URI`` its final URL, the one that
  answered. When the first requested URL differs (a redirect followed by the fetcher), it is
  kept in ``WARC-X-Newsbot-Requested-URI``. ``WARC-X-Newsbot-Site`` and ``WARC-X-Newsbot-Kind``
  name the site profile that read the capture and what it was to the crawl (``article``,
  ``sitemap``, …), so that ``newsbot import warc`` reads it back exactly as it was.
- The status line and headers are the capture's, as received, with one correction: bodies are
  stored decoded (the fetcher removed their content coding), so ``Content-Encoding`` and
  ``Transfer-Encoding`` are dropped and ``Content-Length`` is the length of the payload
  actually written. The values received are not lost: each is kept in the same place as an
  ``X-Archive-Orig-<Name>`` header (``X-Archive-Orig-Content-Length: 47429``), the prefix
  Wayback and pywb give the original headers of a replayed page. Header values that are not
  ASCII are percent-encoded by warcio (RFC 8187).
- Every ``response`` carries ``WARC-Payload-Digest`` and ``WARC-Block-Digest`` (sha1, base32,
  as warcio computes them); every ``revisit`` carries the payload digest of the body it stands
  for. The payload of a response is byte-identical to the archive's body.
- A body is written once: the first capture of a body in the selection gets a full response,
  each later capture of the same body (the same page fetched again unchanged, or the same bytes
  at another URL) a ``revisit`` with the ``identical-payload-digest`` profile whose
  ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date`` name that response. A 304 becomes a
  ``revisit`` with the ``server-not-modified`` profile naming the capture that holds the body
  (which may lie outside the selection); a 304 whose earlier capture is unknown is written as
  the bodiless response it was.
- The archive does not store request headers: each request record is rebuilt as newsbot sends
  requests, a ``GET`` of the final URL with ``Host`` and, when the crawl run recorded it, its
  ``User-Agent``. The warcinfo record says so.
- Captures that got no answer (status 0: DNS failure, refused connection, timeout) have no
  HTTP response and are not written; :class:`ExportSummary` counts them.
- The file is written as ``OUT.part`` and renamed to ``OUT`` once complete: an export that
  fails or is interrupted never leaves a truncated file under the final name.
- Memory does not grow with the archive: captures are read in pages, one body at a time, and
  "is this the first capture of its body?" is answered by SQLite, not by a set in memory.
"""

from __future__ import annotations

import datetime as dt
import http
import importlib.metadata
import os
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

import zstandard
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from newsbot import __version__
from newsbot.archive.exporting import CaptureExport, CaptureFilter, ExportedCapture
from newsbot.archive.records import one_line
from newsbot.export.files import replaced

if TYPE_CHECKING:
    from newsbot.archive import Archive

WARC_VERSION = "WARC/1.1"
#: WARC header holding the URL first requested, when a redirect made another one answer.
REQUESTED_URI_HEADER = "WARC-X-Newsbot-Requested-URI"
#: The site profile of the capture and its kind (see newsbot.items.CaptureKind).
SITE_HEADER = "WARC-X-Newsbot-Site"
KIND_HEADER = "WARC-X-Newsbot-Kind"
#: Prefix of the headers that keep what the server sent when the written value differs.
ORIGINAL_PREFIX = "X-Archive-Orig-"
IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
#: Headers that describe a coding the stored (decoded) body no longer has.
_CODING_HEADERS = frozenset({"content-encoding", "transfer-encoding"})
#: Payload digests remembered for revisits (a bounded cache: memory stays flat).
_DIGEST_CACHE = 4096
#: gzip level of each record: zlib's default, 3 times faster than warcio's 9 on HTML pages
#: for a file a few percent larger.
_GZIP_LEVEL = 6


class WarcExportError(Exception):
    """An export that cannot be done; ``str()`` is one line for the user. No file was left
    under the output's name (an earlier file there is untouched)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_warc` wrote."""

    path: Path
    #: Every record: the warcinfo, and a request plus a response or revisit per capture.
    records: int
    responses: int
    revisits: int
    #: Captures written (each as two records).
    captures: int
    #: Captures without an answer (status 0), not written.
    skipped: int
    #: Size of the file written.
    bytes: int

    def line(self) -> str:
        """The one-line summary the command prints."""
        from newsbot.report import human_bytes

        text = (
            f"wrote {self.records} records ({self.responses} responses, {self.revisits}"
            f" revisits) for {self.captures} captures to {self.path} ({human_bytes(self.bytes)})"
        )
        if self.skipped:
            text += f"; skipped {self.skipped} captures without an answer"
        return text


def selected_count(archive: Archive, selection: CaptureFilter) -> int:
    """How many captures ``selection`` holds (those without an answer included): the length
    of a progress bar over :func:`export_warc`."""
    return CaptureExport(archive).count(selection)


def export_warc(
    archive: Archive,
    out: Path,
    selection: CaptureFilter | None = None,
    *,
    progress: Callable[[], object] | None = None,
) -> ExportSummary:
    """Write the captures of ``selection`` to ``out`` as a gzipped WARC/1.1 file (see the
    module docstring for what it holds), replacing any file there once complete.

    ``selection``: every capture when None. ``progress`` is called once per capture read.
    Raises :class:`WarcExportError` for a site with no captures, an output that cannot be
    written, or a body that cannot be read; then nothing is left under ``out``'s name but what
    was there before.
    """
    selection = selection or CaptureFilter()
    reads = CaptureExport(archive)
    if missing := reads.missing_sites(selection):
        raise WarcExportError(missing)
    out = Path(out)
    if out.is_dir():
        raise WarcExportError(f"cannot write {out}: it is a folder")
    if out.resolve() == archive.path.resolve():
        raise WarcExportError(f"cannot write {out}: it is the archive itself")
    try:
        with replaced(out) as partial, partial.open("wb") as stream:
            writer = _Writer(stream, reads)
            writer.warcinfo(out.name, archive.path, selection)
            for capture in reads.captures(selection):
                writer.capture(capture)
                if progress is not None:
                    progress()
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        raise WarcExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    return ExportSummary(
        path=out,
        records=writer.records,
        responses=writer.responses,
        revisits=writer.revisits,
        captures=writer.captures,
        skipped=writer.skipped,
        bytes=out.stat().st_size,
    )


def describe(selection: CaptureFilter) -> str:
    """The selection in words, as the warcinfo record states it."""
    parts = []
    if selection.sites:
        parts.append("site " + ", ".join(selection.sites))
    if selection.urls:
        parts.append("url " + " ".join(selection.urls))
    if selection.captured_since:
        parts.append(f"captured since {selection.captured_since}")
    if selection.captured_until:
        parts.append(f"captured before {selection.captured_until}")
    return "; ".join(parts) or "every capture"


class _GzipMembers:
    """A binary stream compressing each record into a gzip member of its own: warcio's writer
    flushes once at the end of every record, and a flush here ends the member."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self._compressor: Any = None

    def write(self, data: bytes) -> None:
        if self._compressor is None:
            self._compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.raw.write(self._compressor.compress(data))

    def flush(self) -> None:
        if self._compressor is not None:
            self.raw.write(self._compressor.flush())
            self._compressor = None


class _Writer:
    """Records of one export, written in order, with their counts."""

    def __init__(self, stream: BinaryIO, reads: CaptureExport) -> None:
        # gzip=False: _GzipMembers does it, at a faster level than warcio's own wrapper.
        self._warc = WARCWriter(_GzipMembers(stream), gzip=False, warc_version=WARC_VERSION)
        self._reads = reads
        self._digests: OrderedDict[str, str] = OrderedDict()
        self.records = self.responses = self.revisits = self.captures = self.skipped = 0

    def warcinfo(self, filename: str, archive: Path, selection: CaptureFilter) -> None:
        info = {
            "software": f"newsbot/{__version__} (warcio/{importlib.metadata.version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "isPartOf": archive.name,
            "selection": describe(selection),
            "description": "Captures of a newsbot archive. Response headers as received, but"
            " bodies are stored decoded: Content-Encoding and Transfer-Encoding are dropped"
            " and Content-Length is the payload's; the values received are kept as"
            " X-Archive-Orig-* headers. Request records are rebuilt (GET, Host, the run's"
            " User-Agent): request headers are not archived.",
        }
        self._write(self._warc.create_warcinfo_record(filename, info))

    def capture(self, capture: ExportedCapture) -> None:
        if capture.status == 0:
            self.skipped += 1
            return
        try:
            response = self._response_or_revisit(capture)
        except ValueError as exc:  # a capture time that is not ISO 8601
            raise WarcExportError(f"cannot export capture {capture.capture_id}: {exc}") from None
        if capture.url != capture.final_url:
            response.rec_headers.add_header(REQUESTED_URI_HEADER, capture.url)
        # Which profile read it and what it was to the crawl: an import reads it the same way.
        response.rec_headers.add_header(SITE_HEADER, capture.site)
        response.rec_headers.add_header(KIND_HEADER, capture.kind)
        self._warc.write_request_response_pair(self._request(capture), response)
        self.records += 2
        self.captures += 1

    def _response_or_revisit(self, capture: ExportedCapture) -> ArcWarcRecord:
        warc_headers = {"WARC-Date": warc_date(capture.fetched_at)}
        uri = capture.final_url
        if capture.sha256 is not None and capture.first_of_body not in (None, capture.capture_id):
            first = self._reads.ref(capture.first_of_body or 0)
            if first is not None and first.sha256 == capture.sha256:
                self.revisits += 1
                headers = http_headers(capture.status, capture.headers, capture.size)
                return self._warc.create_revisit_record(
                    uri,
                    self._digest(capture.sha256, capture.capture_id, uri),
                    first.final_url,
                    warc_date(first.fetched_at),
                    http_headers=headers,
                    warc_headers_dict=warc_headers,
                )
        if capture.status == 304 and capture.sha256 is None and capture.revisit_of is not None:
            earlier = self._reads.ref(capture.revisit_of)
            if earlier is not None and earlier.sha256 is not None:
                self.revisits += 1
                headers = http_headers(capture.status, capture.headers, None)
                record = self._warc.create_warc_record(
                    uri, "revisit", http_headers=headers, warc_headers_dict=warc_headers
                )
                record.rec_headers.add_header("WARC-Profile", SERVER_NOT_MODIFIED)
                record.rec_headers.add_header("WARC-Refers-To-Target-URI", earlier.final_url)
                record.rec_headers.add_header("WARC-Refers-To-Date", warc_date(earlier.fetched_at))
                record.rec_headers.add_header(
                    "WARC-Payload-Digest", self._digest(earlier.sha256, earlier.capture_id, uri)
                )
                return record
        body = self._body(capture.sha256, capture.capture_id, uri) if capture.sha256 else b""
        self.responses += 1
        record = self._warc.create_warc_record(
            uri,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers(capture.status, capture.headers, len(body)),
            warc_headers_dict=warc_headers,
        )
        if capture.sha256:
            self._remember(capture.sha256, record.rec_headers.get_header("WARC-Payload-Digest"))
        return record

    def _request(self, capture: ExportedCapture) -> ArcWarcRecord:
        parts = urlsplit(capture.final_url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [("Host", parts.netloc.rpartition("@")[2])]
        if capture.user_agent:
            headers.append(("User-Agent", capture.user_agent))
        request = StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)
        # Target URI and date are the response's: warcio copies them when writing the pair.
        return self._warc.create_warc_record(capture.final_url, "request", http_headers=request)

    def _write(self, record: ArcWarcRecord) -> None:
        self._warc.write_record(record)
        self.records += 1

    def _body(self, sha256: str, capture_id: int, url: str) -> bytes:
        try:
            return self._reads.body(sha256)
        except (KeyError, ValueError, zstandard.ZstdError) as exc:
            raise WarcExportError(
                f"cannot read the body of capture {capture_id} ({url}): {exc}"
            ) from None

    def _digest(self, sha256: str, capture_id: int, url: str) -> str:
        """The WARC payload digest of a stored body, read again if not remembered."""
        known = self._digests.get(sha256)
        if known is None:
            digester = Digester("sha1")
            digester.update(self._body(sha256, capture_id, url))
            known = str(digester)
            self._remember(sha256, known)
        else:
            self._digests.move_to_end(sha256)
        return known

    def _remember(self, sha256: str, digest: str) -> None:
        self._digests[sha256] = digest
        self._digests.move_to_end(sha256)
        if len(self._digests) > _DIGEST_CACHE:
            self._digests.popitem(last=False)


def http_headers(
    status: int, headers: Iterable[tuple[str, str]], payload_length: int | None
) -> StatusAndHeaders:
    """The HTTP status line and headers written for a capture: as received, but without a
    content or transfer coding the stored body no longer has, and with ``Content-Length`` set
    to ``payload_length`` (left as received when None). Each value changed or dropped stays,
    in its place, as an ``X-Archive-Orig-<Name>`` header."""
    written: list[tuple[str, str]] = []
    length_seen = False
    for name, value in headers:
        lower = name.lower()
        if lower in _CODING_HEADERS:
            written.append((ORIGINAL_PREFIX + name, value))
        elif lower == "content-length" and payload_length is not None:
            if length_seen:
                written.append((ORIGINAL_PREFIX + name, value))
                continue
            length_seen = True
            if value.strip() != str(payload_length):
                written.append((ORIGINAL_PREFIX + name, value))
            written.append((name, str(payload_length)))
        else:
            written.append((name, value))
    if payload_length is not None and not length_seen:
        written.append(("Content-Length", str(payload_length)))
    return StatusAndHeaders(status_line(status), written, protocol="HTTP/1.1")


def status_line(status: int) -> str:
    """``"200 OK"``: the code and its standard reason phrase (the code alone if it has none)."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def warc_date(fetched_at: str) -> str:
    """A stored ISO 8601 time as a WARC-Date in UTC (``2026-12-04T18:03:44Z``; fractions of a
    second kept when there are some). A time without a zone is taken as UTC."""
    moment = dt.datetime.fromisoformat(fetched_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(moment, use_micros=bool(moment.microsecond)))
