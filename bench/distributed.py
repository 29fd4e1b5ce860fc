"""Distributed crawl scaling: pages per second with 1, 2 and 4 fetching processes.

    python bench/distributed.py [--pages N] [--repeat N] [--concurrency N]

A generated site (default 600 articles) whose every answer waits 200 ms (the demo server's
latency), crawled through a real redis-server on 127.0.0.1 by the coordinator (``newsbot crawl
--redis``, which fetches too) and 0, 1 or 3 nodes (``newsbot node``): 1, 2 and 4 fetching
processes, each with the same ``CONCURRENT_REQUESTS`` (default 2: with 4 on a 2-core machine,
the 4 processes' extraction, not the crawl, sets the pace) and one extraction worker.
The rate is article pages over the time between the first and the last article fetched (the
archive's ``fetched_at``), so process start-up is left out. Goals: 2 processes ≥ 1.8× and 4 ≥
3.2× the rate of one, as the median of the rounds' ratios (each round crawls with 1, 2 and 4
processes, back to back, into fresh archives and an emptied Redis). Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # redis_server.py
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, crawl_command, generated_site, query
from _rows import Row, at_least, print_table
from redis_server import redis_server

IN_QUICK = False
LATENCY = 0.2
GOALS = {2: 1.8, 4: 3.2}


def crawl(base_url: str, archive: Path, redis_url: str, processes: int, concurrency: int) -> float:
    """Article pages per second of one distributed crawl with ``processes`` fetching."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings = (
        f"CONCURRENT_REQUESTS={concurrency}",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
        "NEWSBOT_EXTRACT_WORKERS=1",
    )
    node_command = [sys.executable, "-m", "newsbot", "node", "--redis", redis_url,
                    "--exit-when-idle", "5"]  # fmt: skip
    for setting in settings:
        node_command += ["-s", setting]
    nodes = [
        subprocess.Popen(node_command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(processes - 1)
    ]
    command = [*crawl_command(base_url, archive, *settings), "--redis", redis_url]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    for node in nodes:
        node.communicate(timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"the coordinator failed: {done.stdout}{done.stderr}")
    times = [
        datetime.fromisoformat(at).timestamp()
        for (at,) in query(archive, "select fetched_at from captures where url like '%/20__/%'")
    ]
    if len(times) < 2:
        raise RuntimeError("no article pages archived")
    return (len(times) - 1) / (max(times) - min(times))


def measure(pages: int = 600, repeat: int = 3, concurrency: int = 2) -> list[Row]:
    ratios: dict[int, list[float]] = {2: [], 4: []}
    rates: dict[int, list[float]] = {1: [], 2: [], 4: []}
    with (
        tempfile.TemporaryDirectory() as tmp,
        redis_server(Path(tmp)) as redis_url,
        generated_site(pages, latency=LATENCY) as server,
    ):
        for round_ in range(repeat):
            found = {}
            for processes in (1, 2, 4):
                archive = Path(tmp) / f"r{round_}-{processes}.db"
                found[processes] = crawl(
                    server.base_url, archive, redis_url, processes, concurrency
                )
                rates[processes].append(found[processes])
            for processes in (2, 4):
                ratios[processes].append(found[processes] / found[1])
            print(
                f"round {round_ + 1}: "
                + ", ".join(f"{p} processes {r:.1f} pages/s" for p, r in found.items())
                + f"; ratios {found[2] / found[1]:.2f}, {found[4] / found[1]:.2f}",
                flush=True,
            )
    return [
        Row(
            "distributed",
            f"{processes} fetching processes, article pages/s",
            statistics.median(rates[processes]),
            "1 process",
            statistics.median(rates[1]),
            "pages/s",
            statistics.median(ratios[processes]),
            at_least(GOALS[processes]),
            f"{min(ratios[processes]):.2f}-{max(ratios[processes]):.2f} over {repeat} rounds",
        )
        for processes in (2, 4)
    ]


def rows(quick: bool = False) -> list[Row]:
    return measure(pages=300, repeat=2) if quick else measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=600, help="articles of the generated site")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (1, 2 and 4 processes)")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight each")
    args = parser.parse_args()
    print_table(measure(args.pages, args.repeat, args.concurrency))


if __name__ == "__main__":
    main()
