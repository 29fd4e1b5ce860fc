"""Re-extraction and WARC import speed and memory, as ratios measured in the same run.

    python bench/reextract.py [--pages 2000] [--large 20000]

On an archive of generated Euronews-style article pages (bench/_archives.py, 300-325 KB each,
stored as fetched and not extracted yet, so that re-extraction writes every article, its
version and its links: the most it ever writes):

- ``newsbot reextract --workers 2`` against ``--workers 1``: goal ≥ 1.8 × on two cores;
- ``--workers 2`` against the same pages already in memory, decompressed, run through
  :func:`newsbot.extract.extract_article` by two processes (reading, decompressing and writing
  may cost at most a fifth): goal ≥ 0.8 ×;
- ``newsbot import warc`` of the same pages exported as a WARC, into an empty archive, against
  ``reextract`` (pages per second, both with two workers): goal ≥ 0.8 ×;
- peak RSS (the largest process of the command) of ``reextract`` on ``--pages`` and on
  ``--large`` articles: goal within 10 %.

Rates are pages per second once started: a run's time less the time of the same command on one
page (process start, workers started and warmed up), as the in-memory baseline is timed after
its warm-up; the whole run's rates, start-up included, are printed beside them.

Each command runs in a subprocess on a fresh copy of the archive. Prints the numbers; asserts
nothing.

Beside the rates, the CPU seconds per page of every process of each command (its workers
and fork server included; the one-page run's taken off, as for the rates) and of the
in-memory baseline's two processes (read from ``/proc``, outside their work). On a machine
other work shares, these vary far less than wall-clock rates, and their ratios are what the
rates' ratios would be on two cores left to the command (every process of it busy on CPU).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _archives import cached_archive  # noqa: E402
from _rows import Row, at_least, at_most, print_table  # noqa: E402

from newsbot.archive import Archive  # noqa: E402

#: Not in ``python -m bench --quick``: it builds and reads archives of 2,000 and 20,000 pages.
IN_QUICK = False

_PAGES: list[tuple[bytes, str, str]] = []


def run(*args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process of the command) of
    ``newsbot args`` in a fresh process."""
    seconds, rss, _ = run_cpu(*args)
    return seconds, rss


#: CPU seconds of the commands run so far, by their arguments.
CPU: dict[tuple[str, ...], float] = {}


