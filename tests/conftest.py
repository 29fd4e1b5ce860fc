"""Shared fixtures: the demo site served on 127.0.0.1, newsbot run as a real subprocess, and the
real pages of tests/fixtures/realpages loaded by name."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen import DemoServer, DemoSite

REPO = Path(__file__).resolve().parent.parent
REAL_PAGES = REPO / "tests" / "fixtures" / "realpages"


def real_page(name: str) -> tuple[bytes, dict[str, Any]]:
    """One real page of tests/fixtures/realpages by its folder name (``"de-DW_2023_04_28"``):
    the page's bytes as served (ungzipped) and its truth.json (url, crawl_date, publisher,
    title, authors, published, body, source)."""
    folder = REAL_PAGES / name
    if not (folder / "truth.json").is_file():
        raise FileNotFoundError(f"no real page {name!r} in {REAL_PAGES}")
    truth: dict[str, Any] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return gzip.decompress((folder / "page.html.gz").read_bytes()), truth


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
