"""Shared fixtures: the demo site served on 127.0.0.1, and newsbot run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot.demo import DemoServer, DemoSite

REPO = Path(__file__).resolve().parent.parent


def run_newsbot(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the newsbot command in a fresh Python process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or REPO,
        check=False,
    )


def crawl_demo(base_url: str, archive: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`newsbot crawl euronews` against the demo site; a failed crawl fails the test."""
    result = run_newsbot(
        "crawl", "euronews", "--base-url", base_url, "--editions", "de,en,fr",
        "--archive", str(archive), "--quiet", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    return DemoSite()


@pytest.fixture(scope="session")
def demo_server(demo_site: DemoSite) -> Iterator[DemoServer]:
    with DemoServer(demo_site) as server:
        yield server


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer) -> Path:
    """An archive holding one complete crawl of the demo site (shared, read-only for tests)."""
    archive = tmp_path_factory.mktemp("crawled") / "demo.db"
    crawl_demo(demo_server.base_url, archive)
    return archive
