"""Per-site zstd dictionaries: bodies stored smaller, always read back byte for byte.

Real archives (the demo crawled by a real newsbot subprocess, or captures saved through the
Archive), real `newsbot compress` runs, a real SIGKILL in the middle of one.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, crawl_demo, real_page, run_newsbot

from newsbot.archive import Archive
from newsbot.archive.bodies import (
    MissingDictionaryError,
    compress,
    decompress,
    dictionary_codec,
    make_dict_compressor,
    raw_dictionary,
    sha256_hex,
)
from newsbot.archive.compression import KILL_HOOK
from newsbot.items import Capture
from sitegen import DemoServer, DemoSite

SITE = "dw"
# Two real pages of one publisher: one makes the dictionary, the other is compressed with it.
PAGES = ("de-DW_2023_04_28", "de-DW_2023_06_13")


def codecs(archive: Path) -> dict[str, str]:
    with sqlite3.connect(archive) as db:
        return dict(db.execute("SELECT sha256, codec FROM bodies").fetchall())


def every_body(archive: Path) -> dict[str, bytes]:
    """Each stored body by its name, read through the Archive (whatever its codec)."""
    with Archive.open(archive, readonly=True) as db:
        return {sha: db.captures.body(sha) for sha in codecs(archive)}


def page_variants(count: int) -> list[bytes]:
    """``count`` distinct pages of one site: a real page with a different paragraph each."""
    page, _ = real_page(PAGES[0])
    head, sep, tail = page.partition(b"</body>")
    return [head + f"<p>Variante {n}: {'x' * n}</p>".encode() + sep + tail for n in range(count)]


def save(archive: Archive, bodies: list[bytes], start: int = 0) -> None:
    for n, body in enumerate(bodies, start):
        archive.save_capture(
            Capture(
                url=f"https://www.dw.com/de/page-{n}",
                final_url=f"https://www.dw.com/de/page-{n}",
                status=200,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=body,
                fetched_at=f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00",
                site=SITE,
                kind="article",
            ),
            run_id=None,
        )


def test_a_body_compressed_with_a_dictionary_reads_back_byte_for_byte() -> None:
    sample, _ = real_page(PAGES[0])
    body, _ = real_page(PAGES[1])
    dictionary = raw_dictionary(sample)
    codec, stored = compress(body, make_dict_compressor(dictionary, 9), dictionary_codec(7))
    _, plain = compress(body, make_dict_compressor(raw_dictionary(b"<html>"), 9))

    assert codec == "zstd-dict:7"
    assert len(stored) < len(plain)
    import zstandard

    read = decompress(
        stored, codec, len(body), lambda n: zstandard.ZstdDecompressor(dict_data=dictionary)
    )
    assert read == body
    with pytest.raises(MissingDictionaryError):
        decompress(stored, codec, len(body))


def test_old_zstd_bodies_and_new_dictionary_bodies_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    pages = page_variants(14)
    with Archive.open(path) as archive:
        save(archive, pages[:10])
        made = archive.dictionaries.train(SITE)
        assert made is not None and made.site == SITE and made.samples >= 1
        save(archive, pages[10:], start=10)  # compressed with the dictionary as they are saved
    stored = codecs(path)
    by_name = {sha256_hex(page): page for page in pages}

    assert sorted(stored[sha256_hex(page)] for page in pages[:10]) == ["zstd"] * 10
    assert {stored[sha256_hex(page)] for page in pages[10:]} == {f"zstd-dict:{made.id}"}
    assert every_body(path) == by_name
    with Archive.open(path, readonly=True) as archive:
        assert [c.body for c in archive.captures.iter(site=SITE)] == pages


def test_a_site_with_few_pages_gets_no_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        save(archive, page_variants(3))
        assert archive.dictionaries.train(SITE) is None
        (result,) = archive.dictionaries.compress_bodies()
    assert result.dictionary is None and result.skipped
    assert set(codecs(path).values()) == {"zstd"}


def test_a_body_whose_dictionary_is_gone_is_an_error_not_garbage(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    pages = page_variants(11)
    with Archive.open(path) as archive:
        save(archive, pages[:10])
        made = archive.dictionaries.train(SITE)
        assert made is not None
        save(archive, pages[10:], start=10)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM dictionaries")
    with Archive.open(path, readonly=True) as archive:
        assert archive.captures.body(sha256_hex(pages[0])) == pages[0]
        with pytest.raises(MissingDictionaryError, match=f"dictionary {made.id}"):
            archive.captures.body(sha256_hex(pages[10]))


def test_compress_rewrites_the_demo_crawl_smaller_and_every_body_is_unchanged(
    crawled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(crawled, path)
    before = every_body(path)
    with sqlite3.connect(path) as db:
        stored_before = db.execute("SELECT SUM(stored_size) FROM bodies").fetchone()[0]

    result = run_newsbot("compress", "--archive", str(path))

    assert result.returncode == 0, result.stderr
    assert "euronews:" in result.stdout and "bodies rewritten" in result.stdout
    assert every_body(path) == before
    with sqlite3.connect(path) as db:
        stored_after, dictionaries = db.execute(
            "SELECT (SELECT SUM(stored_size) FROM bodies),"
            " (SELECT SUM(stored_size) FROM dictionaries)"
        ).fetchone()
    # The demo's pages share their template: several times smaller, dictionary included.
    assert stored_after + dictionaries < stored_before / 3
    again = run_newsbot("compress", "--archive", str(path))
    assert again.returncode == 0 and " 0 bodies rewritten" in again.stdout


def test_compress_killed_mid_batch_then_run_again_loses_nothing(
    crawled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(crawled, path)
    before = every_body(path)
    command = [sys.executable, "-m", "newsbot", "compress", "--archive", str(path)]
    env = {**os.environ, KILL_HOOK: "3"}  # SIGKILL itself inside its third batch's transaction

    killed = subprocess.run(
        [*command, "--batch-size", "5"], env=env, cwd=REPO, capture_output=True, check=False
    )

    assert killed.returncode == -signal.SIGKILL
    assert every_body(path) == before
    halfway = codecs(path)
    assert 0 < sum(codec.startswith("zstd-dict:") for codec in halfway.values()) <= 10
    again = run_newsbot("compress", "--archive", str(path))
    assert again.returncode == 0, again.stderr
    assert every_body(path) == before
    done = codecs(path)
    assert sum(codec.startswith("zstd-dict:") for codec in done.values()) > len(done) / 2


def test_retrain_replaces_the_dictionary_and_deletes_the_unused_one(
    crawled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(crawled, path)
    before = every_body(path)
    assert run_newsbot("compress", "--archive", str(path)).returncode == 0
    with sqlite3.connect(path) as db:
        (first,) = db.execute("SELECT id FROM dictionaries").fetchone()

    result = run_newsbot("compress", "--archive", str(path), "--retrain", "--level", "12")

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as db:
        kept = db.execute("SELECT id, level FROM dictionaries").fetchall()
        used = {row[0] for row in db.execute("SELECT DISTINCT codec FROM bodies")}
    assert len(kept) == 1 and kept[0][0] != first and kept[0][1] == 12
    assert dictionary_codec(first) not in used
    assert every_body(path) == before


def test_compress_refuses_a_new_level_without_a_new_dictionary(
    crawled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(crawled, path)
    assert run_newsbot("compress", "--archive", str(path)).returncode == 0

    result = run_newsbot("compress", "--archive", str(path), "--level", "19")

    assert result.returncode == 2
    assert result.stderr.startswith("newsbot: error: ") and "--retrain" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_newsbot("compress", "--archive", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no archive at" in missing.stderr


def test_a_crawl_after_the_dictionary_stores_new_pages_with_it(tmp_path: Path) -> None:
    site = DemoSite()
    path = tmp_path / "demo.db"
    with DemoServer(site) as server:
        crawl_demo(server.base_url, path)  # ends by giving euronews a dictionary
        with sqlite3.connect(path) as db:
            ((made,),) = db.execute("SELECT id FROM dictionaries WHERE site = 'euronews'")
        first = set(codecs(path))
        article = site.articles[0]
        changed = site.change_article(
            article.path, add_paragraph="Ein neuer Absatz.", modified_at="2026-12-01T10:00:00+01:00"
        )
        crawl_demo(server.base_url, path)
        served = server.site.respond(changed.path, server.base_url).body

    new = {sha: codec for sha, codec in codecs(path).items() if sha not in first}
    assert sha256_hex(served) in new
    assert new[sha256_hex(served)] == dictionary_codec(made)
    bodies = every_body(path)
    assert bodies[sha256_hex(served)] == served
    assert all(sha256_hex(body) == sha for sha, body in bodies.items())


def test_a_body_shared_by_two_sites_goes_with_the_site_that_fetched_it_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.db"
    pages = page_variants(10)
    with Archive.open(path) as archive:
        save(archive, pages)
        for n, page in enumerate(pages):  # the same bodies, fetched later for another site
            capture = Capture(
                url=f"https://other.example/{n}",
                final_url=f"https://other.example/{n}",
                status=200,
                headers=[],
                body=page,
                fetched_at="2026-02-01T00:00:00+00:00",
                site="other",
                kind="article",
            )
            archive.save_capture(capture, run_id=None)
        results = {result.site: result for result in archive.dictionaries.compress_bodies()}

    assert results["other"].dictionary is None
    dictionary = results[SITE].dictionary
    assert dictionary is not None and results[SITE].rewritten == 10
    assert set(codecs(path).values()) == {dictionary_codec(dictionary.id)}


def test_compress_waits_for_no_crawl(crawled: Path, tmp_path: Path) -> None:
    from newsbot.archive import crawl_lock

    path = tmp_path / "demo.db"
    shutil.copy(crawled, path)
    with crawl_lock(path):
        result = run_newsbot("compress", "--archive", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("newsbot: error: ") and "crawled" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
