"""A damaged archive never gives a user a traceback: 4 KiB of random bytes in the pages of the
stored bodies, of the frontier or of the articles, then every command a user would run on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from conftest import run_newsbot
from damage import copy_archive, damage_table, overwrite_page, pages_of

from newsbot.cli import main
from sitegen import DemoServer


@pytest.fixture(scope="module")
def article_url(crawled: Path) -> str:
    with closing(sqlite3.connect(f"{crawled.as_uri()}?mode=ro", uri=True)) as conn:
        return str(conn.execute("SELECT canonical_url FROM articles ORDER BY id").fetchone()[0])


def _commands(archive: Path, url: str) -> dict[str, list[str]]:
    where = ["--archive", str(archive)]
    return {
        "stats": ["stats", *where],
        "search": ["search", "Europe", *where],
        "related": ["related", url, *where],
        "history": ["history", url, *where],
        "runs": ["runs", *where],
        "export articles": ["export", "articles", *where],
        "check": ["check", *where],
    }


def _one_line_or_success(name: str, result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, f"{name}: {result.stderr}"
    if result.returncode == 0 or name == "check":
        return
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsbot: error: "), f"{name}: {lines}"


# (table damaged, the commands that read every row of it and so must fail, in one line);
# the others fail in one line too when the rows they read are on the damaged page.
CASES = [
    ("bodies", ()),
    ("frontier", ("stats",)),
    ("articles", ("export articles",)),
]


@pytest.mark.parametrize(("table", "failing"), CASES, ids=[case[0] for case in CASES])
def test_no_command_shows_a_traceback_on_damaged_pages(
    crawled: Path,
    tmp_path: Path,
    article_url: str,
    demo_server: DemoServer,
    table: str,
    failing: tuple[str, ...],
) -> None:
    archive = copy_archive(crawled, tmp_path / "damaged.db")
    damage_table(archive, table, seed=5, pages=1)
    for name, args in _commands(archive, article_url).items():
        result = run_newsbot(*args)
        _one_line_or_success(name, result)
        if name in failing:
            assert result.returncode != 0, f"{name} exited 0 on a damaged {table} table"
    check = run_newsbot("check", "--archive", str(archive))
    assert check.returncode == 1
    assert "DAMAGED" in check.stdout.splitlines()[-1]


@pytest.mark.parametrize("table", ["bodies", "frontier"])
def test_a_crawl_refuses_a_damaged_archive_and_leaves_it_as_it_was(
    crawled: Path, tmp_path: Path, demo_server: DemoServer, table: str
) -> None:
    archive = copy_archive(crawled, tmp_path / "damaged.db")
    damage_table(archive, table, seed=11, pages=1)
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    result = run_newsbot(
        "crawl", "euronews", "--base-url", demo_server.base_url, "--editions", "en",
        "--archive", str(archive), "--quiet",
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"newsbot: error: archive at {archive} is damaged (")
    assert line.endswith(f"crawl not started — run `newsbot check --archive {archive}` to see what")
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before


def _run_in_process(args: list[str]) -> tuple[int, list[str]]:
    """``newsbot ARGS`` through the console script's own entry point, in this process (a
    subprocess per damaged page would take minutes): its exit code and stderr lines."""
    err, out = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
    assert isinstance(code, int | None), code
    return code or 0, err.getvalue().splitlines()


@pytest.fixture(scope="module")
def page_sweep(
    crawled: Path, tmp_path_factory: pytest.TempPathFactory, article_url: str
) -> list[tuple[int, str, str, int, list[str]]]:
    """Every page of the articles, links, frontier and runs tables damaged in turn (one at
    a time, 4 KiB of seeded random bytes), and the read commands run on each:
    ``(page, table, command, exit code, stderr lines)``."""
    folder = tmp_path_factory.mktemp("sweep")
    source = copy_archive(crawled, folder / "source.db")
    target = folder / "damaged.db"
    found = []
    for page, _, table in pages_of(source):
        if table not in ("articles", "links", "frontier", "crawl_runs"):
            continue
        shutil.copyfile(source, target)
        overwrite_page(target, page, random.Random(page))
        for command in (["stats"], ["search", "Europe"], ["runs"], ["export", "articles"],
                        ["related", article_url], ["history", article_url]):  # fmt: skip
            code, lines = _run_in_process([*command, "--archive", str(target)])
            found.append((page, table, command[0], code, lines))
    return found


def test_every_damaged_page_ends_in_an_error_line_never_an_exception(
    page_sweep: list[tuple[int, str, str, int, list[str]]],
) -> None:
    # (An exception escaping main() would fail the fixture itself.)
    assert len({page for page, *_ in page_sweep}) > 20
    wrong = [
        (page, table, command, lines)
        for page, table, command, code, lines in page_sweep
        if code and not (lines and lines[0].startswith("newsbot: error: "))
    ]
    assert not wrong
    assert any(code for *_, code, _ in page_sweep)


def test_every_damaged_page_ends_in_exactly_one_line(
    page_sweep: list[tuple[int, str, str, int, list[str]]],
) -> None:
    wrong = [
        (page, table, command, lines)
        for page, table, command, code, lines in page_sweep
        if code and len(lines) != 1
    ]
    assert not wrong
