"""The long-running commands for scripts and logs: ``--json`` prints one document that agrees
with the archive (counted here with SQL of its own), a log (stderr not a terminal) gets the
summary and no progress bar, a terminal gets a progress bar; ``newsbot eval`` finds the
project's fixtures from any folder."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import REAL_PAGES, REPO, run_newsbot

from sitegen import DemoServer

FIXTURES = REPO / "tests" / "fixtures" / "extract"


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def one(path: Path, sql: str, *params: Any) -> Any:
    return query(path, sql, *params)[0][0]


def json_of(*args: str, code: int = 0, cwd: Path | None = None) -> dict[str, Any]:
    """``newsbot ARGS --json`` run as a user would: its stdout is one JSON document and
    nothing else, its stderr (a pipe here, as in a log) holds no progress bar."""
    result = run_newsbot(*args, "--json", cwd=cwd)
    assert result.returncode == code, result.stdout + result.stderr
    assert "\r" not in result.stderr and "Traceback" not in result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def demo_crawl(server: DemoServer, archive: Path, *args: str) -> list[str]:
    return [
        "crawl", "euronews", "--base-url", server.base_url, "--editions", "de,en",
        "--archive", str(archive), *args,
    ]  # fmt: skip


# --- crawl ------------------------------------------------------------------------------------


def test_crawl_in_a_log_is_one_line_and_its_json_agrees_with_the_archive(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    archive = tmp_path / "crawl.db"
    first = run_newsbot(*demo_crawl(demo_server, archive))
    assert first.returncode == 0, first.stderr
    # Not a terminal: no progress bar and none of Scrapy's chatter, one line for the log.
    assert first.stderr == ""
    (line,) = first.stdout.splitlines()
    articles = one(archive, "SELECT COUNT(*) FROM articles")
    assert line.startswith("crawl finished in ")
    assert f"{articles} new and 0 changed articles" in line
    assert line.endswith(f"; archive holds {articles} articles ({archive})")

    again = json_of(*demo_crawl(demo_server, archive))  # incremental: mostly revisits
    run_id = again["id"]
    assert (run_id, again["status"], again["ok"]) == (2, "finished", True)
    assert one(archive, "SELECT status FROM crawl_runs WHERE id = ?", run_id) == "finished"
    captures = query(
        archive,
        "SELECT COUNT(*), COUNT(revisit_of) FROM captures WHERE run_id = ?",
        run_id,
    )[0]
    assert (again["fetched"], again["not_modified"]) == captures
    assert again["not_modified"] > 0
    errors = dict(
        query(archive, "SELECT kind, COUNT(*) FROM errors WHERE run_id = ? GROUP BY kind", run_id)
    )
    assert again["errors_by_kind"] == errors and again["errors"] == sum(errors.values())
    assert again["archive_articles"] == articles
    assert again["archive"] == str(archive)
    assert again["discovered"] >= again["fetched"] > 0


def test_crawl_on_a_terminal_shows_a_progress_bar_up_to_the_pages_archived(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    archive = tmp_path / "tty.db"
    leader, follower = pty.openpty()
    # A terminal of 100 columns (a new one has none, and a bar then has no room).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot", *demo_crawl(demo_server, archive), "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    shown: list[bytes] = []

    def drain() -> None:  # read as it comes: a full terminal would block the crawl
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join()
    os.close(leader)
    assert process.returncode == 0
    fetched = json.loads(stdout)["fetched"]
    terminal = b"".join(shown).decode()
    assert "\r" in terminal  # redrawn in place
    assert f"crawl: {fetched} pages" in terminal
    assert "INFO" not in terminal  # Scrapy's log stays out of the way (-v brings it)


def test_crawl_quiet_and_verbose_contradict(tmp_path: Path) -> None:
    result = run_newsbot("crawl", "euronews", "-q", "-v", "--archive", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr.startswith("newsbot: error: ") and result.stderr.count("\n") == 1


# --- reextract, export warc, import warc, compress ---------------------------------------------


@pytest.fixture()
def archive(crawled: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive.db"
    shutil.copy(crawled, copy)
    return copy


def test_reextract_json_is_the_report_and_agrees_with_the_archive(
    archive: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    document = json_of("reextract", "--archive", str(archive), "--report", str(report))
    assert json.loads(report.read_text()) == document
    run = query(archive, "SELECT spider, status FROM crawl_runs WHERE id = ?", document["run_id"])
    assert run == [("reextract", "finished")]
    # Today's extractor on today's pages: every article as it was, nothing else touched.
    assert document["counts"]["unchanged"] == one(archive, "SELECT COUNT(*) FROM articles")
    assert document["counts"]["changed"] == document["counts"]["failed"] == 0
    assert document["dry_run"] is False and document["seconds"] > 0


def test_reextract_in_a_log_prints_its_summary_and_no_progress(archive: Path) -> None:
    result = run_newsbot("reextract", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    articles = one(archive, "SELECT COUNT(*) FROM articles")
    first, *rest = result.stdout.splitlines()
    assert first.startswith(f"re-extracted {articles} captures in ")
    assert rest == [f"{articles} unchanged"]


def test_export_then_import_warc_json_agree_with_both_archives(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "demo.warc.gz"
    exported = json_of("export", "warc", str(out), "--archive", str(archive))
    answered = one(archive, "SELECT COUNT(*) FROM captures WHERE status != 0")
    assert exported["path"] == str(out) and exported["bytes"] == out.stat().st_size
    assert exported["captures"] == answered
    assert exported["records"] == 1 + 2 * answered  # warcinfo, then request + response each
    assert exported["responses"] + exported["revisits"] == answered

    fresh = tmp_path / "imported.db"
    imported = json_of("import", "warc", str(out), "--archive", str(fresh))
    assert imported["files"] == 1 and imported["records"] == exported["records"]
    assert imported["captures"] == one(fresh, "SELECT COUNT(*) FROM captures") == answered
    assert imported["damaged"] == []
    run = query(fresh, "SELECT spider, status FROM crawl_runs WHERE id = ?", imported["run_id"])
    assert run == [("import", "finished")]
    articles = one(fresh, "SELECT COUNT(*) FROM articles")
    assert imported["articles"]["counts"]["new"] == articles
    assert articles == one(archive, "SELECT COUNT(*) FROM articles")


def test_export_warc_in_a_log_is_one_line(archive: Path, tmp_path: Path) -> None:
    result = run_newsbot("export", "warc", str(tmp_path / "x.warc.gz"), "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and len(result.stdout.splitlines()) == 1


def test_compress_json_agrees_with_the_archive(archive: Path) -> None:
    codecs_before = dict(query(archive, "SELECT sha256, codec FROM bodies"))
    stored_before = one(archive, "SELECT SUM(stored_size) FROM bodies")
    document = json_of("compress", "--archive", str(archive))
    codecs_after = dict(query(archive, "SELECT sha256, codec FROM bodies"))
    (site,) = document["sites"]
    assert site["site"] == "euronews"
    made = query(archive, "SELECT id, samples, level FROM dictionaries ORDER BY id DESC LIMIT 1")
    dictionary = site["dictionary"]
    assert [(dictionary["id"], dictionary["samples"], dictionary["level"])] == made
    moved = [sha for sha, codec in codecs_after.items() if codec != codecs_before[sha]]
    assert site["rewritten"] == len(moved) > 0
    assert {codecs_after[sha] for sha in moved} == {f"zstd-dict:{dictionary['id']}"}
    assert document["bodies_bytes_before"] == stored_before
    assert document["bodies_bytes_after"] == one(archive, "SELECT SUM(stored_size) FROM bodies")
    assert document["dictionaries_bytes_after"] == one(
        archive, "SELECT SUM(stored_size) FROM dictionaries"
    )


# --- eval from any folder ---------------------------------------------------------------------


def test_eval_finds_the_project_fixtures_from_another_folder(tmp_path: Path) -> None:
    helped = run_newsbot("eval", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "tests/fixtures/extract" in helped.stdout
    # --diff reads every fixture case of the default folders, quickly.
    result = run_newsbot("eval", "--diff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cases = sum(1 for case in FIXTURES.iterdir() if (case / "page.html").is_file())
    assert result.stderr == f"0 of {cases} expected.json differ from newsbot's output\n"


def test_eval_of_a_package_without_its_tests_says_where_it_looked(tmp_path: Path) -> None:
    installed = tmp_path / "site-packages"
    shutil.copytree(
        REPO / "newsbot", installed / "newsbot", ignore=shutil.ignore_patterns("__pycache__")
    )
    result = subprocess.run(
        [sys.executable, "-m", "newsbot", "eval"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(installed / "tests" / "fixtures" / "extract") in result.stderr
    assert "FOLDER" in result.stderr


def test_eval_json_gives_the_scores_and_the_floor_it_checks(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copytree(REAL_PAGES / "de-DW_2023_04_28", folder / "de-DW_2023_04_28")
    shutil.copytree(FIXTURES / "en-2026-standard", folder / "en-2026-standard")

    unchecked = json_of("eval", str(folder), "--check", code=1)
    assert unchecked["check"] == "failed"
    assert unchecked["folders"][0]["floor"] == {}

    raised = json_of("eval", str(folder), "--raise-floor")
    (entry,) = raised["folders"]
    assert entry["folder"] == str(folder)
    assert entry["floor"] == json.loads((folder / "floor.json").read_text())
    assert entry["fixture_cases"]["cases"] == 1 and entry["real_pages"]["pages"] == 1
    newsbot = {**entry["fixture_cases"]["scores"]["newsbot"]}
    newsbot.update(entry["real_pages"]["scores"]["newsbot"])
    assert all(newsbot[key] == value for key, value in entry["floor"].items())
    assert set(entry["real_pages"]["scores"]) == {"newsbot", "trafilatura", "options"}

    checked = json_of("eval", str(folder), "--check")
    assert checked["check"] == "passed" and checked["folders"][0]["below_floor"] == []
