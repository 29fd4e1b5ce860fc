"""Recrawl cost: a second run on an unchanged site against the first, same run.

    python bench/recrawl.py [--pages N]

Crawls a generated Euronews-style site of N articles (default 2,000) served on 127.0.0.1 into a
fresh archive, then crawls it again unchanged. Prints each run's time (the crawl itself, as
Scrapy measures it, and the whole process with its ~1 s of start-up) and requests, the ratios of
the second run to the first (goal ≤ 0.1) and whether any body was stored twice; returns the
figures as rows (:func:`rows`). Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import generated_site, run_crawl, run_seconds, scalar
from _rows import Row, at_most, print_table

IN_QUICK = True


def measure(pages: int = 2000) -> list[Row]:
    """Crawl a site of ``pages`` articles twice; print each run, return the figures."""
    with tempfile.TemporaryDirectory() as tmp, generated_site(pages) as server:
        archive = Path(tmp) / "recrawl.db"
        runs = []
        for number in (1, 2):
            before = len(server.request_log)
            run = run_crawl(server.base_url, archive)
            if run.returncode != 0:
                raise SystemExit(f"run {number} failed:\n{run.output}")
            requests = len(server.request_log) - before
            not_modified = sum(1 for r in server.request_log[before:] if r.status == 304)
            crawl = run_seconds(archive, number)
            runs.append((run.seconds, crawl, requests))
            print(
                f"run {number}: {run.seconds:6.1f} s in all, {crawl:6.1f} s crawling, "
                f"{requests:5d} requests ({not_modified} answered 304)"
            )
        bodies = scalar(archive, "select count(*) from bodies")
        distinct = scalar(
            archive, "select count(distinct sha256) from captures where sha256 is not null"
        )
        stored_twice = scalar(
            archive,
            "select count(*) from captures where run_id = 2 and sha256 is not null"
            " and revisit_of is null",
        )
        (wall1, crawl1, req1), (wall2, crawl2, req2) = runs
        print(
            f"second/first: crawling {crawl2 / crawl1:.3f} (goal ≤ 0.1), "
            f"in all {wall2 / wall1:.3f} (process start-up included), requests {req2 / req1:.3f}"
        )
        print(f"bodies: {bodies} stored for {distinct} distinct; stored by run 2: {stored_twice}")
    second = f"second run of {pages:,} articles, unchanged"
    return [
        Row("recrawl", f"{second}, crawl time", crawl2, "first run", crawl1, "s",
            crawl2 / crawl1, at_most(0.1)),
        Row("recrawl", f"{second}, requests", req2, "first run", req1, "requests", req2 / req1),
        Row("recrawl", f"{second}, bodies stored", stored_twice, "first run", distinct,
            "bodies", stored_twice / max(distinct, 1), at_most(0.0)),
    ]  # fmt: skip


def rows(quick: bool = False) -> list[Row]:
    return measure(pages=500) if quick else measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles of the generated site")
    args = parser.parse_args()
    print_table(measure(args.pages))


if __name__ == "__main__":
    main()
