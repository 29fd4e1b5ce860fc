"""What the read commands print: plain-text summaries (shared by `newsbot stats`, `search`,
`runs`, `crawl` and `demo`) and the JSON documents of their ``--json`` form.

The JSON documents are plain dicts whose keys are part of the command line's promise: new keys
may appear, existing ones keep their name and meaning.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from newsbot.archive import ArchiveStats, ArticleVersion, SearchResult, version_changes
from newsbot.archive.records import one_line

if TYPE_CHECKING:
    from newsbot.archive.graph import ClusterMember, RelatedView

#: Plain words for the frontier's states (see :mod:`newsbot.archive.frontier`).
_FRONTIER_STATES = {
    "done": "fetched",
    "due": "never fetched",
    "gone": "gone",
    "failed": "failing",
    "blocked": "blocked by robots.txt",
}


def human_bytes(size: int) -> str:
    """``512 B``, ``3.0 KiB``, ``14.1 MiB``, ``2.0 GiB``: binary units, named as such."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def breakdown(counts: Mapping[str, int]) -> str:
    """``de 13, en 13, fr 12`` — largest first, then by name."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{key} {value}" for key, value in items)


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 match``, ``2 matches``, ``0 runs``."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def json_document(document: Any) -> str:
    """A JSON document as the ``--json`` commands print it: UTF-8 kept readable, indented."""
    return json.dumps(document, ensure_ascii=False, indent=2)


# -- stats ------------------------------------------------------------------------------------


def format_stats(path: str, stats: ArchiveStats) -> str:
    """What an archive holds, one fact per line."""
    frontier = stats.frontier
    states = {_FRONTIER_STATES.get(k, k): v for k, v in frontier.by_state.items()}
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
        f"frontier:  {plural(frontier.urls, 'URL')}"
        + (f" ({breakdown(states)})" if frontier.urls else ""),
    ]
    if frontier.urls:
        due = f"due now:   {plural(frontier.due_now, 'URL')} a crawl started now would fetch"
        if frontier.due_now:
            due += f" ({breakdown(frontier.due_now_by_kind)})"
        if frontier.next_due_at:
            due += f"; the next falls due at {frontier.next_due_at}"
        lines.append(due)
    lines.append(f"runs:      {stats.runs}")
    if stats.last_run:
        run = stats.last_run
        lines.append(
            f"last run:  #{run.get('id')} {run.get('spider')} {run.get('status')}, "
            f"started {run.get('started_at')}, finished {run.get('finished_at') or '-'}"
        )
        lines.extend(_nodes_lines(run.get("stats") or {}))
    return "\n".join(lines)


def _nodes_lines(stats: Mapping[str, Any]) -> list[str]:
    """The processes of a distributed run and what each did, and what its queue held at the
    end (nothing for a local run)."""
    nodes = stats.get("newsbot/redis/nodes")
    if not isinstance(nodes, dict):
        return []
    lines = [f"  queue:   {plural(int(stats.get('newsbot/redis/queued') or 0), 'request')} left"]
    for name, counts in sorted(nodes.items()):
        done = ", ".join(f"{what} {counts.get(what, 0)}" for what in ("seen", "fetched", "failed"))
        lines.append(f"  node:    {name}: {done}")
    return lines


def stats_document(path: str, stats: ArchiveStats) -> dict[str, Any]:
    """``newsbot stats --json``: ``archive`` (the path) and every field of
    :class:`~newsbot.archive.ArchiveStats`, ``last_run`` as :func:`run_summary` gives it."""
    document: dict[str, Any] = {"archive": path, **asdict(stats)}
    document["last_run"] = run_summary(stats.last_run) if stats.last_run else None
    return document


# -- search -----------------------------------------------------------------------------------


def format_hits(
    query: str,
    found: SearchResult,
    highlight: Callable[[str], str] | None = None,
    more: str | None = None,
) -> str:
    """A search's count line, then each hit on three lines (language, date and title; URL;
    excerpt). ``highlight`` marks the matched terms of the excerpts (none: plain text).
    ``more``: the command that shows the rest, when it is not this one with ``--limit``."""
    lines = [f'search "{one_line(query)}": {_count_line(found, more)}']
    for hit in found.hits:
        lang = f"[{hit.language}] " if hit.language else ""
        date = f"{hit.published_at[:10]}  " if hit.published_at else ""
        excerpt = hit.highlighted(highlight) if highlight else hit.excerpt
        lines.append(f"  {lang}{date}{hit.title}\n    {hit.url}\n    {excerpt}")
    return "\n".join(lines)


def _count_line(found: SearchResult, more: str | None = None) -> str:
    """``15 matches, showing 10; --limit to see more``, ``3 matches``, ``no matches …``."""
    total = plural(found.total, "match", "matches")
    if not found.total:
        return "no matches (every word must match: try fewer words, OR, or a prefix like elect*)"
    if not found.hits:
        return f"{total}, none from --offset {found.offset}"
    if found.offset == 0 and not found.more:
        return total
    first, last = found.offset + 1, found.offset + found.shown
    shown = f"showing {found.shown}" if found.offset == 0 else f"showing {first}–{last}"
    if not found.more:
        return f"{total}, {shown}"
    if more is not None:
        return f"{total}, {shown}; `{more}` shows them all"
    option = "--limit" if found.offset == 0 else f"--offset {last}"
    return f"{total}, {shown}; {option} to see more"


def search_document(found: SearchResult) -> dict[str, Any]:
    """``newsbot search --json``: ``query``, ``total`` (every match), ``offset``, ``shown``
    and ``hits``, each with ``url``, ``title``, ``language``, ``site``, ``published_at``,
    ``snippet`` (plain text, one line), ``matches`` (``[start, end]`` spans of the matched terms
    in the snippet) and ``rank`` (bm25: lower is better)."""
    return {
        "query": found.query,
        "total": found.total,
        "offset": found.offset,
        "shown": found.shown,
        "hits": [
            {
                "url": hit.url,
                "title": hit.title,
                "language": hit.language,
                "site": hit.site,
                "published_at": hit.published_at,
                "snippet": hit.excerpt,
                "matches": [list(span) for span in hit.matches],
                "rank": hit.rank,
            }
            for hit in found.hits
        ],
    }


# -- related, translations, history -----------------------------------------------------------


def related_document(view: RelatedView) -> dict[str, Any]:
    """``newsbot related --json``: ``url`` (canonical), ``title``, ``language``, ``archived``,
    ``related`` (``kind``, ``url``, ``title``, ``anchor_text``, ``label``, ``position``,
    ``archived``, ``language``) and ``backlinks`` (``source_url``, ``title``, ``language``,
    ``kind``, ``anchor_text``, ``label``, ``position``)."""
    return {**asdict(view), "archived": view.archived}


def translations_document(url: str, members: Sequence[ClusterMember]) -> dict[str, Any]:
    """``newsbot translations --json``: ``url`` (canonical) and ``versions``, one per language
    version: ``language``, ``url``, ``title`` (None when not archived), ``archived``."""
    return {
        "url": url,
        "versions": [
            {"language": m.language, "url": m.url, "title": m.title, "archived": m.archived}
            for m in members
        ],
    }


def history_document(url: str, versions: Sequence[ArticleVersion]) -> dict[str, Any]:
    """``newsbot history --json``: ``url`` (canonical) and ``versions``, oldest first:
    ``version``, ``fetched_at``, ``extracted_at``, ``capture_id``, ``content_hash``,
    ``changes`` (what changed since the version before, as ``newsbot history`` words it; empty
    for the first) and ``article`` (every field of the extraction, links included)."""
    out = []
    for i, version in enumerate(versions):
        previous = versions[i - 1].article if i else None
        out.append(
            {
                "version": version.version,
                "fetched_at": version.fetched_at,
                "extracted_at": version.extracted_at,
                "capture_id": version.capture_id,
                "content_hash": version.content_hash,
                "changes": version_changes(previous, version.article) if previous else [],
                "article": asdict(version.article),
            }
        )
    return {"url": url, "versions": out}


# -- runs -------------------------------------------------------------------------------------


def run_summary(run: Mapping[str, Any]) -> dict[str, Any]:
    """One crawl run (as ``archive.crawl_runs.all()`` gives it) for people and
    scripts: ``id``, ``spider``, ``site``, ``status``, ``started_at``, ``finished_at``,
    ``seconds`` (None while running), ``fetched`` (None for runs that fetch nothing:
    reextract, import), ``articles_new``, ``articles_changed``, ``errors``, ``captures``,
    ``failure`` (why a failed crawl failed, e.g. ``cannot write archive/x.db: database or
    disk is full``; else None), the run's own ``counts`` as recorded, and ``nodes``: each
    process of a distributed run and its counts (None for a local run)."""
    counts: Mapping[str, Any] = run.get("counts") or {}
    stats: Mapping[str, Any] = run.get("stats") or {}
    return {
        "id": run.get("id"),
        "spider": run.get("spider"),
        "site": run.get("site"),
        "status": run.get("status"),
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "seconds": _seconds(run.get("started_at"), run.get("finished_at")),
        "fetched": counts.get("fetched"),
        # A crawl counts articles_new/articles_changed, re-extraction and import new/changed.
        "articles_new": counts.get("articles_new", counts.get("new", 0)),
        "articles_changed": counts.get("articles_changed", counts.get("changed", 0)),
        "errors": run.get("error_count", 0),
        "captures": run.get("capture_count", 0),
        "failure": stats.get("newsbot/run/failure"),
        "counts": dict(counts),
        # A distributed run's processes (name -> seen, fetched, failed, refused); None: local.
        "nodes": stats.get("newsbot/redis/nodes"),
    }


_RUN_COLUMNS = (
    ("run", "id"),
    ("spider", "spider"),
    ("site", "site"),
    ("status", "status"),
    ("started", "started_at"),
    ("took", "seconds"),
    ("fetched", "fetched"),
    ("new", "articles_new"),
    ("changed", "articles_changed"),
    ("errors", "errors"),
    ("captures", "captures"),
)
_RIGHT_ALIGNED = frozenset({"run", "took", "fetched", "new", "changed", "errors", "captures"})


def format_runs(runs: Sequence[Mapping[str, Any]], total: int) -> str:
    """A table of runs, newest first, one per line; ``total``: how many the archive holds."""
    if not runs:
        return "no runs yet"
    cells = [[name for name, _ in _RUN_COLUMNS]]
    for run in runs:
        summary = run_summary(run)
        row = []
        for _name, key in _RUN_COLUMNS:
            value = summary[key]
            if key == "seconds":
                row.append("running" if value is None else _duration(value))
            else:
                row.append("-" if value is None else str(value))
        cells.append(row)
    widths = [max(len(row[i]) for row in cells) for i in range(len(_RUN_COLUMNS))]
    lines = [
        "  ".join(
            cell.rjust(width) if name in _RIGHT_ALIGNED else cell.ljust(width)
            for cell, width, (name, _) in zip(row, widths, _RUN_COLUMNS, strict=True)
        ).rstrip()
        for row in cells
    ]
    if total > len(runs):
        lines.append(f"({len(runs)} newest of {total} runs; --limit to see more)")
    return "\n".join(lines)


def _seconds(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    try:
        took = dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)
    except ValueError:
        return None
    return took.total_seconds()


def _duration(seconds: float) -> str:
    """``45 s``, ``3 min 5 s``, ``2 h 10 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


