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

Each command runs in a subprocess on a fresh copy of the archive. Prints the numbers; asserts
nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
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

from newsbot.archive import Archive  # noqa: E402

_PAGES: list[tuple[bytes, str, str]] = []


def run(*args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process of the command) of
    ``newsbot args`` in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " r.returncode)"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "newsbot", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    seconds, rss, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"newsbot {' '.join(args)} failed with exit code {code}")
    return float(seconds), int(rss)


def reextract(archive: Path, workers: int, scratch: Path) -> tuple[float, int]:
    copy = scratch / f"reextract-{workers}.db"
    shutil.copy(archive, copy)
    try:
        return run("reextract", "--archive", str(copy), "--workers", str(workers))
    finally:
        copy.unlink()


def _extract(index: int) -> None:
    from newsbot.extract import extract_article

    html, url, fetched_at = _PAGES[index]
    extract_article(html, url, "euronews", captured_at=fetched_at)


def in_memory(archive: Path, workers: int) -> float:
    """Seconds two processes take to extract every page, bodies already in memory."""
    _PAGES.clear()
    with Archive.open(archive, readonly=True) as db:
        for capture in db.iter_captures(kind="article"):
            _PAGES.append((capture.body, capture.final_url, capture.fetched_at))
    context = multiprocessing.get_context("fork")  # the workers inherit the pages
    with context.Pool(workers) as pool:
        pool.map(_extract, range(min(20, len(_PAGES))))  # imports and caches warmed up
        start = time.perf_counter()
        pool.map(_extract, range(len(_PAGES)), chunksize=8)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000, help="0: skip the memory check")
    args = parser.parse_args()
    archive = cached_archive(args.pages, extract=False)
    Archive.open(archive).close()  # a cached archive of an older newsbot: upgraded once
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        scratch = Path(tmp)
        pages = args.pages
        one, _ = reextract(archive, 1, scratch)
        two, _ = reextract(archive, 2, scratch)
        memory = in_memory(archive, 2)
        print(f"reextract {pages:,} pages: 1 worker {pages / one:,.1f}/s, 2 workers "
              f"{pages / two:,.1f}/s: {one / two:.2f} × (goal ≥ 1.8)")  # fmt: skip
        print(f"in memory, extract_article × 2 processes: {pages / memory:,.1f}/s; reextract "
              f"at 2 workers: {memory / two:.2f} × (goal ≥ 0.8)")  # fmt: skip
        warc = scratch / "pages.warc.gz"
        run("export", "warc", str(warc), "--archive", str(archive))
        imported, _ = run(
            "import", "warc", str(warc), "--archive", str(scratch / "imported.db"),
            "--site", "euronews", "--workers", "2",
        )  # fmt: skip
        print(f"import warc {pages:,} pages: {pages / imported:,.1f}/s: {two / imported:.2f} × "
              "reextract (goal ≥ 0.8)")  # fmt: skip
        if args.large:
            # Memory on archives extracted once already (built faster; the same reads).
            _, rss_small = reextract(cached_archive(pages), 2, scratch)
            _, rss_large = reextract(cached_archive(args.large), 2, scratch)
            print(f"peak RSS of reextract: {rss_small / 1024:,.0f} MiB at {pages:,} articles, "
                  f"{rss_large / 1024:,.0f} MiB at {args.large:,}: "
                  f"{rss_large / rss_small:.2f} × (goal ≤ 1.10)")  # fmt: skip


if __name__ == "__main__":
    main()
