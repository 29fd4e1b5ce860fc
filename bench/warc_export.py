"""Memory of `newsbot export warc`: flat in the archive's size.

    python bench/warc_export.py [--small 2000] [--large 20000]

Exports an archive of ``--small`` and one of ``--large`` generated articles (300-325 KB pages,
built once by bench/_archives.py and kept under /tmp/newsbot-bench-archives) with the newsbot
command in a subprocess, and reads each run's peak RSS from the kernel (``os.wait4``: that one
child's ``ru_maxrss``). Goal: the large archive's peak within 10% of the small one's (ratio
≤ 1.10), measured in the same run. Prints the numbers, returns them as rows (:func:`rows`);
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _archives import cached_archive, size_arguments
from _common import REPO
from _rows import Row, at_most, print_table

GOAL = 1.10
IN_QUICK = False  # archives of 20,000 articles (built once, about 4 minutes)


@dataclass(frozen=True)
class Export:
    captures: int
    peak_mib: float
    seconds: float
    warc_mib: float
    output: str


def export(archive: Path, out: Path) -> Export:
    command = [
        sys.executable,
        "-m",
        "newsbot",
        "export",
        "warc",
        str(out),
        "--archive",
        str(archive),
    ]
    start = time.monotonic()
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"export of {archive} failed:\n{output}")
    with sqlite3.connect(archive) as db:
        captures = int(db.execute("SELECT COUNT(*) FROM captures").fetchone()[0])
    warc_mib = out.stat().st_size / 2**20
    out.unlink()
    # ru_maxrss is in KiB on Linux.
    return Export(captures, usage.ru_maxrss / 1024, seconds, warc_mib, output.strip())


def measure(small_count: int = 2000, large_count: int = 20000) -> list[Row]:
    """Export archives of ``small_count`` and ``large_count`` articles: print the runs, return
    the figure."""
    archives = [cached_archive(small_count), cached_archive(large_count)]
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-warc-") as tmp:
        small, large = (export(path, Path(tmp) / "out.warc.gz") for path in archives)
    for name, run in (("small", small), ("large", large)):
        print(
            f"{name}: {run.captures:6d} captures  peak RSS {run.peak_mib:6.1f} MiB  "
            f"{run.seconds:6.1f} s ({run.captures / run.seconds:5.0f} captures/s)  "
            f"WARC {run.warc_mib:7.1f} MiB"
        )
        print(f"       {run.output}")
    ratio = large.peak_mib / small.peak_mib
    print(
        f"peak RSS ratio large/small {ratio:.3f} for {large.captures / small.captures:.0f}x the"
        f" captures  (goal ≤ {GOAL})"
    )
    return [
        Row("warc_export", f"export warc, peak RSS at {large.captures:,} captures",
            large.peak_mib, f"the same at {small.captures:,}", small.peak_mib, "MiB", ratio,
            at_most(GOAL))
    ]  # fmt: skip


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size_arguments(parser)
    args = parser.parse_args()
    print_table(measure(args.small, args.large))


if __name__ == "__main__":
    main()
