"""newsbot import warc: WARC files from newsbot, wget and warcio read into an archive."""

from __future__ import annotations

import gzip
import io
import shutil
import sqlite3
import subprocess
import urllib.request
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import DemoServer, crawl_demo, run_newsbot


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def articles(path: Path) -> list[tuple[Any, ...]]:
    """Every article field by field (not the times the archive set), and every link."""
    columns = [
        row[1]
        for row in query(path, "PRAGMA table_info(articles)")
        if row[1] not in ("id", "capture_id", "extracted_at", "first_seen_at")
    ]
    rows = query(path, f"SELECT {', '.join(columns)} FROM articles ORDER BY canonical_url")
    links = query(
        path,
        "SELECT source_url, target_url, kind, anchor_text, label, position FROM links"
        " ORDER BY source_url, kind, position, target_url",
    )
    return [*rows, *links]


def newsbot_ok(*args: str) -> str:
    result = run_newsbot(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def exported(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("warc") / "demo.warc.gz"
    newsbot_ok("export", "warc", str(out), "--archive", str(crawled))
    return out


def test_round_trip_gives_the_same_articles_and_links(
    crawled: Path, exported: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "imported.db"
    out = newsbot_ok("import", "warc", str(exported), "--archive", str(fresh))
    expected = articles(crawled)
    assert len(expected) > 100
    assert articles(fresh) == expected
    captures = query(crawled, "SELECT COUNT(*) FROM captures WHERE status > 0")[0][0]
    assert query(fresh, "SELECT COUNT(*) FROM captures")[0][0] == captures
    assert "request records" in out  # skipped, and said so
    # The bodies are the very bytes fetched.
    assert query(fresh, "SELECT sha256 FROM bodies ORDER BY 1") == query(
        crawled, "SELECT sha256 FROM bodies ORDER BY 1"
    )
    # The same file again adds nothing.
    again = newsbot_ok("import", "warc", str(exported), "--archive", str(fresh))
    assert "already in the archive" in again
    assert query(fresh, "SELECT COUNT(*) FROM captures")[0][0] == captures
    assert articles(fresh) == expected


def test_revisits_come_back_as_captures_of_the_body_stored_once(
    crawled: Path, demo_server: DemoServer, tmp_path: Path
) -> None:
    twice = tmp_path / "twice.db"
    shutil.copy(crawled, twice)
    crawl_demo(demo_server.base_url, twice)  # listings fetched again: revisits
    assert query(twice, "SELECT COUNT(*) FROM captures WHERE revisit_of IS NOT NULL")[0][0]
    warc = tmp_path / "twice.warc.gz"
    newsbot_ok("export", "warc", str(warc), "--archive", str(twice))
    fresh = tmp_path / "fresh.db"
    newsbot_ok("import", "warc", str(warc), "--archive", str(fresh))
    assert (
        query(fresh, "SELECT COUNT(*) FROM captures")[0][0]
        == query(twice, "SELECT COUNT(*) FROM captures WHERE status > 0")[0][0]
    )
    assert query(fresh, "SELECT COUNT(*) FROM bodies") == query(
        twice, "SELECT COUNT(*) FROM bodies"
    )
    assert articles(fresh) == articles(twice)


def test_wget_warc(demo_server: DemoServer, tmp_path: Path) -> None:
    wget = shutil.which("wget")
    assert wget, "wget is needed (.ci/run installs it)"
    article = next(a for a in demo_server.site.articles if a.edition == "en")
    urls = [demo_server.base_url + article.path, demo_server.base_url + "/en/"]
    subprocess.run(
        [wget, "--quiet", "--warc-file", str(tmp_path / "wget"), "--no-warc-keep-log",
         "-O", "/dev/null", "--no-proxy", *urls],
        check=False, timeout=60,
    )  # fmt: skip
    warc = tmp_path / "wget.warc.gz"
    assert warc.exists()
    archive = tmp_path / "wget.db"
    out = newsbot_ok("import", "warc", str(warc), "--archive", str(archive), "--site", "euronews")
    assert "warcinfo" in out
    found = query(archive, "SELECT url, title, text FROM articles")
    assert [url for url, _, _ in found] == [urls[0]]
    assert found[0][1] == article.title
    assert "Copy to clipboard" not in found[0][2]


def test_warcio_capture_http(demo_server: DemoServer, tmp_path: Path) -> None:
    from warcio.capture_http import capture_http

    article = next(a for a in demo_server.site.articles if a.edition == "de")
    url = demo_server.base_url + article.path
    warc = tmp_path / "capture.warc.gz"
    with capture_http(str(warc)):
        urllib.request.urlopen(url, timeout=10).read()
    archive = tmp_path / "capture.db"
    newsbot_ok("import", "warc", str(warc), "--archive", str(archive), "--site", "euronews")
    assert query(archive, "SELECT title FROM articles") == [(article.title,)]


def test_damaged_records_are_reported_and_the_rest_imported(exported: Path, tmp_path: Path) -> None:
    data = exported.read_bytes()
    responses = [
        offset for offset, record in _members(data) if b"WARC-Type: response" in record[:400]
    ]
    assert len(responses) > 20
    # Garbage inside one response, and the file cut short inside the last one.
    middle, last = responses[len(responses) // 2], responses[-1]
    garbage = (b"\x00garbage\xff" * 50)[:400]
    damaged = data[: middle + 30] + garbage + data[middle + 430 : last + 50]
    warc = tmp_path / "damaged.warc.gz"
    warc.write_bytes(damaged)
    archive = tmp_path / "damaged.db"
    result = run_newsbot("import", "warc", str(warc), "--archive", str(archive))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"at offset {middle:,}" in result.stderr
    assert f"at offset {last:,}: truncated" in result.stderr
    imported = query(archive, "SELECT COUNT(*) FROM captures")[0][0]
    assert imported == len(responses) - 2  # every other response is in
    assert query(archive, "PRAGMA integrity_check") == [("ok",)]
    assert query(archive, "SELECT COUNT(*) FROM articles")[0][0] > 10


def test_records_that_are_not_http_responses_are_counted(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "mixed.warc.gz"
    with warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record("mixed.warc.gz", {"software": "t"}))
        dns = writer.create_warc_record(
            "dns:example.org", "response", payload=io.BytesIO(b"example.org. 60 IN A 1.2.3.4"),
            warc_content_type="text/dns",
        )  # fmt: skip
        writer.write_record(dns)
        meta = writer.create_warc_record(
            "http://example.org/", "metadata", payload=io.BytesIO(b"via: x"),
            warc_content_type="application/warc-fields",
        )  # fmt: skip
        writer.write_record(meta)
        body = b"<html><head><title>t</title></head><body><p>x</p></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        page = writer.create_warc_record(
            "http://example.org/a", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(page)
        # A bomb: 1 MiB of gzip that inflates to 64 MiB, served with Content-Encoding gzip.
        bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
        coded = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                "http://example.org/bomb", "response", payload=io.BytesIO(bomb),
                http_headers=coded,
            )
        )  # fmt: skip
    archive = tmp_path / "mixed.db"
    out = newsbot_ok("import", "warc", str(warc), "--archive", str(archive))
    assert "1 bodies over 16 MiB" in out
    assert "1 captures" in out
    assert "1 warcinfo records" in out and "1 metadata records" in out
    assert "records of other schemes" in out or "not HTTP" in out
    assert query(archive, "SELECT url, site FROM captures") == [("http://example.org/a", "generic")]


def test_bad_input_one_line(tmp_path: Path) -> None:
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("hello\n")
    for args in (
        [str(tmp_path / "missing.warc.gz")],
        [str(not_warc), "--site", "nowhere"],
    ):
        result = run_newsbot("import", "warc", *args, "--archive", str(tmp_path / "a.db"))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("newsbot: error: ")
        assert len(result.stderr.strip().splitlines()) == 1
    # A file that is no WARC at all: said so, nothing imported, no traceback.
    result = run_newsbot("import", "warc", str(not_warc), "--archive", str(tmp_path / "a.db"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "damaged" in result.stderr


def _members(data: bytes) -> list[tuple[int, bytes]]:
    """Each gzip member of a one-member-per-record WARC.gz: its offset and what it holds."""
    members, position = [], 0
    while position < len(data):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        record = member.decompress(data[position:])
        members.append((position, record))
        position = len(data) - len(member.unused_data)
    return members
