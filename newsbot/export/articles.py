"""An article export: the selected articles of an archive as JSON Lines, CSV or Parquet.

One schema for the three (:data:`~newsbot.archive.articles.EXPORT_FIELDS`, ``words``, ``links``):
JSON Lines holds lists and objects as JSON; CSV has a header row, every string quoted, lists
and objects as JSON text in their cell; Parquet (zstd) has ``list<string>`` lists, ``extras``
as JSON text and ``links`` as a list of structs. Rows are read a page at a time and written as
they come, so memory stays flat however large the archive; Parquet gets a row group per page.

JSON Lines and CSV lines are made by SQLite itself (stored lists spliced in as they are): Python
only writes them, which is what makes an export about as fast as reading the rows.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsbot.archive.articles import ArticleFilter, ExportField, export_fields
from newsbot.export.files import replaced
from newsbot.report import human_bytes

if TYPE_CHECKING:
    from newsbot.archive import Archive

#: The formats of :func:`export_articles`; the first is the default.
FORMATS = ("jsonl", "csv", "parquet")

#: What to say when Parquet is asked for and pyarrow is missing.
PARQUET_MISSING = "Parquet needs pyarrow: pip install 'newsbot[parquet]'"

#: Called with the number of articles just written.
Progress = Callable[[int], None]


class ExportError(Exception):
    """An export a user asked for that cannot be done; ``str()`` is one line for them."""


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_articles` wrote: ``path`` None for a stream (then ``bytes`` is None)."""

    articles: int
    seconds: float
    path: Path | None = None
    bytes: int | None = None

    #: What was exported, plural (``articles``, ``links``).
    what: str = "articles"

    def line(self) -> str:
        """The one-line summary: ``exported 38 articles to x.jsonl (1.2 MiB) in 0.3 s``."""
        where = " to standard output" if self.path is None else f" to {self.path}"
        size = "" if self.bytes is None else f" ({human_bytes(self.bytes)})"
        noun = self.what[:-1] if self.articles == 1 else self.what
        return f"exported {self.articles} {noun}{where}{size} in {self.seconds:.1f} s"

    def document(self) -> dict[str, object]:
        """What ``--json`` prints: the count (under the name of what was exported), ``path``,
        ``bytes``, ``seconds``."""
        return {
            self.what: self.articles,
            "path": None if self.path is None else str(self.path),
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


def export_articles(
    archive: Archive,
    output: Path | TextIO,
    fmt: str = "jsonl",
    selection: ArticleFilter | None = None,
    fields: Sequence[ExportField] | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the articles ``selection`` keeps (default: all), oldest first, to ``output`` in
    format ``fmt`` (one of :data:`FORMATS`) with ``fields`` (default: every field of
    :data:`~newsbot.archive.articles.EXPORT_FIELDS`; see
    :func:`~newsbot.archive.articles.export_fields`).

    ``output`` is a path (written as ``OUTPUT.part`` and renamed once complete) or, for jsonl
    and csv, an open text stream. Raises :class:`ExportError` for Parquet without pyarrow or
    to a stream, or the archive's own path; OSError when the file cannot be written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    if isinstance(output, Path) and output.resolve() == archive.path.resolve():
        raise ExportError(f"cannot write {output}: it is the archive itself")
    chosen = list(fields) if fields is not None else export_fields()
    wanted = selection or ArticleFilter()
    advance = progress or (lambda n: None)
    start = time.perf_counter()
    if fmt == "parquet":
        if not isinstance(output, Path):
            raise ExportError("Parquet is written to a file, not a stream: give an output path")
        pyarrow = require_pyarrow()
        with replaced(output) as partial:
            count = _write_parquet(pyarrow, archive, partial, wanted, chosen, advance)
    elif isinstance(output, Path):
        with replaced(output) as partial, partial.open("w", encoding="utf-8", newline="") as out:
            count = _write_text(archive, out, fmt, wanted, chosen, advance)
    else:
        count = _write_text(archive, output, fmt, wanted, chosen, advance)
    seconds = time.perf_counter() - start
    if isinstance(output, Path):
        return ExportSummary(count, seconds, output, output.stat().st_size)
    return ExportSummary(count, seconds)


def require_pyarrow() -> Any:
    """The pyarrow module; :class:`ExportError` (:data:`PARQUET_MISSING`) when not installed."""
    try:
        # (Loaded by name: pyarrow ships no type information.)
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ExportError(PARQUET_MISSING) from None
    return pyarrow


def _write_text(
    archive: Archive,
    stream: TextIO,
    fmt: str,
    selection: ArticleFilter,
    fields: Sequence[ExportField],
    advance: Progress,
) -> int:
    if fmt == "csv":
        stream.write(",".join(field.name for field in fields) + "\n")
    count = 0
    for batch in archive.articles.export_batches(
        selection, fields, style="csv" if fmt == "csv" else "jsonl"
    ):
        stream.write("".join([f"{line}\n" for _, line in batch]))
        count += len(batch)
        advance(len(batch))
    return count


def arrow_schema(pyarrow: Any, fields: Sequence[ExportField]) -> Any:
    """The Parquet schema of ``fields``, each field's description in its metadata."""
    pa = pyarrow
    link = pa.struct(
        [
            ("target", pa.string()),
            ("kind", pa.string()),
            ("anchor_text", pa.string()),
            ("label", pa.string()),
            ("position", pa.int64()),
        ]
    )
    types = {"integer": pa.int64(), "list": pa.list_(pa.string()), "links": pa.list_(link)}
    return pa.schema(
        [
            pa.field(f.name, types.get(f.type, pa.string()), metadata={"description": f.doc})
            for f in fields
        ]
    )


def _write_parquet(
    pyarrow: Any,
    archive: Archive,
    path: Path,
    selection: ArticleFilter,
    fields: Sequence[ExportField],
    advance: Progress,
) -> int:
    schema = arrow_schema(pyarrow, fields)
    text = pyarrow.string()
    count = 0
    with pyarrow.parquet.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in archive.articles.export_batches(selection, fields, style="bytes"):
            columns = list(zip(*batch, strict=True))[1:]
            arrays = [
                _arrow_column(pyarrow, column, f.type, t, text)
                for column, f, t in zip(columns, fields, schema.types, strict=True)
            ]
            writer.write_batch(pyarrow.record_batch(arrays, schema=schema))
            # Arrow's allocator (mimalloc) keeps the pages it freed; given back page by page,
            # the export's memory stays that of one page, however many pages there are.
            pyarrow.default_memory_pool().release_unused()
            count += len(batch)
            advance(len(batch))
    return count


def _arrow_column(pyarrow: Any, cells: Sequence[Any], kind: str, arrow_type: Any, text: Any) -> Any:
    """One column of a page as Arrow: lists decoded from their JSON, text from its UTF-8
    bytes (checked as UTF-8 by the cast, never decoded by Python)."""
    if kind in ("list", "links"):
        # One call to the JSON parser for the whole column, not one per cell.
        return pyarrow.array(json.loads(b"[" + b",".join(cells) + b"]"), type=arrow_type)
    if arrow_type == text:
        return pyarrow.array(cells, type=pyarrow.binary()).cast(text)
    return pyarrow.array(cells, type=arrow_type)
