"""newsbot export warc: the archive's captures as a WARC file other web-archive tools read.

Checked with the tools themselves (warcio's own ``check`` and ``index`` commands, its
ArchiveIterator verifying digests) against the archive the file was written from.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import crawl_demo, run_newsbot
from warcio.archiveiterator import ArchiveIterator

from newsbot.archive import Archive
from newsbot.items import Capture
from sitegen import DemoServer

WARCIO = str(Path(sys.executable).with_name("warcio"))
IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def export(archive: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_newsbot("export", "warc", str(out), "--archive", str(archive), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def records(path: Path) -> list[dict[str, Any]]:
    """Every record of a WARC file, its payload read and its digests checked by warcio."""
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            payload = record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            found.append(
                {
                    "type": record.rec_type,
                    "warc": dict(record.rec_headers.headers),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "statusline": record.http_headers.statusline if record.http_headers else None,
                    "http": list(record.http_headers.headers) if record.http_headers else [],
                    "payload": payload,
                }
            )
    return found


def captures(archive: Path, where: str = "1", *params: object) -> list[dict[str, Any]]:
    with sqlite3.connect(archive) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(f"SELECT * FROM captures WHERE {where} ORDER BY id", params).fetchall()
    return [dict(row) for row in rows]


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsbot: error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def exported(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("warc") / "demo.warc.gz"
    return out, export(crawled, out).stdout


@pytest.fixture(scope="module")
def recrawled(demo_server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo crawled three times into one archive: a first crawl; an incremental one (the
    sitemaps, feeds and sections answer 304); one fetching everything again (the same bodies
    come back with 200)."""
    archive = tmp_path_factory.mktemp("recrawled") / "demo.db"
    crawl_demo(demo_server.base_url, archive)
    crawl_demo(demo_server.base_url, archive)
    crawl_demo(demo_server.base_url, archive, "--set", "NEWSBOT_INCREMENTAL=False")
    return archive


