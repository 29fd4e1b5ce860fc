"""A distributed crawl as a user runs it: redis-server, `newsbot crawl SITE --redis URL` (the
coordinator and single writer) and `newsbot node --redis URL` processes, against the demo site
on 127.0.0.1; the archive must hold what a local crawl of the same site holds, each page
fetched once, whichever process fetched it, also when a node or the writer is killed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, crawl_demo, run_newsbot
from redis_server import redis_server

from sitegen import DemoServer, GeneratedSite

EDITIONS = "de,en,fr"
#: Every process extracts with one worker: three crawlers share this machine's two cores.
ONE_WORKER = ("-s", "NEWSBOT_EXTRACT_WORKERS=1")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path) as url:
        yield url


def start_node(redis_url: str, name: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot", "node", "--redis", redis_url, "--name", name,
         "--exit-when-idle", "10", *ONE_WORKER, *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def start_coordinator(
    redis_url: str, base_url: str, archive: Path, *extra: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", base_url,
         "--editions", EDITIONS, "--archive", str(archive), "--quiet", "--redis", redis_url,
         *ONE_WORKER, *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finished(process: subprocess.Popen[str], timeout: float = 300) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, out + err
    return out


def articles(archive: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(archive) as db:
        rows = db.execute("SELECT canonical_url, title, text FROM articles").fetchall()
    return {url: (title, text) for url, title, text in rows}


def captured(archive: Path) -> Counter[str]:
    with sqlite3.connect(archive) as db:
        return Counter(url for (url,) in db.execute("SELECT url FROM captures"))


def relative(urls: Counter[str], base_url: str) -> Counter[str]:
    return Counter({url.removeprefix(base_url): n for url, n in urls.items()})


def last_run_stats(archive: Path) -> dict[str, object]:
    with sqlite3.connect(archive) as db:
        (stats,) = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    found: dict[str, object] = json.loads(stats)
    return found


def test_two_nodes_and_the_coordinator_archive_what_a_local_crawl_does(
    tmp_path: Path, redis_url: str
) -> None:
    local, spread = tmp_path / "local.db", tmp_path / "spread.db"
    with DemoServer() as server:
        crawl_demo(server.base_url, local, *ONE_WORKER)
        local_requests = Counter(path for _, path in server.requests)
        server.requests.clear()
        coordinator = start_coordinator(redis_url, server.base_url, spread)
        nodes = [start_node(redis_url, f"node-{n}") for n in (1, 2)]
        finished(coordinator)
        for node in nodes:
            finished(node)
        spread_requests = Counter(path for _, path in server.requests)
    assert articles(spread) == articles(local)
    assert len(articles(spread)) > 10
    # Each page fetched once in all, as the local crawl fetched it (robots.txt once per process).
    assert {p: n for p, n in spread_requests.items() if p != "/robots.txt"} == {
        p: n for p, n in local_requests.items() if p != "/robots.txt"
    }
    assert relative(captured(spread), server.base_url) == relative(captured(local), server.base_url)
    # The run names the processes that fetched, and their pages add up to the run's.
    stats = last_run_stats(spread)
    nodes = stats["newsbot/redis/nodes"]
    assert isinstance(nodes, dict) and "coordinator" in nodes
    assert set(nodes) <= {"coordinator", "node-1", "node-2"}
    with sqlite3.connect(spread) as db:
        (counts,) = db.execute("SELECT counts FROM crawl_runs ORDER BY id DESC").fetchone()
    assert sum(n.get("fetched", 0) for n in nodes.values()) == json.loads(counts)["fetched"]
    shown = run_newsbot("stats", "--archive", str(spread))
    assert (
        "node:    coordinator: seen" in shown.stdout and "queue:   0 requests left" in shown.stdout
    )
    check = run_newsbot("check", "--archive", str(spread))
    assert check.returncode == 0, check.stdout + check.stderr


def _kill_soon(process: subprocess.Popen[str], after: float) -> None:
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def test_a_node_or_the_writer_killed_loses_nothing_and_archives_nothing_twice(
    tmp_path: Path, redis_url: str
) -> None:
    """SIGKILL a node and the writer mid-crawl of a slow site, start them again: the archive
    ends with every article of a local crawl, each once, and passes its check."""
    local, spread = tmp_path / "local.db", tmp_path / "spread.db"
    site = GeneratedSite(300, editions=("en",))
    lease = ("-s", "NEWSBOT_REDIS_LEASE=3")
    with DemoServer(site) as fast:
        result = run_newsbot(
            "crawl", "euronews", "--base-url", fast.base_url, "--editions", "en",
            "--archive", str(local), "--quiet", *ONE_WORKER,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    with DemoServer(site, latency=0.05) as server:
        coordinator = start_coordinator(redis_url, server.base_url, spread, *lease)
        doomed = start_node(redis_url, "doomed", *lease)
        survivor = start_node(redis_url, "survivor", *lease)
        _kill_soon(doomed, 6)
        _kill_soon(coordinator, 4)
        coordinator = start_coordinator(redis_url, server.base_url, spread, *lease)
        finished(coordinator)
        finished(survivor)
        base = server.base_url
    assert articles(spread) == {
        url.replace(fast.base_url, base): text for url, text in articles(local).items()
    }
    with sqlite3.connect(spread) as db:
        twice = db.execute(
            "SELECT canonical_url, count(*) FROM article_versions GROUP BY canonical_url"
            " HAVING count(*) > 1"
        ).fetchall()
    assert twice == []
    check = run_newsbot("check", "--archive", str(spread))
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("command", ["crawl", "node"])
def test_no_redis_at_the_url_is_one_line_and_exit_1(tmp_path: Path, command: str) -> None:
    from redis_server import free_port

    port = free_port()
    args = (
        ["crawl", "euronews", "--archive", str(tmp_path / "a.db")]
        if command == "crawl"
        else ["node"]
    )
    result = run_newsbot(*args, "--redis", f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"newsbot: error: no Redis answers at redis://127.0.0.1:{port}/0:"
        f" Error 111 connecting to 127.0.0.1:{port}. Connection refused."
    ]


def test_a_node_with_no_crawl_to_help_with_says_so_and_ends(redis_url: str) -> None:
    result = run_newsbot("node", "--redis", redis_url, "--exit-when-idle", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"no crawl to help with at {redis_url}\n"
