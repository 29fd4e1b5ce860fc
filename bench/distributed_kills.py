"""Distributed crawl under SIGKILL: trials where a node and the writer die at random moments.

    python bench/distributed_kills.py [--pages N] [--trials N] [--seed N]

Each trial crawls a generated site (default 2,000 articles, answers after 20 ms) through a real
redis-server on 127.0.0.1 with the coordinator (``newsbot crawl --redis``) and two nodes
(``newsbot node``), leases of 3 s. At random moments (after 5% to 90% of the article pages
are archived) a node and the writer are killed with SIGKILL and started again; a trial whose
crawl ended before both kills fails. The trial passes when the archive holds exactly the
articles of a single-process crawl of the same site, no article page was archived twice, and
``newsbot check`` finds nothing wrong. Prints every trial; the figure is the share of trials
that passed (goal: all).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # redis_server.py
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, crawl_command, generated_site, query
from _rows import Row, at_least, print_table
from redis_server import redis_server

IN_QUICK = False
SETTINGS = ("NEWSBOT_EXTRACT_WORKERS=1", "NEWSBOT_REDIS_LEASE=3")


def _settings() -> list[str]:
    return [arg for setting in SETTINGS for arg in ("-s", setting)]


def start_node(redis_url: str, name: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsbot", "node", "--redis", redis_url, "--name", name,
               "--exit-when-idle", "8", *_settings()]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start_writer(base_url: str, archive: Path, redis_url: str) -> subprocess.Popen[bytes]:
    command = [*crawl_command(base_url, archive, *SETTINGS), "--redis", redis_url]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill(process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def articles(archive: Path, base_url: str) -> set[tuple[str, str]]:
    rows = query(archive, "select canonical_url, content_hash from articles")
    return {(url.removeprefix(base_url), digest) for url, digest in rows}


def archived(archive: Path) -> int:
    """Article pages the archive holds so far (0 before it exists, or while it cannot be read);
    read-only, so that it never makes the file the writer is about to create."""
    if not archive.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"{archive.resolve().as_uri()}?mode=ro", uri=True)) as db:
            found = db.execute("select count(*) from captures where kind = 'article'")
            return int(found.fetchone()[0])
    except sqlite3.Error:
        return 0


def trial(
    base_url: str, archive: Path, redis_url: str, expected: set[tuple[str, str]], rng: random.Random
) -> tuple[bool, str]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    writer = start_writer(base_url, archive, redis_url)
    nodes = [start_node(redis_url, "node-1"), start_node(redis_url, "node-2")]
    # The moments are points of the crawl's progress (article pages archived), not of the clock:
    # a crawl faster than some guess of its length still has both kills in its middle.
    total = len(expected)
    when = sorted(
        [("node", round(rng.uniform(0.05, 0.9) * total)),
         ("writer", round(rng.uniform(0.05, 0.9) * total))],
        key=lambda k: k[1],
    )  # fmt: skip
    said = []
    for who, at in when:
        deadline = time.monotonic() + 600
        while archived(archive) < at and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if who == "node":
            n = rng.randrange(len(nodes))
            if kill(nodes[n]):
                said.append(f"node-{n + 1} killed at {archived(archive)} of {total} pages")
                nodes[n] = start_node(redis_url, f"node-{n + 1}")
        elif kill(writer):
            said.append(f"writer killed at {archived(archive)} of {total} pages")
            writer = start_writer(base_url, archive, redis_url)
    kills = len(said)
    out, err = writer.communicate(timeout=900)
    for node in nodes:
        node.communicate(timeout=300)
    if writer.returncode != 0:
        return False, f"writer failed: {out.decode()}{err.decode()}"
    # (Listings are read again by a restarted writer, as by any crawl started again.)
    twice = query(
        archive,
        "select url, count(*) from captures where kind = 'article' group by url"
        " having count(*) > 1",
    )
    got = articles(archive, base_url)
    check = subprocess.run(
        [sys.executable, "-m", "newsbot", "check", "--archive", str(archive)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    problems = []
    if got != expected:
        problems.append(f"{len(expected - got)} articles missing, {len(got - expected)} unexpected")
    if twice:
        problems.append(f"{len(twice)} pages archived twice ({twice[0][0]})")
    if check.returncode != 0:
        problems.append(f"check: {check.stdout.strip()[:200]}")
    if kills < 2:
        problems.append(f"the crawl ended before its kills: {kills} of 2 made")
    said.append("; ".join(problems) or "every article once, check ok")
    return not problems, ", ".join(said)


def measure(pages: int = 2000, trials: int = 10, seed: int = 1) -> list[Row]:
    rng = random.Random(seed)
    passed = 0
    with (
        tempfile.TemporaryDirectory() as tmp,
        redis_server(Path(tmp)) as redis_url,
        generated_site(pages, latency=0.02) as server,
    ):
        reference = Path(tmp) / "reference.db"
        command = crawl_command(server.base_url, reference, "NEWSBOT_EXTRACT_WORKERS=1")
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the single-process crawl failed: {done.stdout}{done.stderr}")
        expected = articles(reference, server.base_url)
        print(f"single-process crawl: {len(expected)} articles", flush=True)
        for number in range(trials):
            archive = Path(tmp) / f"trial-{number}.db"
            ok, said = trial(server.base_url, archive, redis_url, expected, rng)
            passed += ok
            print(f"trial {number + 1}: {'ok' if ok else 'FAILED'}: {said}", flush=True)
    return [
        Row("distributed_kills", "trials with every article once, check ok", passed,
            "trials", trials, "trials", passed / trials, at_least(1.0))
    ]  # fmt: skip


def rows(quick: bool = False) -> list[Row]:
    return measure(pages=500, trials=3) if quick else measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles of the generated site")
    parser.add_argument("--trials", type=int, default=10, help="crawls with kills")
    parser.add_argument("--seed", type=int, default=1, help="of the random moments")
    args = parser.parse_args()
    print_table(measure(args.pages, args.trials, args.seed))


if __name__ == "__main__":
    main()