def run_cpu(*args: str) -> tuple[float, int, float]:
    """:func:`run`, and the CPU seconds of every process of the command (the probe becomes
    the subreaper of the command's orphaned fork server and reaps it, so that its CPU and its
    workers' is counted; the peak RSS is read before, as it always was)."""
    probe = (
        "import ctypes, os, resource, subprocess, sys, time; "
        "ctypes.CDLL(None).prctl(36, 1); t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "s = time.perf_counter() - t; "
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "while True:\n"
        "    try: os.wait()\n"
        "    except ChildProcessError: break\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(s, rss, r.returncode, u.ru_utime + u.ru_stime)"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "newsbot", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    seconds, rss, code, cpu = out.stdout.split()
    if code != "0":
        raise SystemExit(f"newsbot {' '.join(args)} failed with exit code {code}")
    return float(seconds), int(rss), float(cpu)


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds the processes ``pids`` have used so far (``/proc/PID/stat``)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def reextract(archive: Path, workers: int, scratch: Path, *only: str) -> tuple[float, int]:
    copy = scratch / f"reextract-{workers}.db"
    shutil.copy(archive, copy)
    try:
        seconds, rss, cpu = run_cpu(
            "reextract", "--archive", str(copy), "--workers", str(workers), *only
        )
        CPU[("reextract", str(workers), *only)] = cpu
        return seconds, rss
    finally:
        copy.unlink()


def import_warc(warc: Path, scratch: Path) -> float:
    target = scratch / "imported.db"
    try:
        command = ["import", "warc", str(warc), "--archive", str(target), "--site", "euronews"]
        seconds, _, cpu = run_cpu(*command, "--workers", "2")
        CPU[("import", warc.name)] = cpu
        return seconds
    finally:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def steady(pages: int, seconds: float, start_up: float) -> float:
    """Pages per second once started: the time of a one-page run (process start, workers
    started and warmed up on one page) taken off, as the in-memory baseline warms up first."""
    return (pages - 1) / max(seconds - start_up, 1e-9)


def _steady_cpu(pages: int, whole: tuple[str, ...], one: tuple[str, ...]) -> float:
    """CPU milliseconds per page of a command once started (its one-page run's taken off)."""
    return (CPU[whole] - CPU[one]) / (pages - 1) * 1000


def _extract(index: int) -> None:
    from newsbot.extract import extract_article

    html, url, fetched_at = _PAGES[index]
    extract_article(html, url, "euronews", captured_at=fetched_at)


#: CPU seconds the in-memory baseline's processes took for the timed pages.
MEMORY_CPU: list[float] = []


def in_memory(archive: Path, workers: int) -> float:
    """Seconds two processes take to extract every page, bodies already in memory."""
    _PAGES.clear()
    with Archive.open(archive, readonly=True) as db:
        for capture in db.captures.iter(kind="article"):
            _PAGES.append((capture.body, capture.final_url, capture.fetched_at))
    context = multiprocessing.get_context("fork")  # the workers inherit the pages
    with context.Pool(workers) as pool:
        pool.map(_extract, range(min(20, len(_PAGES))))  # imports and caches warmed up
        pids = [process.pid for process in multiprocessing.active_children()]
        cpu = _cpu_of(pids)
        start = time.perf_counter()
        pool.map(_extract, range(len(_PAGES)), chunksize=8)
        seconds = time.perf_counter() - start
        MEMORY_CPU.append(_cpu_of(pids) - cpu)
        return seconds


def measure(pages: int = 2000, large: int = 20000) -> list[Row]:
    """Re-extract and import ``pages`` archived pages (and, unless ``large`` is 0, read an
    archive of ``large`` for memory): print the details, return the figures."""
    archive = cached_archive(pages, extract=False)
    Archive.open(archive).close()  # a cached archive of an older newsbot: upgraded once
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        scratch = Path(tmp)
        with Archive.open(archive, readonly=True) as db:
            first = next(db.captures.iter(kind="article")).url
        rates: dict[str, tuple[float, float]] = {}
        for workers in (1, 2):
            seconds, _ = reextract(archive, workers, scratch)
            start_up, _ = reextract(archive, workers, scratch, "--url", first)
            rates[f"reextract {workers}"] = (pages / seconds, steady(pages, seconds, start_up))
        memory = pages / in_memory(archive, 2)
        warc, one_page = scratch / "pages.warc.gz", scratch / "page.warc.gz"
        run("export", "warc", str(warc), "--archive", str(archive))
        run("export", "warc", str(one_page), "--archive", str(archive), "--url", first)
        seconds, start_up = import_warc(warc, scratch), import_warc(one_page, scratch)
        rates["import"] = (pages / seconds, steady(pages, seconds, start_up))
        one, two, imported = rates["reextract 1"], rates["reextract 2"], rates["import"]
        print(f"pages per second on {pages:,} pages, once started (whole run, start-up included):")
        for name, (whole, started) in rates.items():
            print(f"  {name:<12} {started:7,.1f} ({whole:,.1f})")
        print(f"  in memory    {memory:7,.1f} (extract_article in 2 processes, warmed up)")
        one_cpu = _steady_cpu(pages, ("reextract", "1"), ("reextract", "1", "--url", first))
        two_cpu = _steady_cpu(pages, ("reextract", "2"), ("reextract", "2", "--url", first))
        import_cpu = _steady_cpu(pages, ("import", warc.name), ("import", one_page.name))
        memory_cpu = MEMORY_CPU[-1] / pages * 1000
        print("CPU ms per page, every process of the command, once started:")
        print(f"  reextract 1 {one_cpu:6.2f}   reextract 2 {two_cpu:6.2f}   "
              f"import {import_cpu:6.2f}   in memory {memory_cpu:6.2f}")  # fmt: skip
        found = [
            Row("reextract", "reextract, 2 workers", two[1], "1 worker", one[1], "pages/s",
                two[1] / one[1], at_least(1.8)),
            Row("reextract", "reextract, 2 workers", two[1], "extract_article in memory",
                memory, "pages/s", two[1] / memory, at_least(0.8)),
            Row("reextract", "import warc", imported[1], "reextract, 2 workers", two[1],
                "pages/s", imported[1] / two[1], at_least(0.8)),
            Row("reextract", "reextract, CPU per page as a rate", 1000 / two_cpu,
                "in memory", 1000 / memory_cpu, "pages/CPU-s", memory_cpu / two_cpu),
            Row("reextract", "import warc, CPU per page as a rate", 1000 / import_cpu,
                "reextract, 2 workers", 1000 / two_cpu, "pages/CPU-s", two_cpu / import_cpu),
        ]  # fmt: skip
        if large:
            # Memory on archives extracted once already (built faster; the same reads).
            _, rss_small = reextract(cached_archive(pages), 2, scratch)
            _, rss_large = reextract(cached_archive(large), 2, scratch)
            found.append(
                Row("reextract", f"reextract, peak RSS at {large:,} articles", rss_large / 1024,
                    f"the same at {pages:,}", rss_small / 1024, "MiB", rss_large / rss_small,
                    at_most(1.1))
            )  # fmt: skip
    return found


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000, help="0: skip the memory check")
    args = parser.parse_args()
    print_table(measure(args.pages, args.large))


if __name__ == "__main__":
    main()
