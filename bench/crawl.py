"""Crawl throughput: the full pipeline against fetching + archiving only, same site, same run.

    python bench/crawl.py [--pages N] [--repeat N]

Crawls a generated Euronews-style site served on 127.0.0.1 into fresh archives, alternately
with the full pipeline (extraction in the worker processes, links, archive) and with the
archive pipeline only, ``--repeat`` rounds of one each (default 5). Prints article pages per
second of every crawl and the CPU cores the crawler and its workers kept busy, then the ratio
full / fetch+archive (goal ≥ 0.7) as the median of the rounds' ratios: a round's two crawls
run back to back, so the machine's drift in speed (on a shared machine, 20% and more from one
minute to the next) falls on both, and each kind goes first in every other round. The ratio
of the two medians is printed too. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from _common import generated_site, run_crawl, run_seconds, scalar

ARCHIVE_ONLY = json.dumps({"newsbot.pipelines.ArchivePipeline": 900})
CONFIGS = {"full pipeline": (), "fetch + archive": (f"ITEM_PIPELINES={ARCHIVE_ONLY}",)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1200, help="articles of the generated site")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (one crawl of each kind)")
    args = parser.parse_args()
    rates: dict[str, list[float]] = {name: [] for name in CONFIGS}
    busy: dict[str, list[float]] = {name: [] for name in CONFIGS}
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, generated_site(args.pages) as server:
        for round_ in range(args.repeat):
            # Each kind goes first in every other round: whatever the first crawl leaves the
            # machine in (its caches, its clock) falls on both kinds alike.
            order = list(CONFIGS.items())
            for name, settings in order if round_ % 2 == 0 else reversed(order):
                archive = Path(tmp) / f"{name.split()[0]}-{round_}.db"
                run = run_crawl(server.base_url, archive, *settings)
                if run.returncode != 0:
                    raise SystemExit(f"{name} crawl failed:\n{run.output}")
                pages = scalar(archive, "select count(*) from captures where kind = 'article'")
                seconds = run_seconds(archive, 1)
                rates[name].append(pages / seconds)
                busy[name].append(run.cpu_seconds / run.seconds)
                print(
                    f"{name:16} {pages} pages in {seconds:5.1f} s: {pages / seconds:6.1f} pages/s,"
                    f" {run.cpu_seconds / run.seconds:.2f} of {os.cpu_count()} cores busy"
                )
            ratios.append(rates["full pipeline"][-1] / rates["fetch + archive"][-1])
            print(f"round {round_ + 1}: ratio {ratios[-1]:.2f}")
    print()
    for name in CONFIGS:
        print(
            f"{name:16} median {statistics.median(rates[name]):6.1f} pages/s,"
            f" {statistics.median(busy[name]):.2f} of {os.cpu_count()} cores busy"
        )
    of_medians = statistics.median(rates["full pipeline"]) / statistics.median(
        rates["fetch + archive"]
    )
    print(
        f"ratio full / fetch+archive: {statistics.median(ratios):.2f}  (goal ≥ 0.7; median of"
        f" {len(ratios)} rounds, from {min(ratios):.2f} to {max(ratios):.2f});"
        f" ratio of the medians {of_medians:.2f}"
    )


if __name__ == "__main__":
    main()
