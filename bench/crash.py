"""Crash safety: crawls killed with SIGKILL at random moments, then restarted to the end.

    python bench/crash.py [--trials N] [--pages N] [--seed N]

Each trial crawls a generated Euronews-style site (default 2,000 articles, served on 127.0.0.1)
into a fresh archive, kills the crawler with SIGKILL once a random number of pages is archived,
restarts it and lets it finish. After the restart it checks: no article missing, none
duplicated, PRAGMA integrity_check ok, and pages fetched twice no more than were in flight.
Prints one line per trial and a summary, returns it as a row (:func:`rows`); exits 1 if any
trial failed a check.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import REPO, crawl_command, generated_site, query, run_crawl, scalar
from _rows import Row, at_least, print_table

from newsbot.runner import LOCAL_SETTINGS
from sitegen import DemoServer

IN_QUICK = False  # twenty crawls and their restarts


def in_flight(smallest_page: int) -> int:
    """What can be in flight when a kill lands: downloads, responses waiting for the pipelines
    (article pages still gzipped, for the workers: ``smallest_page`` bytes at least), and the
    pages the extraction workers are on."""
    return (
        LOCAL_SETTINGS["CONCURRENT_REQUESTS"]
        + LOCAL_SETTINGS["SCRAPER_SLOT_MAX_ACTIVE_SIZE"] // smallest_page
        + (os.cpu_count() or 1) * 2
    )


def archived(archive: Path) -> int:
    try:
        return scalar(archive, "select count(*) from captures where kind = 'article'")
    except Exception:  # not created yet, or mid-creation
        return 0


def trial(
    server: DemoServer, archive: Path, kill_at: int, expected: set[str], limit: int
) -> tuple[bool, str]:
    base_url = server.base_url
    first_request = len(server.request_log)
    crawler = subprocess.Popen(
        crawl_command(base_url, archive), cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    while archived(archive) < kill_at and crawler.poll() is None:
        time.sleep(0.01)
    killed_at = archived(archive)
    if crawler.poll() is None:
        crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    restart = run_crawl(base_url, archive)
    integrity = query(archive, "pragma integrity_check")[0][0]
    rows = query(archive, "select canonical_url, count(*) from articles group by 1")
    urls = {url for url, _ in rows}
    duplicated = sum(1 for _, count in rows if count > 1)
    # Asked of the server: pages requested twice, whether or not the first answer was kept.
    articles = {url.removeprefix(base_url) for url in expected}
    served = Counter(
        r.path_and_query for r in server.request_log[first_request:] if r.path_and_query in articles
    )
    refetched = sum(1 for count in served.values() if count > 1)
    ok = (
        restart.returncode == 0
        and integrity == "ok"
        and urls == expected
        and not duplicated
        and refetched <= limit
    )
    line = (
        f"killed at {killed_at:4d} pages; after restart: {len(urls)}/{len(expected)} articles, "
        f"{len(expected - urls)} missing, {duplicated} duplicated, integrity {integrity}, "
        f"{refetched} fetched twice (in-flight limit {limit})"
    )
    return ok, line


def measure(trials: int = 20, pages: int = 2000, seed: int = 1) -> list[Row]:
    """``trials`` crawls of a site of ``pages`` articles killed and restarted: print each,
    return how many passed every check."""
    chooser = random.Random(seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp, generated_site(pages) as server:
        expected = {server.base_url + a.path for a in server.site.articles}
        served = (server.site.respond(a.path, server.base_url) for a in server.site.articles)
        limit = in_flight(min(len(r.gzipped or r.body) for r in served))
        for number in range(1, trials + 1):
            kill_at = chooser.randint(1, pages - 1)
            ok, line = trial(server, Path(tmp) / f"trial{number}.db", kill_at, expected, limit)
            failures += not ok
            print(f"trial {number:2d}: {'ok  ' if ok else 'FAIL'} {line}", flush=True)
    print(f"{trials - failures} of {trials} trials passed every check")
    figure = "crawls killed with SIGKILL and restarted, passing every check"
    passed = trials - failures
    return [Row("crash", figure, passed, "trials", trials, "", passed / trials, at_least(1.0))]


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    found = measure(args.trials, args.pages, args.seed)
    print_table(found)
    raise SystemExit(0 if all(row.met for row in found) else 1)


if __name__ == "__main__":
    main()