def test_warcio_check_and_index_read_the_file(crawled: Path, exported: tuple[Path, str]) -> None:
    out, stdout = exported
    check = subprocess.run([WARCIO, "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run(
        [WARCIO, "index", "-f", "warc-type,warc-target-uri", str(out)],
        capture_output=True,
        text=True,
    )
    assert index.returncode == 0, index.stderr
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    answered = [c for c in captures(crawled) if c["status"] != 0]
    assert entries[0]["warc-type"] == "warcinfo"
    # One crawl: every body is new, so every capture with an answer is a full response.
    responses = [e["warc-target-uri"] for e in entries if e["warc-type"] == "response"]
    assert Counter(responses) == Counter(c["final_url"] for c in answered)
    requests = [e["warc-target-uri"] for e in entries if e["warc-type"] == "request"]
    assert Counter(requests) == Counter(responses)
    size = out.stat().st_size / (1024 * 1024)
    assert stdout.strip() == (
        f"wrote {1 + 2 * len(answered)} records ({len(answered)} responses, 0 revisits)"
        f" for {len(answered)} captures to {out} ({size:.1f} MiB)"
    )


def test_payloads_headers_and_times_are_the_captures(
    crawled: Path, exported: tuple[Path, str]
) -> None:
    out, _ = exported
    found = records(out)
    info = found[0]
    assert info["type"] == "warcinfo" and info["warc"]["WARC-Type"] == "warcinfo"
    assert b"software: newsbot/" in info["payload"]
    responses = [r for r in found if r["type"] == "response"]
    by_id = {r["warc"]["WARC-Record-ID"]: r for r in responses}
    answered = [c for c in captures(crawled) if c["status"] != 0]
    assert len(responses) == len(answered)
    with Archive.open(crawled, readonly=True) as archive:
        for record, capture in zip(responses, answered, strict=True):
            body = archive.captures.body(capture["sha256"]) if capture["sha256"] else b""
            assert record["payload"] == body, capture["url"]
            assert record["warc"]["WARC-Target-URI"] == capture["final_url"]
            assert moment(record["warc"]["WARC-Date"]) == moment(capture["fetched_at"])
            assert record["warc"]["WARC-Payload-Digest"].startswith("sha1:")
            assert record["warc"]["WARC-Block-Digest"].startswith("sha1:")
            assert int(record["status"]) == capture["status"]
            received = [tuple(pair) for pair in json.loads(capture["headers"])]
            written = record["http"]
            # Every header as received, in order, but Content-Length: the payload's own,
            # the received one kept under its original name when it differs.
            assert [h for h in written if h[0] != "Content-Length"] == [
                ("X-Archive-Orig-Content-Length", v) if n == "Content-Length" else (n, v)
                for n, v in received
                if n != "Content-Length" or v != str(len(body))
            ]
            assert ("Content-Length", str(len(body))) in written
    for record in found:
        if record["type"] == "request":
            response = by_id[record["warc"]["WARC-Concurrent-To"]]
            assert record["warc"]["WARC-Target-URI"] == response["warc"]["WARC-Target-URI"]
            assert record["warc"]["WARC-Date"] == response["warc"]["WARC-Date"]
            assert record["statusline"].startswith("/") and record["statusline"].endswith(
                " HTTP/1.1"
            )
            assert ("User-Agent", "newsbot/0.1.0 (news archive crawler; Scrapy)") in record["http"]


def test_bodies_fetched_again_are_revisits_of_an_earlier_response(
    recrawled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "recrawled.warc.gz"
    stdout = export(recrawled, out).stdout
    check = subprocess.run([WARCIO, "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    found = records(out)
    answered = [c for c in captures(recrawled) if c["status"] != 0]
    written = [r for r in found if r["type"] in ("response", "revisit")]
    assert len(written) == len(answered)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    digests: set[str] = set()
    profiles: Counter[str] = Counter()
    for record in written:
        warc = record["warc"]
        if record["type"] == "response":
            # Each body once.
            assert warc["WARC-Payload-Digest"] not in digests
            digests.add(warc["WARC-Payload-Digest"])
            seen[warc["WARC-Target-URI"], warc["WARC-Date"]] = record
            continue
        profiles[warc["WARC-Profile"]] += 1
        assert record["payload"] == b""
        earlier = seen[warc["WARC-Refers-To-Target-URI"], warc["WARC-Refers-To-Date"]]
        assert warc["WARC-Payload-Digest"] == earlier["warc"]["WARC-Payload-Digest"]
        if warc["WARC-Profile"] == NOT_MODIFIED:
            assert record["status"] == "304"
        else:
            assert warc["WARC-Profile"] == IDENTICAL
            assert record["status"] == earlier["status"]
            length = dict(record["http"])["Content-Length"]
            assert length == str(len(earlier["payload"]))
    assert profiles[NOT_MODIFIED] == sum(c["status"] == 304 for c in answered) > 0
    assert profiles[IDENTICAL] > 0
    assert f"({len(digests)} responses, {sum(profiles.values())} revisits)" in stdout


def test_site_and_capture_time_select_captures(recrawled: Path, tmp_path: Path) -> None:
    every_site = tmp_path / "all.warc.gz"
    export(recrawled, every_site, "--site", "euronews")
    everything = records(every_site)
    assert sum(r["type"] == "request" for r in everything) == len(
        [c for c in captures(recrawled) if c["status"] != 0]
    )
    # The last crawl alone: bodies first fetched by earlier crawls are written in full again.
    last_run = captures(recrawled, "run_id = (SELECT MAX(id) FROM crawl_runs)")
    since = min(c["fetched_at"] for c in last_run)
    out = tmp_path / "last.warc.gz"
    export(recrawled, out, "--captured-since", since)
    found = records(out)
    written = [r for r in found if r["type"] in ("response", "revisit")]
    assert {r["warc"]["WARC-Target-URI"] for r in written} >= {c["final_url"] for c in last_run}
    assert all(moment(r["warc"]["WARC-Date"]) >= moment(since) for r in written)
    assert len(written) < len([r for r in everything if r["type"] in ("response", "revisit")])
    for record in written:
        if record["type"] == "revisit" and record["warc"]["WARC-Profile"] == IDENTICAL:
            assert moment(record["warc"]["WARC-Refers-To-Date"]) >= moment(since)
    assert any(r["type"] == "response" and r["status"] == "200" for r in written)
    assert b"captured since" in found[0]["payload"]
    # Before the first capture: nothing.
    first = captures(recrawled)[0]["fetched_at"]
    out = tmp_path / "none.warc.gz"
    result = export(recrawled, out, "--captured-until", first)
    assert [r["type"] for r in records(out)] == ["warcinfo"]
    assert "for 0 captures" in result.stdout


def test_one_url(crawled: Path, tmp_path: Path) -> None:
    article = captures(crawled, "kind = 'article' AND status = 200")[0]
    out = tmp_path / "one.warc.gz"
    export(crawled, out, "--url", article["url"])
    assert [(r["type"], r["warc"].get("WARC-Target-URI")) for r in records(out)] == [
        ("warcinfo", None),
        ("response", article["final_url"]),
        ("request", article["final_url"]),
    ]


def test_unknown_site_and_bad_paths_end_in_one_line(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.warc.gz"
    line = one_error_line(run_newsbot("export", "warc", str(out), "--site", "nosuch",
                                      "--archive", str(crawled)))  # fmt: skip
    assert "nosuch" in line and "euronews" in line
    line = one_error_line(
        run_newsbot("export", "warc", str(out), "--archive", str(tmp_path / "missing.db"))
    )
    assert "missing.db" in line
    missing_folder = tmp_path / "no" / "such" / "folder" / "out.warc.gz"
    line = one_error_line(run_newsbot("export", "warc", str(missing_folder),
                                      "--archive", str(crawled)))  # fmt: skip
    assert "cannot write" in line
    line = one_error_line(run_newsbot("export", "warc", str(tmp_path), "--archive", str(crawled)))
    assert "folder" in line
    line = one_error_line(run_newsbot("export", "warc", str(out), "--captured-since", "yesterday",
                                      "--archive", str(crawled)))  # fmt: skip
    assert "yesterday" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_file_and_the_old_one_untouched(
    crawled: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.db"
    with sqlite3.connect(crawled) as source, sqlite3.connect(damaged) as copy:
        source.backup(copy)
    article = captures(damaged, "kind = 'article' AND status = 200")[10]
    with sqlite3.connect(damaged) as db:
        db.execute("UPDATE bodies SET data = x'00112233' WHERE sha256 = ?", (article["sha256"],))
    out = tmp_path / "out.warc.gz"
    out.write_bytes(b"an earlier export")
    result = run_newsbot("export", "warc", str(out), "--archive", str(damaged))
    line = one_error_line(result)
    assert f"capture {article['id']}" in line and article["final_url"] in line
    assert out.read_bytes() == b"an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir() if ".warc" in p.name) == ["out.warc.gz"]


def test_captures_without_an_answer_are_skipped_and_headers_are_corrected(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "made.db"
    page = b"<html><body><p>Plain text, no longer gzipped.</p></body></html>"
    with Archive.open(archive) as db:
        for capture in (
            Capture(
                url="http://example.test/old",
                final_url="http://example.test/new",
                status=200,
                headers=[
                    ("Content-Type", "text/html"),
                    ("Content-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                    ("Content-Length", "31"),
                ],
                body=page,
                fetched_at="2026-05-01T10:00:00+02:00",
                site="example",
            ),
            Capture(
                url="http://example.test/gone",
                final_url="http://example.test/gone",
                status=0,
                headers=[],
                body=b"",
                fetched_at="2026-05-01T08:00:01+00:00",
                site="example",
                error="dns: no such host",
            ),
        ):
            db.save_capture(capture, run_id=None)
    out = tmp_path / "made.warc.gz"
    result = export(archive, out)
    assert result.stdout.strip().endswith("; skipped 1 captures without an answer")
    assert "(1 responses, 0 revisits) for 1 captures" in result.stdout
    response = [r for r in records(out) if r["type"] == "response"]
    assert len(response) == 1
    record = response[0]
    assert record["payload"] == page
    assert record["warc"]["WARC-Target-URI"] == "http://example.test/new"
    assert record["warc"]["WARC-X-Newsbot-Requested-URI"] == "http://example.test/old"
    assert record["warc"]["WARC-Date"] == "2026-05-01T08:00:00Z"
    assert record["http"] == [
        ("Content-Type", "text/html"),
        ("X-Archive-Orig-Content-Encoding", "gzip"),
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),
        ("X-Archive-Orig-Content-Length", "31"),
        ("Content-Length", str(len(page))),
    ]