#: What a crawl may fail to save, as ``not_saved`` counts them: (key, one, many).
_NOT_SAVED = (
    ("pages", "page", "pages"),
    ("discovered_urls", "discovered URL", "discovered URLs"),
    ("error_rows", "error row", "error rows"),
)


def crawl_document(
    run: Mapping[str, Any],
    *,
    status: str,
    ok: bool,
    seconds: float,
    articles: int | None,
    archive: str,
    failure: str | None = None,
    recorded: bool = True,
) -> dict[str, Any]:
    """``newsbot crawl --json``: the crawl's run as :func:`run_summary` gives it (``id`` None
    when the crawl never recorded one), with ``status`` (finished, unreachable, failed,
    archive_locked …), ``ok`` (the run completed: exit code 0), ``seconds`` (the crawl's own
    time), ``discovered``, ``fetched``, ``not_modified``, ``errors_by_kind``, ``not_saved``
    (``pages``, ``discovered_urls`` and ``error_rows`` the archive refused: due again for the
    next crawl), ``failure`` (why the crawl failed, e.g. ``cannot write archive/x.db: database
    or disk is full``; None), ``run_recorded`` (False when the run could not be written, or
    its end: it then stays ``running`` until the next crawl), ``archive`` and
    ``archive_articles`` (what
    the archive holds now; None when it cannot be read). :func:`format_run_line` says the
    same."""
    counts: Mapping[str, Any] = run.get("counts") or {}
    summary = run_summary(run)
    return {
        **summary,
        "status": status,
        "ok": ok,
        "seconds": round(seconds, 3),
        "discovered": counts.get("discovered", 0),
        "fetched": counts.get("fetched", 0),
        "not_modified": counts.get("not_modified", 0),
        "errors_by_kind": {
            k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("errors:")
        },
        "not_saved": {key: counts.get(f"not_saved:{key}", 0) for key, _, _ in _NOT_SAVED},
        "failure": failure or summary["failure"],
        "run_recorded": recorded,
        "archive": archive,
        "archive_articles": articles,
    }


