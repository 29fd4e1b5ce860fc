"""Files for other tools: the archive's articles as JSON Lines, CSV or Parquet
(:mod:`~newsbot.export.articles`), its raw pages as one file per capture
(:mod:`~newsbot.export.captures`).

No Scrapy and no SQL here: rows are read through :class:`~newsbot.archive.Archive`. pyarrow is
imported only to write Parquet (the ``parquet`` extra).
"""

from __future__ import annotations

from newsbot.export.articles import (
    FORMATS,
    ExportError,
    ExportSummary,
    export_articles,
)

__all__ = ["FORMATS", "ExportError", "ExportSummary", "export_articles"]
