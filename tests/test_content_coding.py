"""Bodies left gzipped for the extraction workers: decoded exactly, capped, and kept when broken."""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from pathlib import Path

import pytest
from test_pipelines import BASE, make_crawler, run_pipelines

from newsbot import content_coding
from newsbot.archive import Archive
from newsbot.archive.bodies import sha256_hex
from newsbot.content_coding import MAX_SIZE_META, BodyError, decoded, gunzip_capped
from newsbot.items import Capture
from sitegen import DemoSite

PAGE = b"<html><body><p>" + "Grüße aus Brüssel. ".encode() * 5000 + b"</p></body></html>"


def gzipped_capture(body: bytes, *, max_size: int | None = None, path: str = "/a") -> Capture:
    return Capture(
        url=BASE + path,
        final_url=BASE + path,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        fetched_at="2026-11-25T10:00:00+00:00",
        site="euronews",
        kind="article",
        content_encoding="gzip",
        crawl_meta={MAX_SIZE_META: max_size} if max_size else {},
    )


@pytest.fixture(params=["isal", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both inflaters gunzip_capped may use: ISA-L where it is installed, zlib elsewhere."""
    if request.param == "zlib":
        monkeypatch.setattr(content_coding, "_inflate", zlib)
        monkeypatch.setattr(content_coding, "_INFLATE_ERRORS", (zlib.error,))
    else:
        pytest.importorskip("isal")
        assert content_coding._inflate is not zlib
    return str(request.param)


@pytest.mark.usefixtures("inflater")
def test_gunzip_is_exact_for_whole_concatenated_and_cut_streams() -> None:
    data = gzip.compress(PAGE)
    assert gunzip_capped(data, len(PAGE)) == PAGE
    assert gunzip_capped(data + data, 2 * len(PAGE)) == PAGE + PAGE
    # Cut short in transit: what came through is kept, as Scrapy's own gunzip does.
    cut = gunzip_capped(data[: len(data) // 2], len(PAGE))
    assert 0 < len(cut) < len(PAGE) and PAGE.startswith(cut)
    with pytest.raises(ValueError, match="expands past 1000 bytes"):
        gunzip_capped(data, 1000)
    with pytest.raises(ValueError, match="broken gzip"):
        gunzip_capped(data[:6], len(PAGE))


def test_decoded_capture_is_a_plain_copy_and_the_kind_of_failure_is_named() -> None:
    capture = gzipped_capture(gzip.compress(PAGE))
    plain = decoded(capture)
    assert plain.body == PAGE and plain.content_encoding == ""
    assert capture.content_encoding == "gzip"  # the original is left as it was
    assert decoded(plain) is plain
    with pytest.raises(BodyError, match=r"^body_too_large: "):
        decoded(gzipped_capture(gzip.compress(PAGE), max_size=10_000))
    with pytest.raises(BodyError, match=r"^bad_body: "):
        decoded(gzipped_capture(b"\x1f\x8b\x08 this is no gzip"))


@pytest.mark.parametrize("workers", [-1, 1])
def test_a_body_that_cannot_be_decoded_is_kept_as_a_failed_fetch(
    tmp_path: Path, demo_site: DemoSite, workers: int
) -> None:
    good = demo_site.respond(demo_site.articles[0].path, BASE).body
    items = [
        gzipped_capture(gzip.compress(PAGE * 40), max_size=100_000, path="/bomb"),
        gzipped_capture(b"\x1f\x8b\x08 this is no gzip", path="/broken"),
        gzipped_capture(gzip.compress(good), path=demo_site.articles[0].path),
    ]
    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=workers)
    bomb, broken, article = run_pipelines(crawler, items)
    assert bomb.error is not None and bomb.error.startswith("body_too_large: ")
    assert broken.error is not None and broken.error.startswith("bad_body: ")
    assert article.article is not None and article.error is None
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        assert archive.stats().errors_by_kind == {"body_too_large": 1, "bad_body": 1}
        assert archive.captures.get(bomb.capture_id or 0).body == b""
        # The good page's body is stored decoded, under the name of its plain bytes.
        stored = archive.captures.get(article.capture_id or 0)
        assert stored.body == good
    with sqlite3.connect(tmp_path / "a.db") as db:
        (size, sha) = db.execute(
            "select b.size, b.sha256 from captures c join bodies b on b.sha256 = c.sha256"
            " where c.id = ?",
            (article.capture_id,),
        ).fetchone()
    assert (size, sha) == (len(good), sha256_hex(good))
