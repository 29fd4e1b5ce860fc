"""newsbot import warc hands records to its workers before they are saved: a record that needs
the ones before it in the archive (a duplicate, a revisit) still finds them there."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, run_newsbot

PAGE = (
    b"<html><head><title>Storm closes the harbour</title></head><body><article>"
    + b"<p>The harbour stayed shut on Tuesday as the storm went on.</p>" * 40
    + b"</article></body></html>"
)


def _warc(path: Path, *, copies: int, revisits: int, pages: int = 0) -> None:
    """``copies`` identical response records of one page, ``revisits`` revisit records of it,
    then ``pages`` other pages, all in one file."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    url, date = "http://example.org/news/storm", "2026-01-05T06:00:00Z"
    headers = [("Content-Type", "text/html; charset=utf-8")]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for _ in range(copies):
            http = StatusAndHeaders("200 OK", list(headers), protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(PAGE), http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            )  # fmt: skip
        for minute in range(revisits):
            http = StatusAndHeaders("200 OK", list(headers), protocol="HTTP/1.1")
            revisit = writer.create_revisit_record(
                url, "sha1:" + "A" * 32, url, date, http_headers=http
            )
            revisit.rec_headers.replace_header("WARC-Date", f"2026-01-05T07:{minute:02d}:00Z")
            writer.write_record(revisit)
        for number in range(pages):
            http = StatusAndHeaders("200 OK", list(headers), protocol="HTTP/1.1")
            body = PAGE.replace(b"Tuesday", f"day {number}".encode())
            writer.write_record(
                writer.create_warc_record(
                    f"http://example.org/news/{number}", "response", payload=io.BytesIO(body),
                    http_headers=http, warc_headers_dict={"WARC-Date": date},
                )
            )  # fmt: skip


def _import(warc: Path, archive: Path) -> dict[str, object]:
    result = run_newsbot("import", "warc", str(warc), "--archive", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_record_repeated_in_one_file_is_imported_once(tmp_path: Path) -> None:
    warc = tmp_path / "twice.warc.gz"
    _warc(warc, copies=3, revisits=0, pages=20)
    read = _import(warc, tmp_path / "a.db")
    assert (read["captures"], read["already"], read["bodies_stored"]) == (21, 2, 21)
    with sqlite3.connect(tmp_path / "a.db") as conn:
        urls = [row[0] for row in conn.execute("SELECT url FROM captures")]
    assert urls.count("http://example.org/news/storm") == 1


def test_revisits_right_after_their_response_get_its_body(tmp_path: Path) -> None:
    warc = tmp_path / "revisits.warc.gz"
    _warc(warc, copies=1, revisits=2, pages=20)
    read = _import(warc, tmp_path / "a.db")
    assert (read["captures"], read["revisits"], read["bodies_stored"]) == (23, 2, 21)
    assert "skipped" not in read or not read["skipped"]
    with sqlite3.connect(tmp_path / "a.db") as conn:
        shas = {
            row[0]
            for row in conn.execute(
                "SELECT sha256 FROM captures WHERE url = 'http://example.org/news/storm'"
            )
        }
    assert shas == {hashlib.sha256(PAGE).hexdigest()}


def _state(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        return {
            "captures": conn.execute(
                "SELECT url, fetched_at, sha256 FROM captures ORDER BY 1"
            ).fetchall(),
            "articles": conn.execute(
                "SELECT canonical_url, title, text, content_hash FROM articles ORDER BY 1"
            ).fetchall(),
            "versions": conn.execute("SELECT count(*) FROM article_versions").fetchall(),
            "links": conn.execute(
                "SELECT source_url, target_url, kind, position FROM links ORDER BY 1, 2, 3, 4"
            ).fetchall(),
        }


def _unextracted(path: Path) -> int:
    """Article captures saved without their extraction."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT count(*) FROM captures c LEFT JOIN extractions e ON e.capture_id = c.id"
            " WHERE c.kind = 'article' AND e.capture_id IS NULL"
        ).fetchone()
    return int(row[0])


def test_killed_import_then_rerun_gives_the_archive_of_one_run(tmp_path: Path) -> None:
    warc = tmp_path / "many.warc.gz"
    _warc(warc, copies=1, revisits=0, pages=1500)
    reference, killed = tmp_path / "reference.db", tmp_path / "killed.db"
    _import(warc, reference)
    command = [
        sys.executable, "-m", "newsbot", "import", "warc", str(warc), "--archive", str(killed),
        "--workers", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while process.poll() is None and _saved(killed) < 40:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert process.poll() is None  # still importing: killed in the middle
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < _saved(killed) < 1501
    # Whenever it was killed, no capture was saved without its article.
    assert _unextracted(killed) == 0
    _import(warc, killed)
    assert _state(killed) == _state(reference)


def _saved(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM captures").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _record(uri: str, body: bytes) -> bytes:
    """An uncompressed WARC/1.1 response record of ``body``, as any crawler writes it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2026-01-05T06:00:00Z"},
        )
    )  # fmt: skip
    return out.getvalue()


def test_a_page_quoting_warc_records_is_one_capture(tmp_path: Path) -> None:
    # A page about web archives quotes whole WARC records, line for line, over more than
    # the part of the file one worker reads: a worker that starts inside it finds records
    # there, and none of them may become a capture.
    quoted = _record("http://example.org/quoted", b"<p>not a page of this file</p>")
    page = b"<html><body><article><pre>\n" + quoted * 2000 + b"</pre></article></body></html>"
    assert len(page) > 2 * 256 * 1024
    warc = tmp_path / "quoting.warc"
    warc.write_bytes(
        _record("http://example.org/news/first", PAGE)
        + _record("http://example.org/news/warc-explained", page)
        + _record("http://example.org/news/last", PAGE.replace(b"Tuesday", b"Friday"))
    )
    read = _import(warc, tmp_path / "a.db")
    assert (read["records"], read["captures"], read["damaged"]) == (3, 3, [])
    with sqlite3.connect(tmp_path / "a.db") as conn:
        urls = [row[0] for row in conn.execute("SELECT url FROM captures ORDER BY id")]
        size = conn.execute(
            "SELECT b.size FROM captures c JOIN bodies b ON b.sha256 = c.sha256"
            " WHERE c.url = 'http://example.org/news/warc-explained'"
        ).fetchone()[0]
    assert urls == [
        "http://example.org/news/first",
        "http://example.org/news/warc-explained",
        "http://example.org/news/last",
    ]
    assert size == len(page)
