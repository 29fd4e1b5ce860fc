"""Plain-text summaries of an archive, shared by `newsbot stats`, `crawl` and `demo`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsbot.archive import ArchiveStats, SearchHit


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def breakdown(counts: Mapping[str, int]) -> str:
    """``de 13, en 13, fr 12`` — largest first, then by name."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{key} {value}" for key, value in items)


def format_stats(path: str, stats: ArchiveStats) -> str:
    """What an archive holds, one fact per line."""
    lines = [
        f"archive:   {path} ({human_bytes(stats.file_bytes)})",
        f"articles:  {stats.articles}"
        + (f" ({breakdown(stats.articles_by_language)})" if stats.articles else ""),
        f"links:     {stats.links}"
        + (f" ({breakdown(stats.links_by_kind)})" if stats.links else ""),
        f"captures:  {stats.captures} fetches, {stats.bodies} distinct bodies, "
        f"{human_bytes(stats.body_bytes)} stored in {human_bytes(stats.stored_bytes)}",
        f"errors:    {stats.errors}"
        + (f" ({breakdown(stats.errors_by_kind)})" if stats.errors else ""),
        f"frontier:  {stats.frontier.urls} URLs"
        + (
            f" ({breakdown(stats.frontier.by_state)}), {stats.frontier.due_now} due now"
            if stats.frontier.urls
            else ""
        ),
        f"runs:      {stats.runs}",
    ]
    if stats.last_run:
        run = stats.last_run
        lines.append(
            f"last run:  #{run.get('id')} {run.get('spider')} {run.get('status')}, "
            f"started {run.get('started_at')}, finished {run.get('finished_at') or '-'}"
        )
    return "\n".join(lines)


def format_hits(query: str, hits: list[SearchHit]) -> str:
    lines = [f'search "{query}": {len(hits)} hit{"s" if len(hits) != 1 else ""}']
    for hit in hits:
        lang = f"[{hit.language}] " if hit.language else ""
        lines.append(f"  {lang}{hit.title}\n    {hit.url}\n    {hit.snippet}")
    return "\n".join(lines)


def format_run_line(
    status: str, seconds: float, run: Mapping[str, Any], articles: int, archive: str
) -> str:
    """``crawl finished in 3.2 s: 120 discovered, 45 fetched (38 not modified), 2 new and
    1 changed articles, 1 error (http_404 1); archive holds 40 articles (archive/x.db)``"""
    counts: Mapping[str, Any] = run.get("counts") or {}
    errors = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("errors:")}
    error_text = f"{counts.get('errors', 0)} error{'s' if counts.get('errors', 0) != 1 else ''}"
    if errors:
        error_text += f" ({breakdown(errors)})"
    return (
        f"crawl {status} in {seconds:.1f} s: {counts.get('discovered', 0)} discovered, "
        f"{counts.get('fetched', 0)} fetched ({counts.get('not_modified', 0)} not modified), "
        f"{counts.get('articles_new', 0)} new and {counts.get('articles_changed', 0)} changed "
        f"articles, {error_text}; archive holds {articles} articles ({archive})"
    )
