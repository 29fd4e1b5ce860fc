"""The hostile server crawled three times into one archive: the figures of issue 13's first goal.

    python bench/hostile.py [--huge N] [--max-size BYTES] [--max-failures N]

Serves sitegen.hostile on 127.0.0.1 and runs ``newsbot crawl generic`` against it three
times into one fresh archive, then once more into a second archive with the page sitemap in
another order. Prints, per run: wall time (the crawl must end by itself: a run still going
after ``--limit`` seconds is killed and counted as not ending), peak RSS of the crawler plus
its extraction workers, and what it fetched. Then: every hostile URL recorded with a reason
(listed vs recorded), what runs 2 and 3 fetched of what had already failed
``NEWSBOT_MAX_FAILURES`` times (should be 0), and whether the control article is intact in both
orders.

RSS is read from ``/proc``: every 50 ms the crawler's process tree (the crawler and every
descendant: the extraction workers and their fork server) is walked and the ``VmRSS`` of its
processes summed; the peak of that sum is the figure. Pages shared between forked processes
count once per process, so the sum is an upper bound of the memory really used. The sum of
each process's own high-water mark (``VmHWM``, kept by the kernel, so no spike between two
samples is missed) is printed beside it: a looser upper bound.

Settings, beside the crawler's defaults: ``DOWNLOAD_MAXSIZE`` (``--max-size``, 5 MB: the DOM
bomb of a million line breaks, 4 MB, is within it), ``DOWNLOAD_TIMEOUT=3`` (``/slow`` answers
after 8 s), ``NEWSBOT_RETRY_AFTER_MAX=3`` (the default, 300, would make the storms' absurd
Retry-After values cost five minutes of waiting, which proves nothing more), and
``NEWSBOT_MAX_FAILURES`` (``--max-failures``, 1). The huge sitemap lists ``--huge`` URLs (60,000
by default: more than ``NEWSBOT_SITEMAP_MAX_URLS``, 50,000, so 50,000 404s are fetched).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import REPO, query
from _rows import Row, at_least, at_most, print_table

from sitegen.hostile import BEHIND_INDEX, LISTED, LONG_PATH, SITEMAPS, HostileServer
from sitegen.hostile_pages import PARAGRAPHS

IN_QUICK = False  # four crawls, one of them of 50,000 URLs
RSS_GOAL_MB = 400
CONTROL = ("Ferry runs again after the storm", PARAGRAPHS[0], PARAGRAPHS[-1])


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ppid = _status(int(entry)).get("PPid", "0").strip()
            children.setdefault(int(ppid), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


@dataclass
class Run:
    seconds: float
    ended: bool  # by itself, within the limit
    peak_mb: float  # peak of the summed VmRSS of the tree
    hwm_mb: float  # sum of each process's VmHWM
    crawler_mb: float  # the crawler's own VmHWM
    processes: int
    output: str
    requests: list[str]


def crawl(server: HostileServer, archive: Path, settings: list[str], limit: float) -> Run:
    command = [
        sys.executable, "-m", "newsbot", "crawl", "generic", "--base-url", server.base_url,
        "--archive", str(archive), "-q",
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    before = len(server.requests)
    start = time.monotonic()
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak, hwm, seen = 0, {}, set()
    ended = True
    while proc.poll() is None:
        if time.monotonic() - start > limit:
            proc.kill()
            ended = False
            break
        total = 0
        for pid in _tree(proc.pid):
            status = _status(pid)
            total += _kib(status.get("VmRSS"))
            hwm[pid] = max(hwm.get(pid, 0), _kib(status.get("VmHWM")))
            seen.add(pid)
        peak = max(peak, total)
        time.sleep(0.05)
    output = proc.communicate()[0].decode(errors="replace")
    seconds = time.monotonic() - start
    return Run(
        seconds, ended, peak / 1024, sum(hwm.values()) / 1024, hwm.get(proc.pid, 0) / 1024,
        len(seen), output, server.requests[before:],
    )  # fmt: skip


def failed_paths(archive: Path, base: str, max_failures: int) -> set[str]:
    rows = query(
        archive,
        "SELECT url FROM frontier WHERE state = 'failed' AND failures >= ?",
        max_failures,
    )
    return {url.removeprefix(base) for (url,) in rows}


def recorded(archive: Path, base: str) -> tuple[list[str], list[str]]:
    """(hostile URLs listed, those without a record: an article, an error row, or for a
    sitemap its capture)."""
    listed = [*LISTED, *SITEMAPS, BEHIND_INDEX, "/sitemaps/deep/5"]
    errors = {url.removeprefix(base) for (url,) in query(archive, "SELECT url FROM errors")}
    articles = {url.removeprefix(base) for (url,) in query(archive, "SELECT url FROM articles")}
    # A listing that was read is recorded by its capture.
    read = "SELECT url FROM captures WHERE kind = 'sitemap' AND status = 200"
    articles |= {url.removeprefix(base) for (url,) in query(archive, read)}
    missing = []
    for path in listed:
        if path == LONG_PATH:  # recorded cut to the longest URL kept
            ok = any(e.startswith("/long") for e in errors)
        elif path == "/loop/0":  # the chain's last hop holds its error
            ok = any(e.startswith("/loop/") for e in errors)
        else:
            ok = path in errors or path in articles
        if not ok:
            missing.append(path)
    return listed, missing


def control(archive: Path, base: str) -> tuple[str, str] | None:
    found = query(archive, "SELECT title, text FROM articles WHERE url = ?", base + "/control")
    return (found[0][0], found[0][1]) if found else None


def intact(found: tuple[str, str] | None) -> bool:
    title, first, last = CONTROL
    return (
        found is not None
        and found[0] == title
        and found[1].startswith(first[:60])
        and (found[1].rstrip().endswith(last[-60:]))
    )


def measure(huge: int, max_size: int, max_failures: int, limit: float) -> list[Row]:
    settings = [
        f"DOWNLOAD_MAXSIZE={max_size}", "DOWNLOAD_TIMEOUT=3", "NEWSBOT_RETRY_AFTER_MAX=3",
        f"NEWSBOT_MAX_FAILURES={max_failures}",
    ]  # fmt: skip
    runs: list[Run] = []
    refetched: list[set[str]] = []
    failed_before = 0  # URLs that had failed max_failures times, summed over runs 2 and 3
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        archive = Path(tmp) / "hostile.db"
        with HostileServer(max_size=max_size, slow_seconds=8, huge=huge, order_seed=1) as server:
            base = server.base_url
            for number in (1, 2, 3):
                failed = failed_paths(archive, base, max_failures) if number > 1 else set()
                run = crawl(server, archive, settings, limit)
                runs.append(run)
                again = failed & set(run.requests)
                if number > 1:
                    refetched.append(again)
                    failed_before += len(failed)
                summary = run.output.strip().splitlines()[-1] if run.output.strip() else ""
                print(
                    f"run {number}: {run.seconds:.1f} s{'' if run.ended else ' (KILLED)'},"
                    f" peak RSS {run.peak_mb:.0f} MB (sum of VmHWM {run.hwm_mb:.0f} MB, crawler's"
                    f" {run.crawler_mb:.0f} MB, {run.processes} processes),"
                    f" {len(run.requests)} requests;"
                    f" refetched of {len(failed)} failed {max_failures}×: {sorted(again)}"
                )
                print(f"  {summary[:400]}")
            listed, missing = recorded(archive, base)
            first = control(archive, base)
        other = Path(tmp) / "other-order.db"
        with HostileServer(max_size=max_size, slow_seconds=8, huge=10, order_seed=2) as server:
            run = crawl(server, other, settings, limit)
            second = control(other, server.base_url)
    print(f"hostile URLs listed {len(listed)}, recorded {len(listed) - len(missing)}: {missing}")
    same = first == second and intact(first)
    print(f"control article intact in both orders: {same}")
    peak = max(run.peak_mb for run in runs)
    wall = sum(run.seconds for run in runs)
    ended = all(run.ended for run in runs)
    again = sum(len(s) for s in refetched)
    name = "hostile"
    return [
        Row(name, "peak RSS, crawler + workers", peak, "goal", RSS_GOAL_MB, "MB",
            peak / RSS_GOAL_MB, at_most(1.0)),
        Row(name, "three runs end by themselves", wall, "runs ended", float(ended), "s",
            float(ended), at_least(1.0)),
        Row(name, "hostile URLs recorded", len(listed) - len(missing), "listed", len(listed),
            "", (len(listed) - len(missing)) / len(listed), at_least(1.0)),
        Row(name, "runs 2-3 refetched failed URLs", again, "failed before", failed_before, "",
            float(again), at_most(0.0)),
        Row(name, "control intact, two orders", float(same), "expected", 1.0, "",
            float(same), at_least(1.0)),
    ]  # fmt: skip


def rows(quick: bool = False) -> list[Row]:
    return measure(60_000, 5_000_000, 1, 900.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--huge", type=int, default=60_000, help="URLs of the huge sitemap")
    parser.add_argument("--max-size", type=int, default=5_000_000, help="DOWNLOAD_MAXSIZE")
    parser.add_argument("--max-failures", type=int, default=1, help="NEWSBOT_MAX_FAILURES")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds before a run is killed")
    args = parser.parse_args()
    print_table(measure(args.huge, args.max_size, args.max_failures, args.limit))
