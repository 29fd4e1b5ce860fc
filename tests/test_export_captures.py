"""newsbot export captures: the raw pages as files named by URL, with a manifest mapping them
back, on a crawled demo and on captures of hostile URLs."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from conftest import run_newsbot

from newsbot.archive import Archive
from newsbot.items import Capture

HTML = [("Content-Type", "text/html; charset=utf-8")]


def export(archive: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsbot("export", "captures", "--archive", str(archive), "--output", str(out), *args)


def manifest(out: Path) -> list[dict[str, Any]]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def files_under(out: Path) -> set[str]:
    return {
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if path.is_file() and path.name != "manifest.jsonl"
    }


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result
    assert result.stderr.startswith("newsbot: error: ") and result.stderr.count("\n") == 1
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_every_capture_with_a_body_becomes_a_file_as_fetched(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages"
    result = export(crawled, out)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(crawled) as db:
        db.row_factory = sqlite3.Row
        captures = {
            row["id"]: row for row in db.execute("SELECT * FROM captures WHERE sha256 IS NOT NULL")
        }
        without_body = db.execute("SELECT COUNT(*) FROM captures WHERE sha256 IS NULL").fetchone()
    rows = manifest(out)
    assert sorted(row["capture_id"] for row in rows) == sorted(captures)
    assert {row["file"] for row in rows} == files_under(out)
    assert f"wrote {len(rows)} files (" in result.stdout
    if without_body[0]:
        assert f"skipped {without_body[0]} without a body" in result.stdout
    with Archive.open(crawled, readonly=True) as db:
        for row in rows:
            stored = captures[row["capture_id"]]
            data = (out / row["file"]).read_bytes()
            assert data == db.captures.body(stored["sha256"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"] == stored["sha256"]
            assert row["size"] == len(data)
            for name in ("url", "final_url", "fetched_at", "status", "site", "kind"):
                assert row[name] == stored[name], name
            headers = dict((k.lower(), v) for k, v in json.loads(stored["headers"]))
            assert row["content_type"] == headers.get("content-type")
    articles = [row for row in rows if row["kind"] == "article"]
    assert articles and all(row["file"].endswith(".html") for row in articles)
    # Named by URL: the host, then the path's folders, then the last segment and the id.
    first = articles[0]
    host, _, path = first["url"].split("://")[1].partition("/")
    assert first["file"] == f"{host.replace(':', '_')}/{path}@{first['capture_id']}.html"


def test_filters_and_latest_choose_the_captures(tmp_path: Path) -> None:
    archive = tmp_path / "two.db"
    page = "https://www.example.org/news/2026/03/02/night-trains"
    other = "https://other.example.org/a"
    with Archive.open(archive) as db:
        for day, body in ((1, b"<p>first</p>"), (2, b"<p>second</p>"), (3, b"<p>third</p>")):
            fetched = f"2026-03-0{day}T10:00:00+00:00"
            db.save_capture(Capture(page, page, 200, HTML, body, fetched, "example"), run_id=None)
        db.save_capture(
            Capture(other, other, 200, HTML, b"x", "2026-03-01T10:00:00+00:00", "other"),
            run_id=None,
        )
        db.save_capture(
            Capture(page, page, 304, [], b"", "2026-03-04T10:00:00+00:00", "example"), run_id=None
        )
    everything = tmp_path / "all"
    result = export(archive, everything)
    assert result.returncode == 0, result.stderr
    assert "wrote 4 files" in result.stdout and "skipped 1 without a body" in result.stdout
    names = sorted(row["file"] for row in manifest(everything) if row["url"] == page)
    assert names == [f"www.example.org/news/2026/03/02/night-trains@{i}.html" for i in (1, 2, 3)]
    assert (everything / names[0]).read_bytes() == b"<p>first</p>"

    latest = tmp_path / "latest"
    result = export(archive, latest, "--latest", "--site", "example")
    assert result.returncode == 0, result.stderr
    assert [row["file"] for row in manifest(latest)] == [names[2]]
    assert (latest / names[2]).read_bytes() == b"<p>third</p>"
    assert "skipped 1 without a body, 2 older captures of a URL" in result.stdout

    as_json = tmp_path / "json"
    result = export(archive, as_json, "--latest", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["files"] == len(manifest(as_json)) == 2
    assert (document["without_body"], document["older"]) == (1, 2)
    assert document["bytes"] == len(b"<p>third</p>") + len(b"x")
    assert document["manifest"] == str(as_json / "manifest.jsonl")

    window = tmp_path / "window"
    result = export(
        archive, window, "--captured-since", "2026-03-02", "--captured-until", "2026-03-03",
        "--url", page,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [row["fetched_at"] for row in manifest(window)] == ["2026-03-02T10:00:00+00:00"]


def test_hostile_urls_get_safe_names_inside_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "hostile.db"
    urls = [
        "http://evil.example/../../etc/passwd",
        "http://evil.example/%2e%2e/%2e%2e/%2e%2e/etc/shadow",
        "http://evil.example/a/..%2F..%2F..%2Fetc%2Fhosts",
        "http://evil.example/search?q=../../x&next=/etc/passwd",
        "http://evil.example/" + "long-" * 400 + "page",
        "http://evil.example/" + "/".join(["deep"] * 200) + "/page",
        "http://evil.example/" + "日本語のページ" * 60,
        "http://user:secret@evil.example:8080/.hidden/.bashrc",
        "http://evil.example/nul\x00byte/con",
        "http://../etc/passwd",
        "http://evil.example/",
        "http://evil.example/a/",
        "http://evil.example/a",
    ]
    with Archive.open(archive) as db:
        for i, url in enumerate(urls):
            body = f"page {i}".encode()
            db.save_capture(
                Capture(url, url, 200, HTML, body, f"2026-03-01T10:00:{i:02d}+00:00", "evil"),
                run_id=None,
            )
    out = tmp_path / "out" / "pages"
    result = export(archive, out)
    assert result.returncode == 0, result.stderr
    rows = manifest(out)
    assert [row["url"] for row in rows] == urls
    assert len({row["file"] for row in rows}) == len(urls)
    written = files_under(out)
    assert written == {row["file"] for row in rows}
    inside = out.resolve()
    for i, row in enumerate(rows):
        path = out / row["file"]
        assert path.resolve().is_relative_to(inside), row["file"]
        assert path.read_bytes() == f"page {i}".encode()
        parts = row["file"].split("/")
        assert ".." not in parts and not row["file"].startswith("/")
        assert all(len(part.encode()) <= 255 and not part.startswith(".") for part in parts)
        assert "secret" not in row["file"]
    assert not (tmp_path / "etc").exists() and not (tmp_path / "out" / "etc").exists()
    # Nothing written outside the folder but the folder itself.
    assert sorted(os.listdir(tmp_path / "out")) == ["pages"]


def test_a_folder_in_use_or_an_unknown_site_is_one_line(crawled: Path, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    assert_one_line_error(export(crawled, used), str(used), "not empty")
    assert sorted(os.listdir(used)) == ["notes.txt"]
    assert_one_line_error(export(crawled, tmp_path / "new", "--site", "nope"), "'nope'", "euronews")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert_one_line_error(export(crawled, a_file), str(a_file))
