"""Crawl throughput: the full pipeline against fetching + archiving only, same site, same run.

    python bench/crawl.py [--pages N]

Crawls a generated Euronews-style site served on 127.0.0.1 twice into fresh archives: once
with the full pipeline (extraction in the process pool, links, archive) and once with the
archive pipeline only. Prints article pages per second of each, their ratio (goal ≥ 0.7) and
the CPU cores the crawl kept busy. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from _common import generated_site, run_crawl, run_seconds, scalar

ARCHIVE_ONLY = json.dumps({"newsbot.pipelines.ArchivePipeline": 900})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1200, help="articles of the generated site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, generated_site(args.pages) as server:
        results = {}
        for name, settings in (
            ("full pipeline", ()),
            ("fetch + archive", (f"ITEM_PIPELINES={ARCHIVE_ONLY}",)),
        ):
            archive = Path(tmp) / f"{name.split()[0]}.db"
            run = run_crawl(server.base_url, archive, *settings)
            if run.returncode != 0:
                raise SystemExit(f"{name} crawl failed:\n{run.output}")
            pages = scalar(archive, "select count(*) from captures where kind = 'article'")
            seconds = run_seconds(archive, 1)
            results[name] = pages / seconds
            print(
                f"{name:16} {pages} pages in {seconds:5.1f} s: {pages / seconds:6.1f} pages/s, "
                f"{run.cpu_seconds / run.seconds:.2f} of {os.cpu_count()} cores busy"
            )
        ratio = results["full pipeline"] / results["fetch + archive"]
        print(f"ratio full / fetch+archive: {ratio:.2f}  (goal ≥ 0.7)")


if __name__ == "__main__":
    main()
