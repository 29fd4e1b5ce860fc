"""Memory per discovered URL in the crawler process: a 2,000- and a 20,000-page crawl compared.

    python bench/memory.py [--small 2000] [--large 20000] [--repeat 1] [--extract] [--trace]

Crawls a generated Euronews-style site of ``--small`` and one of ``--large`` articles (three
editions, served on 127.0.0.1) into fresh archives and reads, every 50 ms from ``/proc``, the
crawler process's own high-water mark (``VmHWM``, kept by the kernel, so no spike between two
samples is missed; the extraction workers are other processes and not counted). The figure is
the growth of that peak per URL discovered (rows of the archive's frontier): (peak of the large
crawl − peak of the small one) / (URLs of the large − URLs of the small). Goal (issue 15): at
most 1 KiB per URL. By default the crawls use bench/noop_extractor (the workers still decode,
hash and compress each body; extraction is skipped), which leaves the crawler's own work as it
is and the crawl several times shorter; ``--extract`` runs the full extraction.

``--trace`` runs each crawler under tracemalloc (bench/_memory_trace.py: many times slower, and
its own bookkeeping counts in the peak, so the figure of a traced round is not the goal's) and
prints where the large crawl's peak holds more than the small one's, per discovered URL, by the
line that allocated it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, crawl_command, scalar
from _rows import Row, at_most, print_table

from sitegen import DemoServer, GeneratedSite

IN_QUICK = False  # a crawl of 20,000 pages
GOAL_BYTES = 1024
NO_EXTRACTION = Path(__file__).resolve().parent / "noop_extractor"
TRACER = Path(__file__).resolve().parent / "_memory_trace.py"


@dataclass(frozen=True)
class Peak:
    urls: int  # rows of the frontier: URLs discovered
    kib: int  # the crawler process's VmHWM at its last reading
    seconds: float


def _hwm_kib(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def crawl(pages: int, extract: bool, trace: Path | None = None) -> Peak:
    env = dict(os.environ)
    if not extract:
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(NO_EXTRACTION), os.environ.get("PYTHONPATH", "")])
        )
    # Pages rendered as they are asked for (not all before the crawl, as bench/crawl.py does):
    # the crawler's memory does not depend on how fast the site answers.
    with (
        tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp,
        DemoServer(GeneratedSite(pages)) as site,
    ):
        archive = Path(tmp) / "memory.db"
        command = crawl_command(site.base_url, archive)
        if trace is not None:  # [python, -m, newsbot, crawl, …] under the tracer
            command = [sys.executable, str(TRACER), str(trace), "newsbot", *command[3:]]
        start = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _hwm_kib(proc.pid) or 0)
            time.sleep(0.05)
        output = proc.communicate()[0].decode(errors="replace")
        seconds = time.monotonic() - start
        if proc.returncode != 0:
            raise SystemExit(f"newsbot crawl of {pages} pages failed:\n{output[-3000:]}")
        urls = scalar(archive, "select count(*) from frontier")
    print(
        f"{pages} pages: {urls} URLs discovered, crawler peak {peak / 1024:.1f} MiB,"
        f" {seconds:.0f} s"
    )
    return Peak(urls, peak, seconds)


def where(small: Path, large: Path, urls: int, top: int = 20) -> None:
    """The lines whose allocations the large crawl's peak holds more of, per URL more."""
    diff = tracemalloc.Snapshot.load(str(large)).compare_to(
        tracemalloc.Snapshot.load(str(small)), "lineno"
    )
    print(f"where the peak grew, bytes per discovered URL (of {urls} more):")
    for stat in diff[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / urls:8.0f}  {frame.filename}:{frame.lineno}")


def measure(
    small: int = 2000,
    large: int = 20000,
    repeat: int = 1,
    extract: bool = False,
    trace: bool = False,
) -> list[Row]:
    per_url: list[float] = []
    for number in range(1, repeat + 1):
        with tempfile.TemporaryDirectory(prefix="bench-memory-trace-") as tmp:
            small_trace, large_trace = (Path(tmp) / f"{n}.trace" if trace else None for n in "sl")
            low, high = crawl(small, extract, small_trace), crawl(large, extract, large_trace)
            if small_trace is not None and large_trace is not None:
                where(small_trace, large_trace, max(1, high.urls - low.urls))
        grown = (high.kib - low.kib) * 1024 / max(1, high.urls - low.urls)
        per_url.append(grown)
        print(
            f"round {number}: crawler peak {low.kib / 1024:.1f} → {high.kib / 1024:.1f} MiB for"
            f" {low.urls} → {high.urls} URLs: {grown:.0f} bytes per discovered URL"
        )
    value = statistics.median(per_url)
    spread = f"{min(per_url):.0f}-{max(per_url):.0f} B" if len(per_url) > 1 else ""
    return [
        Row("memory", "crawler peak growth per discovered URL", value, "goal", GOAL_BYTES, "B",
            value / GOAL_BYTES, at_most(1.0), spread),
    ]  # fmt: skip


def rows(quick: bool = False) -> list[Row]:
    return measure(2000, 20000, 2)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=2000, help="articles of the small site")
    parser.add_argument("--large", type=int, default=20000, help="articles of the large site")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of both crawls")
    parser.add_argument("--extract", action="store_true", help="full extraction in the workers")
    parser.add_argument("--trace", action="store_true", help="where the memory goes (slower)")
    args = parser.parse_args()
    print_table(measure(args.small, args.large, args.repeat, args.extract, args.trace))
