"""What the bench scripts share: a generated site served on 127.0.0.1, crawls in subprocesses."""

from __future__ import annotations

import contextlib
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen import DemoServer, GeneratedSite  # noqa: E402


@contextlib.contextmanager
def generated_site(pages: int, *, latency: float = 0.0) -> Iterator[DemoServer]:
    """A generated site of ``pages`` articles, every page rendered before the first crawl so
    that the crawls measure the crawler, not the site."""
    site = GeneratedSite(pages)
    with DemoServer(site, latency=latency) as server:
        for article in site.articles:
            site.respond(article.path, server.base_url)
        yield server


def crawl_command(base_url: str, archive: Path, *settings: str) -> list[str]:
    command = [
        sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", base_url,
        "--editions", "de,en,fr", "--archive", str(archive), "-q",
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    return command


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, process start to exit
    cpu_seconds: float  # the crawler's and its extraction workers' CPU time
    returncode: int
    output: str


def run_crawl(
    base_url: str, archive: Path, *settings: str, env: dict[str, str] | None = None
) -> Run:
    """``newsbot crawl`` of the site at ``base_url`` into ``archive`` in a subprocess (``env``:
    its environment, None: this one's)."""
    return run_command(crawl_command(base_url, archive, *settings), env=env)


def run_command(command: list[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, done.returncode, done.stdout + done.stderr)


def query(archive: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql, params).fetchall()


def scalar(archive: Path, sql: str, *params: object) -> int:
    return int(query(archive, sql, *params)[0][0] or 0)


def run_seconds(archive: Path, run_id: int) -> float:
    """The crawl's own duration (Scrapy's elapsed time), without process start-up."""
    value = query(
        archive,
        "select json_extract(stats, '$.elapsed_time_seconds') from crawl_runs where id = ?",
        run_id,
    )[0][0]
    return float(value or 0.0)
