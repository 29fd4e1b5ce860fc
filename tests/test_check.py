"""newsbot check: SQLite's integrity check and every stored body against its sha256."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import zstandard
from conftest import run_newsbot
from damage import copy_archive, damage_table, overwrite_page, pages_of

from newsbot.archive.check import CheckInputError, check_archive


@pytest.fixture
def archive(crawled: Path, tmp_path: Path) -> Path:
    return copy_archive(crawled, tmp_path / "copy.db")


def _sql(archive: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(archive)) as conn:
        return list(conn.execute(sql, params))


def _body_of_article(archive: Path) -> tuple[str, str]:
    """(sha256, final URL) of one article page's body."""
    found = _sql(
        archive,
        "SELECT c.sha256, c.final_url FROM articles a JOIN captures c ON c.id = a.capture_id"
        " ORDER BY a.id LIMIT 1",
    )
    sha, url = found[0]
    return str(sha), str(url)


def test_an_intact_archive_passes_and_every_body_is_read(archive: Path) -> None:
    result = run_newsbot("check", "--archive", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    bodies = _sql(archive, "SELECT count(*) FROM bodies")[0][0]
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        f"{archive}: intact — SQLite integrity_check ok, {bodies} bodies match their sha256 ("
    )
    document = json.loads(run_newsbot("check", "--archive", str(archive), "--json").stdout)
    assert document["ok"] is True and document["bodies"]["checked"] == bodies
    assert document["sqlite"] == {"check": "integrity_check", "problems": []}


def test_a_body_whose_content_changed_is_named_with_its_captures(archive: Path) -> None:
    sha, url = _body_of_article(archive)
    # The page SQLite holds is well formed; only its content is not what was fetched.
    other = zstandard.ZstdCompressor().compress(b"<html>not the page that was fetched</html>")
    with closing(sqlite3.connect(archive)) as conn:
        conn.execute("UPDATE bodies SET data = ?, size = 42 WHERE sha256 = ?", (other, sha))
        conn.commit()
    result = run_newsbot("check", "--archive", str(archive))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"damaged body {sha}: its content no longer matches its sha256; used by 1 capture: {url}"
    )
    assert "DAMAGED — 1 damaged body of" in lines[-1]
    assert "0 problems reported by SQLite integrity_check" in lines[-1]


def test_a_body_that_does_not_decompress_is_named(archive: Path) -> None:
    sha, url = _body_of_article(archive)
    with closing(sqlite3.connect(archive)) as conn:
        conn.execute("UPDATE bodies SET data = substr(data, 1, 20) WHERE sha256 = ?", (sha,))
        conn.commit()
    report = check_archive(archive)
    assert not report.ok
    (body,) = report.damaged_bodies
    assert (body.sha256, body.captures, body.urls) == (sha, 1, (url,))
    assert body.reason.startswith("cannot be decompressed")


def test_a_damaged_page_of_the_bodies_table_names_the_body_and_the_table(archive: Path) -> None:
    leaf_pages = {
        page
        for page, kind in _sql(
            archive,
            "SELECT pageno, pagetype FROM dbstat WHERE name = 'bodies' AND pagetype = 'leaf'",
        )
    }
    page = sorted(leaf_pages)[len(leaf_pages) // 2]
    held = {str(row[0]) for row in _sql(archive, "SELECT sha256 FROM bodies")}
    overwrite_page(archive, page, random.Random(7))
    result = run_newsbot("check", "--archive", str(archive), "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    damaged = {body["sha256"] for body in document["bodies"]["damaged"]}
    assert damaged and damaged <= held
    assert "bodies" in {problem["table"] for problem in document["sqlite"]["problems"]}
    assert "Traceback" not in result.stderr


def test_quick_runs_sqlites_quick_check(archive: Path) -> None:
    damage_table(archive, "frontier", seed=3)
    result = run_newsbot("check", "--archive", str(archive), "--quick", "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["sqlite"]["check"] == "quick_check"
    assert {problem["table"] for problem in document["sqlite"]["problems"]} == {"frontier"}
    assert result.stderr == ""


def test_every_one_of_twenty_random_damaged_pages_is_reported(
    crawled: Path, tmp_path: Path
) -> None:
    """The issue's goal: random damage to 20 random pages, each one reported (one at a time,
    so that each report is about its own page)."""
    source = copy_archive(crawled, tmp_path / "source.db")
    rng = random.Random(13)
    chosen = rng.sample(pages_of(source), 20)
    missed = []
    for page, owner, table in chosen:
        target = tmp_path / f"page-{page}.db"
        target.write_bytes(source.read_bytes())
        overwrite_page(target, page, rng)
        report = check_archive(target)
        named = {problem.table for problem in report.sqlite_problems}
        if report.damaged_bodies or report.unreadable:
            named.add("bodies")
        if report.ok or not {owner, table} & named:
            missed.append((page, owner, report))
        target.unlink()
    assert not missed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no archive at {path}"),
        (
            b"just some text, no database\n" * 200,
            "{path} is not a newsbot archive (not a SQLite file)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.db"
    if content is not None:
        path.write_bytes(content)
    result = run_newsbot("check", "--archive", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"newsbot: error: {message.format(path=path)}")
    assert len(result.stderr.splitlines()) == 1


def test_a_sqlite_file_of_someone_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(CheckInputError, match="not a newsbot archive"):
        check_archive(path)
    result = run_newsbot("check", "--archive", str(path))
    assert (result.returncode, len(result.stderr.splitlines())) == (2, 1)