def format_run_line(crawl: Mapping[str, Any]) -> str:
    """A :func:`crawl_document` in one line, for logs and cron mail: ``crawl finished in
    3.2 s: 120 discovered, 45 fetched (38 not modified), 2 new and 1 changed articles, 1 error
    (http_404 1); archive holds 40 articles (archive/x.db)``"""
    error_text = plural(crawl["errors"], "error")
    if crawl["errors_by_kind"]:
        error_text += f" ({breakdown(crawl['errors_by_kind'])})"
    held = crawl["archive_articles"]
    return (
        f"crawl {crawl['status']} in {crawl['seconds']:.1f} s: {crawl['discovered']} discovered,"
        f" {crawl['fetched']} fetched ({crawl['not_modified']} not modified),"
        f" {crawl['articles_new']} new and {crawl['articles_changed']} changed articles,"
        f" {error_text}{_failure_text(crawl)}; "
        + (f"archive holds {held} articles" if held is not None else "archive not readable")
        + f" ({crawl['archive']})"
    )


def _failure_text(crawl: Mapping[str, Any]) -> str:
    """``; 12 pages and 30 discovered URLs not saved, due again next run (cannot write
    x.db: database or disk is full)``; nothing for a crawl that saved everything."""
    not_saved: Mapping[str, int] = crawl.get("not_saved") or {}
    lost = [plural(n, one, many) for key, one, many in _NOT_SAVED if (n := not_saved.get(key))]
    failure = crawl.get("failure")
    text = ""
    if lost:
        listed = ", ".join(lost[:-1]) + " and " + lost[-1] if len(lost) > 1 else lost[0]
        text = f"; {listed} not saved, due again next run"
        if failure:
            text += f" ({failure})"
    elif failure:
        text = f"; {failure}"
    if not crawl.get("run_recorded", True):
        if crawl.get("id") is None:
            text += "; the run could not be recorded in the archive"
        else:
            text += "; the run's end could not be written: it stays 'running' in the archive"
    return text
