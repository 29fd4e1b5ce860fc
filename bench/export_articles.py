"""Speed and memory of `newsbot export articles`, as ratios measured in the same run.

    python bench/export_articles.py [--small 2000] [--large 20000] [--repeat 3]

On archives of ``--small`` and ``--large`` generated articles (bench/_archives.py, built once
and kept under /tmp/newsbot-bench-archives):

- the baseline: a plain ``sqlite3`` ``SELECT * FROM articles`` of the large archive, each row
  written to a file with ``json.dumps(dict(row))`` (lists and extras left as JSON text);
- the export of the same articles through :func:`newsbot.export.export_articles` in this
  process, to a file: JSONL (goal ≥ 0.7 × the baseline's articles per second), Parquet
  (goal ≥ 1 ×), CSV, and with the optional fields words and links (reported);
- the command itself in a fresh process (``newsbot export articles``, start-up included), and
  its peak RSS (``ru_maxrss``) on the small and on the large archive: goal within 10 %
  (ratio ≤ 1.10), for JSONL and for Parquet.

Each in-process rate is the best of ``--repeat`` runs, baseline and exports taking turns, so a
burst of other work on the machine spoils one run, not the ratio. Prints the numbers, returns
them as rows (:func:`rows`); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _archives import cached_archive, size_arguments
from _common import REPO
from _rows import Row, at_least, at_most, print_table

from newsbot.archive import Archive
from newsbot.archive.articles import export_fields
from newsbot.export import export_articles

GOALS = {"jsonl": 0.7, "parquet": 1.0}
RSS_GOAL = 1.10
IN_QUICK = False  # archives of 20,000 articles (built once, about 4 minutes)


def baseline(archive: Path, out: Path) -> int:
    """The plain way: every column of every article, one json.dumps per row."""
    db = sqlite3.connect(archive)
    db.row_factory = sqlite3.Row
    count = 0
    with out.open("w", encoding="utf-8") as stream:
        for row in db.execute("SELECT * FROM articles"):
            stream.write(json.dumps(dict(row)) + "\n")
            count += 1
    db.close()
    return count


def newsbot_export(fmt: str, *add: str) -> Callable[[Path, Path], int]:
    def run(archive: Path, out: Path) -> int:
        with Archive.open(archive, readonly=True) as db:
            fields = export_fields(add=add)
            return export_articles(db, out, fmt, fields=fields).articles

    return run


def best_rate(
    runs: dict[str, Callable[[Path, Path], int]], archive: Path, repeat: int, scratch: Path
) -> dict[str, tuple[float, int]]:
    """Each run's best articles per second and output size over ``repeat`` turns."""
    best: dict[str, tuple[float, int]] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            out = scratch / f"out-{name}"
            start = time.perf_counter()
            count = run(archive, out)
            rate = count / (time.perf_counter() - start)
            size = out.stat().st_size
            out.unlink()
            if rate > best.get(name, (0.0, 0))[0]:
                best[name] = (rate, size)
    return best


def command(archive: Path, fmt: str, out: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and summary of ``newsbot export articles`` in a fresh
    process. Started by a small probe process: a child's ``ru_maxrss`` starts from its
    parent's, and this one has held whole pages of articles by now."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " r.returncode, r.stderr.strip())"
    )
    args = [sys.executable, "-c", probe, sys.executable, "-m", "newsbot", "export", "articles"]
    args += ["--archive", str(archive), "--format", fmt, "--output", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO)
    seconds, rss, code, summary = done.stdout.strip().split(" ", 3)
    if code != "0":
        raise SystemExit(f"export of {archive} failed: {summary}")
    out.unlink()
    # ru_maxrss is in KiB on Linux.
    return float(seconds), int(rss) / 1024, summary


def measure(small_count: int = 2000, large_count: int = 20000, repeat: int = 3) -> list[Row]:
    """Exports of archives of ``small_count`` and ``large_count`` articles: print them, return
    the figures."""
    small, large = cached_archive(small_count), cached_archive(large_count)
    runs = {
        "baseline": baseline,
        "jsonl": newsbot_export("jsonl"),
        "parquet": newsbot_export("parquet"),
        "csv": newsbot_export("csv"),
        "parquet --with-words": newsbot_export("parquet", "words"),
        "jsonl --with-words": newsbot_export("jsonl", "words"),
        "jsonl --with-links": newsbot_export("jsonl", "links"),
    }
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-export-") as tmp:
        scratch = Path(tmp)
        baseline(large, scratch / "warm-up")  # the archive in the page cache for everyone
        rates = best_rate(runs, large, repeat, scratch)
        commands = {
            (fmt, name): command(path, fmt, scratch / f"cmd.{fmt}")
            for fmt in ("jsonl", "parquet")
            for name, path in (("small", small), ("large", large))
        }
    base = rates["baseline"][0]
    print(f"{large_count} articles, best of {repeat} (in this process, to a file):")
    for name, (rate, size) in rates.items():
        goal = GOALS.get(name)
        wanted = f"  (goal ≥ {goal})" if goal is not None else ""
        print(
            f"  {name:20s} {rate:8.0f} articles/s  {size / 2**20:7.1f} MiB"
            f"  {rate / base:5.2f}× baseline{wanted}"
        )
    print("newsbot export articles in a fresh process:")
    for (fmt, name), (seconds, peak, summary) in commands.items():
        print(f"  {fmt:8s} {name:6s} peak RSS {peak:6.1f} MiB  {seconds:5.1f} s   {summary}")
    found = [
        Row("export_articles", f"export articles --format {fmt}, {large_count:,} articles",
            rates[fmt][0], "sqlite3 SELECT * + json.dumps per row", base, "articles/s",
            rates[fmt][0] / base, at_least(goal))
        for fmt, goal in GOALS.items()
    ]  # fmt: skip
    for fmt in ("jsonl", "parquet"):
        ratio = commands[(fmt, "large")][1] / commands[(fmt, "small")][1]
        print(
            f"peak RSS ratio {fmt} large/small {ratio:.3f} for {large_count // small_count}x the"
            f" articles  (goal ≤ {RSS_GOAL})"
        )
        found.append(
            Row("export_articles", f"export articles --format {fmt}, peak RSS at {large_count:,}",
                commands[(fmt, "large")][1], f"the same at {small_count:,}",
                commands[(fmt, "small")][1], "MiB", ratio, at_most(RSS_GOAL))
        )  # fmt: skip
    return found


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3, help="turns of the in-process runs")
    args = parser.parse_args()
    print_table(measure(args.small, args.large, args.repeat))


if __name__ == "__main__":
    main()
