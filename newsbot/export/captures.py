"""A capture export: the raw pages of a selection as files, for tools that read files.

One file per capture with a body, its bytes exactly as fetched (decoded from any
Content-Encoding, as the archive stores them), at ``HOST/PATH…/NAME@ID.EXT`` under the output
folder: the URL's host (``_PORT`` when it has one), its path's folders, its last segment
(``index`` for a path ending in ``/``; the query string added after ``_``) and the capture's id
after ``@``. Names are safe for any URL: every character but letters, digits, ``.``, ``-`` and
``_`` becomes ``_``; ``.`` and ``..`` segments are dropped and no name starts with a dot; each
name is at most :data:`MAX_NAME_BYTES` of UTF-8 and at most :data:`MAX_FOLDERS` folders are kept.
Folder names never hold ``@``, so a file and a folder never collide, and the id keeps two
captures of one URL apart.

``manifest.jsonl`` beside them maps each file back: one JSON object per file with ``file`` (the
path under the folder, ``/``-separated), ``capture_id``, ``url``, ``final_url``, ``fetched_at``,
``status``, ``site``, ``kind``, ``content_type``, ``sha256`` and ``size``. It is written last:
a folder with a manifest holds a complete export.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from newsbot.archive.exporting import CaptureExport, CaptureFilter, ExportedCapture
from newsbot.export.files import replaced
from newsbot.report import human_bytes

if TYPE_CHECKING:
    from newsbot.archive import Archive

#: Longest file or folder name written, in UTF-8 bytes, id and extension included (most file
#: systems allow 255).
MAX_NAME_BYTES = 120
#: Deepest folder path kept under the host; deeper URLs keep their first folders.
MAX_FOLDERS = 12
MANIFEST = "manifest.jsonl"

_UNSAFE = re.compile(r"[^\w.\-]+")
#: File extensions by media type; other types keep the URL's own extension, if it has one.
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/json": ".json",
    "text/plain": ".txt",
}


class CaptureExportError(Exception):
    """A capture export that cannot be done; ``str()`` is one line for the user."""


@dataclass(frozen=True)
class CaptureExportSummary:
    """What :func:`export_captures` wrote."""

    folder: Path
    files: int
    bytes: int
    #: Captures of the selection without a body (a 304, an empty answer, no answer).
    without_body: int
    #: Captures left out by ``latest`` (a later capture of their URL was written).
    older: int
    seconds: float

    def document(self) -> dict[str, object]:
        """What ``--json`` prints: ``folder``, ``manifest`` (its path), ``files``, ``bytes``,
        ``without_body``, ``older``, ``seconds``."""
        return {
            "folder": str(self.folder),
            "manifest": str(self.folder / MANIFEST),
            "files": self.files,
            "bytes": self.bytes,
            "without_body": self.without_body,
            "older": self.older,
            "seconds": round(self.seconds, 3),
        }

    def line(self) -> str:
        """The one-line summary the command prints."""
        text = (
            f"wrote {self.files} files ({human_bytes(self.bytes)}) and {MANIFEST} to {self.folder}"
            f" in {self.seconds:.1f} s"
        )
        skipped = [
            f"{count} {what}"
            for count, what in (
                (self.without_body, "without a body"),
                (self.older, "older captures of a URL"),
            )
            if count
        ]
        return text + (f"; skipped {', '.join(skipped)}" if skipped else "")


def file_name(url: str, capture_id: int, content_type: str | None = None) -> PurePosixPath:
    """Where the capture ``capture_id`` of ``url`` goes, relative to the export folder (see
    the module docstring): always a relative path, never with a ``..`` segment."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower()  # never the user:password
    segments = [
        _safe(unquote(s)) for s in parts.path.split("/") if unquote(s) not in ("", ".", "..")
    ]
    last = "index" if parts.path.endswith("/") or not segments else segments.pop()
    extension = _extension(content_type, last)
    if extension and last.lower().endswith(extension) and len(last) > len(extension):
        last = last[: -len(extension)]
    if parts.query:
        last = f"{last}_{_safe(unquote(parts.query))}"
    suffix = f"@{capture_id}{extension}"
    name = _clip(_safe(last), MAX_NAME_BYTES - len(suffix.encode())) + suffix
    folders = [_clip(s, MAX_NAME_BYTES) for s in segments[:MAX_FOLDERS]]
    return PurePosixPath(_clip(_safe(host) or "_", MAX_NAME_BYTES), *folders, name)


def export_captures(
    archive: Archive,
    folder: Path,
    selection: CaptureFilter | None = None,
    *,
    latest: bool = False,
    progress: Callable[[], object] | None = None,
) -> CaptureExportSummary:
    """Write the bodies of the captures ``selection`` keeps (default: all) into ``folder``,
    created if missing and refused (:class:`CaptureExportError`) unless empty, and then its
    manifest. ``latest``: only the last capture with a body of each requested URL.
    ``progress`` is called once per capture read. OSError when a file cannot be written."""
    selection = selection or CaptureFilter()
    reads = CaptureExport(archive)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is not empty" if folder.is_dir() else "is a file"
        raise CaptureExportError(
            f"{folder} {what}: export captures writes into a new or empty folder"
        )
    if missing := reads.missing_sites(selection):
        raise CaptureExportError(missing)
    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    files = size = without_body = older = 0
    with replaced(folder / MANIFEST) as partial, partial.open("w", encoding="utf-8") as manifest:
        for capture in reads.captures(selection):
            if progress is not None:
                progress()
            if capture.sha256 is None:
                without_body += 1
                continue
            if latest and archive.captures.has_later(capture.capture_id, capture.url, selection):
                older += 1
                continue
            body = reads.body(capture.sha256)
            relative = file_name(capture.url, capture.capture_id, _content_type(capture))
            target = folder.joinpath(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            manifest.write(json.dumps(_manifest_row(relative, capture), ensure_ascii=False) + "\n")
            files += 1
            size += len(body)
    seconds = time.perf_counter() - start
    return CaptureExportSummary(folder, files, size, without_body, older, seconds)


def _manifest_row(relative: PurePosixPath, capture: ExportedCapture) -> dict[str, object]:
    return {
        "file": str(relative),
        "capture_id": capture.capture_id,
        "url": capture.url,
        "final_url": capture.final_url,
        "fetched_at": capture.fetched_at,
        "status": capture.status,
        "site": capture.site,
        "kind": capture.kind,
        "content_type": _content_type(capture),
        "sha256": capture.sha256,
        "size": capture.size,
    }


def _content_type(capture: ExportedCapture) -> str | None:
    for name, value in capture.headers:
        if name.lower() == "content-type":
            return value
    return None


def _extension(content_type: str | None, last: str) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _EXTENSIONS:
        return _EXTENSIONS[media]
    own = PurePosixPath(last).suffix.lower()
    return own if re.fullmatch(r"\.[a-z0-9]{1,5}", own) else ""


def _safe(name: str) -> str:
    """``name`` with only letters, digits, ``.``, ``-`` and ``_``, and no leading dot."""
    cleaned = _UNSAFE.sub("_", name)
    return ("_" + cleaned[1:]) if cleaned.startswith(".") else cleaned


def _clip(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8 (never inside a character)."""
    return name.encode()[:limit].decode("utf-8", "ignore")
