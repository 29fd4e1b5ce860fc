"""newsbot reextract: stored captures extracted again, offline, as a user runs it.

A user's own profile ("mynews", a copy of the bundled Euronews profile) crawls the demo site;
the user then edits the profile and re-extracts. Every test works on its own copy of that
archive, in real subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, DemoServer

BUNDLED = REPO / "newsbot" / "sites" / "euronews.toml"


def write_profile(folder: Path, edit: str = "", append: str = "") -> Path:
    """The user's profile: Euronews' own rules under another name, ``edit`` applied as
    ``old=>new`` replacements, ``append`` added at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    text = BUNDLED.read_text().replace('slug = "euronews"', 'slug = "mynews"')
    text = text.replace('domains = ["euronews.com"]', 'domains = ["mynews.example"]')
    for pair in filter(None, edit.split("\n")):
        old, new = pair.split("=>")
        assert old in text, old
        text = text.replace(old, new)
    (folder / "mynews.toml").write_text(text + append)
    return folder


def newsbot(*args: str, profiles: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBOT_PROFILES": str(profiles)}
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
        check=False,
    )


@pytest.fixture(scope="session")
def mynews(tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer) -> Path:
    """An archive of one crawl of the demo site with the user's unedited profile."""
    base = tmp_path_factory.mktemp("mynews")
    profiles = write_profile(base / "profiles")
    archive = base / "mynews.db"
    result = newsbot(
        "crawl", "mynews", "--base-url", demo_server.base_url, "--editions", "de,en,fr",
        "--archive", str(archive), "--quiet", profiles=profiles,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return archive


@pytest.fixture()
def archive(mynews: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive.db"
    shutil.copy(mynews, copy)
    return copy


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def count(path: Path, table: str) -> int:
    return int(query(path, f"SELECT COUNT(*) FROM {table}")[0][0])


def reextract(
    archive: Path, profiles: Path, *args: str, report: Path | None = None
) -> dict[str, Any]:
    extra = ["--report", str(report)] if report else []
    result = newsbot("reextract", "--archive", str(archive), *args, *extra, profiles=profiles)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(report.read_text()) if report else {"stdout": result.stdout}


# Pruning each body's first paragraph: a rule change that changes most articles' text.
SHARE_BAR = '"div.c-article-partage-commentaire",'
PRUNE_FIRST = f'{SHARE_BAR}=>{SHARE_BAR} ".c-article-content > p:first-child",'


def articles_state(path: Path) -> list[tuple[Any, ...]]:
    """What a user reads back: each article (no extraction times) and its links."""
    rows = query(
        path,
        "SELECT canonical_url, title, teaser, text, authors, tags, capture_id, content_hash"
        " FROM articles ORDER BY canonical_url",
    )
    links = query(
        path,
        "SELECT source_url, target_url, kind, anchor_text, label, position FROM links"
        " ORDER BY source_url, kind, position, target_url",
    )
    versions = query(
        path,
        "SELECT canonical_url, version, capture_id, content_hash FROM article_versions"
        " ORDER BY canonical_url, version",
    )
    return [*rows, *links, *versions]


def test_unchanged_profile_changes_nothing(archive: Path, tmp_path: Path) -> None:
    profiles = write_profile(tmp_path / "p")
    before = articles_state(archive)
    articles = count(archive, "articles")
    data = reextract(archive, profiles, report=tmp_path / "r.json")
    assert data["counts"]["unchanged"] == articles > 10
    assert data["counts"]["changed"] == data["counts"]["new"] == data["counts"]["failed"] == 0
    assert articles_state(archive) == before  # no new version, no row rewritten


def test_edited_profile_changed_articles_get_a_version_and_new_links(
    archive: Path, tmp_path: Path
) -> None:
    profiles = write_profile(tmp_path / "p", PRUNE_FIRST)
    articles = count(archive, "articles")
    versions = count(archive, "article_versions")
    old = dict(query(archive, "SELECT canonical_url, text FROM articles"))
    data = reextract(archive, profiles, "--stale", report=tmp_path / "r.json")
    changed = data["counts"]["changed"]
    assert changed > articles // 2  # where the body starts with a paragraph, it went
    assert data["counts"]["unchanged"] == articles - changed
    assert data["fields"]["text"] == changed
    assert count(archive, "article_versions") == versions + changed
    example = data["examples"]["text"][0]
    assert example["before"] != example["after"]
    assert example["url"].startswith("http://127.0.0.1")
    shorter = 0
    for url, text in query(archive, "SELECT canonical_url, text FROM articles"):
        assert len(text) <= len(old[url])
        shorter += len(text) < len(old[url])
    assert shorter == changed
    # Run again: the stale ones are done, the rest unchanged; no version is added.
    again = reextract(archive, profiles, "--stale", report=tmp_path / "r2.json")
    assert again["counts"]["fresh"] == articles and again["counts"]["changed"] == 0
    plain = reextract(archive, profiles, report=tmp_path / "r3.json")
    assert plain["counts"]["unchanged"] == articles
    assert count(archive, "article_versions") == versions + changed


def test_dry_run_reports_the_same_and_writes_nothing(archive: Path, tmp_path: Path) -> None:
    profiles = write_profile(tmp_path / "p", PRUNE_FIRST)
    copy = tmp_path / "copy.db"
    shutil.copy(archive, copy)
    before = archive.read_bytes()
    dry = reextract(archive, profiles, "--dry-run", report=tmp_path / "dry.json")
    assert archive.read_bytes() == before
    real = reextract(copy, profiles, report=tmp_path / "real.json")
    assert dry["dry_run"] is True and real["dry_run"] is False
    for key in ("counts", "fields", "examples"):
        assert dry[key] == real[key]
    assert dry["counts"]["changed"] > 0


def test_pages_that_stop_and_start_being_articles(archive: Path, tmp_path: Path) -> None:
    # The user now excludes the health section from the articles.
    excluded = write_profile(
        tmp_path / "p1", "exclude = ['(?:^|/)video/',=>exclude = ['/health/', '(?:^|/)video/',"
    )
    health = query(archive, "SELECT canonical_url FROM articles WHERE url LIKE '%/health/%'")
    assert health
    url = health[0][0]
    versions = count(archive, "article_versions")
    data = reextract(archive, excluded, report=tmp_path / "r.json")
    assert data["counts"]["no_longer"] == len(health)
    assert not query(archive, "SELECT 1 FROM articles WHERE url LIKE '%/health/%'")
    assert not query(archive, "SELECT 1 FROM links WHERE source_url = ?", url)
    assert count(archive, "article_versions") == versions  # the history stays
    errors = query(
        archive,
        "SELECT kind FROM errors e JOIN crawl_runs r ON r.id = e.run_id"
        " WHERE r.spider = 'reextract' AND e.url LIKE '%/health/%'",
    )
    assert errors and {kind for (kind,) in errors} == {"not_article"}
    search = newsbot("history", url, "--archive", str(archive), profiles=excluded)
    assert search.returncode == 0 and "1" in search.stdout
    # Back to the first rules: they are articles again, with their links.
    back = reextract(archive, write_profile(tmp_path / "p2"), report=tmp_path / "r2.json")
    assert back["counts"]["new"] == len(health)
    assert query(archive, "SELECT 1 FROM articles WHERE canonical_url = ?", url)
    assert query(archive, "SELECT 1 FROM links WHERE source_url = ?", url)


def test_rules_of_the_capture_date(archive: Path, tmp_path: Path) -> None:
    fetched = query(archive, "SELECT MIN(fetched_at) FROM captures")[0][0]
    rule = "[[rules]]\n{when}\ndescription = 'a test rule'\n[rules.furniture]\nprune = ['p']\n"
    # A rule for pages captured before these were: they keep today's rules.
    old = write_profile(tmp_path / "old", append=rule.format(when='until = "2001-01-01"'))
    data = reextract(archive, old, "--stale", report=tmp_path / "r.json")
    assert data["counts"]["changed"] == 0 and data["counts"]["unchanged"] > 0
    # A rule from a day before their capture on: it applies to them.
    day = fetched[:10]
    new = write_profile(tmp_path / "new", append=rule.format(when=f'from = "{day}"'))
    data = reextract(archive, new, report=tmp_path / "r2.json")
    assert data["counts"]["changed"] + data["counts"]["no_longer"] > 0


def test_same_archive_whatever_the_worker_count(archive: Path, tmp_path: Path) -> None:
    profiles = write_profile(tmp_path / "p", PRUNE_FIRST)
    other = tmp_path / "other.db"
    shutil.copy(archive, other)
    one = reextract(archive, profiles, "--workers", "1", report=tmp_path / "1.json")
    two = reextract(other, profiles, "--workers", "2", report=tmp_path / "2.json")
    assert {k: one[k] for k in ("counts", "fields", "examples")} == {
        k: two[k] for k in ("counts", "fields", "examples")
    }
    assert articles_state(archive) == articles_state(other)


def test_selection_flags(archive: Path, tmp_path: Path) -> None:
    profiles = write_profile(tmp_path / "p", PRUNE_FIRST)
    # An article the rule changes (not every body starts with a paragraph, and which article
    # the crawl archived first depends on the order pages came back).
    dry = reextract(archive, profiles, "--dry-run", report=tmp_path / "0.json")
    url = dry["examples"]["text"][0]["url"]
    one = reextract(archive, profiles, "--url", url, report=tmp_path / "1.json")
    assert one["counts"]["changed"] == 1 and sum(one["counts"].values()) == 1
    late = reextract(
        archive, profiles, "--captured-since", "2100-01-01", report=tmp_path / "2.json"
    )
    assert sum(late["counts"].values()) == 0
    site = reextract(archive, profiles, "--site", "generic", report=tmp_path / "3.json")
    assert sum(site["counts"].values()) == 0


def test_every_capture_or_the_latest(tmp_path: Path) -> None:
    from sitegen import DemoServer as Server
    from sitegen import DemoSite

    profiles = write_profile(tmp_path / "p")
    archive = tmp_path / "twice.db"
    with Server(DemoSite()) as server:
        crawl = [
            "crawl", "mynews", "--base-url", server.base_url, "--editions", "de,en,fr",
            "--archive", str(archive), "--quiet",
        ]  # fmt: skip
        assert newsbot(*crawl, profiles=profiles).returncode == 0
        target = next(a for a in server.site.articles if a.edition == "de")
        server.site.change_article(target.path, title="Eine neue Überschrift für diese Seite")
        assert newsbot(*crawl, profiles=profiles).returncode == 0
        url = server.base_url + target.path
    assert len(query(archive, "SELECT 1 FROM captures WHERE url = ? AND status = 200", url)) == 2
    edited = write_profile(tmp_path / "e", PRUNE_FIRST)
    latest = reextract(archive, edited, "--url", url, report=tmp_path / "1.json")
    assert sum(latest["counts"].values()) == 1
    every = reextract(archive, edited, "--all-captures", "--url", url, report=tmp_path / "2.json")
    assert sum(every["counts"].values()) == 2
    # The row stays with the newest capture's article; the older one joins the history.
    (title,) = query(archive, "SELECT title FROM articles WHERE canonical_url = ?", url)[0]
    assert title == "Eine neue Überschrift für diese Seite"
    newest = query(archive, "SELECT MAX(id) FROM captures WHERE url = ?", url)[0][0]
    assert query(archive, "SELECT capture_id FROM articles WHERE canonical_url = ?", url) == [
        (newest,)
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A larger archive (a generated site of 400 articles crawled with the user's profile),
    and the profile folder: long enough a re-extraction to be killed in the middle."""
    from sitegen import DemoServer as Server
    from sitegen import GeneratedSite

    base = tmp_path_factory.mktemp("generated")
    profiles = write_profile(base / "profiles")
    archive = base / "generated.db"
    with Server(GeneratedSite(400)) as server:
        result = newsbot(
            "crawl", "mynews", "--base-url", server.base_url, "--editions", "de,en,fr",
            "--archive", str(archive), "--quiet", profiles=profiles,
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(archive, "articles") >= 300
    return archive, profiles


def checkpoint(path: Path) -> int:
    found = query(
        path,
        "SELECT json_extract(stats, '$.checkpoint') FROM crawl_runs"
        " WHERE spider = 'reextract' AND status = 'running'",
    )
    return int(found[0][0] or 0) if found else 0


def test_killed_run_continues_to_the_same_archive(
    tmp_path: Path, generated: tuple[Path, Path]
) -> None:
    source, _ = generated
    profiles = write_profile(tmp_path / "p", PRUNE_FIRST)
    reference, killed = tmp_path / "reference.db", tmp_path / "killed.db"
    shutil.copy(source, reference)
    shutil.copy(source, killed)
    expected = reextract(reference, profiles, "--workers", "1", report=tmp_path / "ref.json")
    assert expected["counts"]["changed"] >= 300
    env = {**os.environ, "NEWSBOT_PROFILES": str(profiles)}
    report = tmp_path / "final.json"
    command = [
        sys.executable, "-m", "newsbot", "reextract", "--archive", str(killed), "--workers", "1",
        "--report", str(report),
    ]  # fmt: skip
    last, kills = 0, 0
    for _ in range(3):  # killed each time some batches are written, until a run gets through
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while checkpoint(killed) <= last and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        if process.poll() is not None:
            break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        kills += 1
        last = checkpoint(killed)
    assert kills >= 1 and last > 0  # killed with work written and work left
    if not report.exists():  # the last one was killed too: once more, to the end
        reextract(killed, profiles, "--workers", "1", report=report)
    final = json.loads(report.read_text())
    assert articles_state(killed) == articles_state(reference)  # no version twice
    for key in ("counts", "fields", "examples"):
        assert final[key] == expected[key]


def test_bad_input_one_line(archive: Path, tmp_path: Path) -> None:
    profiles = write_profile(tmp_path / "p")
    for args in (
        ["--archive", str(tmp_path / "missing.db")],
        ["--archive", str(archive), "--site", "nowhere"],
        ["--archive", str(archive), "--captured-until", "soon"],
        ["--archive", str(archive), "--report", str(tmp_path / "no" / "such" / "r.json")],
    ):
        result = newsbot("reextract", *args, profiles=profiles)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("newsbot: error: ")
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()
