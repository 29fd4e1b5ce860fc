"""Archive size: bytes the archive stores per body against the same bodies in a WARC.gz.

    python bench/archive_size.py [--skip-crawl]

The baseline, measured in the same run: each body as a WARC/1.1 response record with its HTTP
headers, one gzip member per record, as warcio writes them. Three sets of real or crawled pages:

(a) the Euronews pages of ../shared/reference, (b) the publishers with several pages in
    ../shared/realpages: each body compressed with a dictionary made of the OTHER pages of its
    site (leave-one-out: no page is ever compressed with a dictionary that holds it), as
    newsbot makes them (raw content, newest last). The dictionary's own bytes are not counted:
    an archive keeps one per site for all of that site's pages. Columns: today's plain zstd
    (level 3, no dictionary), zstandard.train_dictionary on the other pages (4 KiB pieces:
    what a few pages allow), and newsbot's raw-content dictionary at the crawl's level (9)
    and at 19.
(c) a crawl of the demo site followed by `newsbot compress`, as they leave the archive:
    stored bodies plus the dictionaries themselves; then only the bodies that are not among
    the pages the dictionary was made of.

Goal: ≤ 0.5 on each. Prints the numbers, returns them as rows (:func:`rows`); asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from _rows import Row, at_most, print_table  # noqa: E402

from newsbot.archive import Archive  # noqa: E402
from newsbot.archive.bodies import make_compressor, make_dict_compressor, raw_dictionary  # noqa: E402
from newsbot.archive.dictionaries import DEFAULT_DICT_LEVEL, pick_samples  # noqa: E402
from sitegen import DemoServer, DemoSite  # noqa: E402

SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "reference"
REALPAGES = SHARED / "realpages"
GOAL = 0.5
IN_QUICK = False  # sizes, not speed: the same every run
# What a news site typically answers with (real pages came without their headers).
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Date", "Fri, 04 Dec 2026 18:00:00 GMT"),
    ("Server", "nginx"),
    ("Cache-Control", "max-age=60, public"),
    ("Vary", "Accept-Encoding"),
]


def warc_gz(url: str, status: int, headers: Sequence[tuple[str, str]], body: bytes) -> int:
    """Bytes of one WARC/1.1 response record (gzip member of its own) holding ``body``."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    http = StatusAndHeaders(f"{status} OK", list(headers), protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http, length=len(body)
    )
    writer.write_record(record)
    return len(out.getvalue())


def site_groups() -> dict[str, list[bytes]]:
    """(a) and (b): pages grouped by site, only sites with several pages."""
    groups: dict[str, list[bytes]] = {
        "euronews (reference)": [p.read_bytes() for p in sorted(REFERENCE.glob("*.html"))]
    }
    for folder in sorted(REALPAGES.iterdir()):
        page = folder / "page.html.gz"
        if page.is_file():
            publisher = folder.name.rsplit("_", 3)[0]
            groups.setdefault(publisher, []).append(gzip.decompress(page.read_bytes()))
    return {site: pages for site, pages in groups.items() if len(pages) > 1}


def trained(others: list[bytes], level: int) -> zstandard.ZstdCompressor | None:
    pieces = [page[i : i + 4096] for page in others for i in range(0, len(page), 4096)]
    try:
        made = zstandard.train_dictionary(112_640, pieces, level=level)
    except zstandard.ZstdError:
        return None
    return zstandard.ZstdCompressor(level=level, dict_data=made)


#: CPU seconds spent compressing pages, by method (dictionaries loaded beforehand, as a
#: worker loads its site's once).
CPU: dict[str, float] = defaultdict(float)


def timed(name: str, compress: Callable[[bytes], bytes], page: bytes) -> bytes:
    start = time.process_time()
    stored = compress(page)
    CPU[name] += time.process_time() - start
    return stored


def leave_one_out(pages: list[bytes]) -> dict[str, int]:
    """Stored bytes of each page of one site by method, the dictionary made of the others."""
    sizes: dict[str, int] = defaultdict(int)
    plain = make_compressor()
    for index, page in enumerate(pages):
        others = pages[:index] + pages[index + 1 :]
        sizes["warc.gz"] += warc_gz(f"https://example.com/{index}", 200, HEADERS, page)
        sizes["zstd 3"] += len(timed("zstd 3", plain.compress, page))
        compressor = trained(others, 19)
        sizes["trained 19"] += len((compressor or make_compressor(19)).compress(page))
        for level in (DEFAULT_DICT_LEVEL, 19):
            dictionary = raw_dictionary(b"".join(others))
            compressor = make_dict_compressor(dictionary, level)
            stored = timed(f"dict {level}", compressor.compress, page)
            reader = zstandard.ZstdDecompressor(dict_data=dictionary)
            assert reader.decompress(stored, max_output_size=len(page)) == page
            sizes[f"dict {level}"] += len(stored)
    return sizes


def print_ratios(label: str, sizes: dict[str, int], count: int) -> None:
    warc = sizes["warc.gz"]
    columns = "  ".join(
        f"{name} {size / warc:.3f}" for name, size in sizes.items() if name != "warc.gz"
    )
    print(f"{label:30} {count:3} pages  warc.gz {warc / count / 1024:6.1f} KB/page  {columns}")


def real_pages() -> list[Row]:
    groups = site_groups()
    totals: dict[str, int] = defaultdict(int)
    realpages: dict[str, int] = defaultdict(int)
    count = 0
    print("archive bytes per body / WARC.gz bytes per body, each page's dictionary made of")
    print("the other pages of its site (leave-one-out):")
    euronews: dict[str, int] = {}
    for site, pages in groups.items():
        sizes = leave_one_out(pages)
        print_ratios(site, sizes, len(pages))
        if site.startswith("euronews"):
            euronews = sizes
        for name, size in sizes.items():
            totals[name] += size
            if not site.startswith("euronews"):
                realpages[name] += size
        count += len(pages) if not site.startswith("euronews") else 0
    print()
    print_ratios("(a) euronews reference", euronews, 3)
    print_ratios(f"(b) realpages, {len(groups) - 1} publishers", realpages, count)
    print(f"goal ≤ {GOAL} (dictionary at the crawl's level {DEFAULT_DICT_LEVEL}, and at 19)")
    pages = sum(len(p) for p in groups.values())
    base = CPU["zstd 3"]
    print(
        "compression CPU per page: "
        + ", ".join(
            f"{name} {1000 * cpu / pages:.1f} ms ({cpu / base:.1f}x)" for name, cpu in CPU.items()
        )
    )
    method = f"dict {DEFAULT_DICT_LEVEL}"
    label = f"level-{DEFAULT_DICT_LEVEL} dictionary"
    return [
        size_row(f"(a) Euronews reference, {label}", euronews[method], euronews["warc.gz"], 3),
        size_row(f"(b) realpages, {label}", realpages[method], realpages["warc.gz"], count),
    ]


def size_row(figure: str, stored: int, warc: int, bodies: int) -> Row:
    """Stored bytes per body against WARC.gz bytes per body, in KB."""
    return Row(
        "archive_size",
        figure,
        stored / bodies / 1024,
        "WARC.gz of the same bodies",
        warc / bodies / 1024,
        "KB/body",
        stored / warc,
        at_most(GOAL),
    )


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", *args], cwd=REPO, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"newsbot {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def demo_crawl() -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "demo.db"
        with DemoServer(DemoSite()) as server:
            run(
                "crawl", "euronews", "--base-url", server.base_url, "--editions", "de,en,fr",
                "--archive", str(archive), "-q",
            )  # fmt: skip
        report = run("compress", "--archive", str(archive))
        with sqlite3.connect(archive) as db:
            samples = _sample_names(db)
            rows = db.execute(
                "SELECT c.url, c.status, c.headers, b.sha256, b.codec, b.stored_size"
                " FROM bodies b JOIN captures c ON c.id ="
                " (SELECT MIN(id) FROM captures WHERE sha256 = b.sha256)"
            ).fetchall()
            dictionaries = db.execute("SELECT TOTAL(stored_size) FROM dictionaries").fetchone()[0]
        warc = stored = warc_new = stored_new = 0
        on_dictionary = 0
        reader = Archive.open(archive, readonly=True)
        for url, status, headers, sha, codec, stored_size in rows:
            body = reader.captures.body(sha)
            record = warc_gz(url, status, [tuple(pair) for pair in json.loads(headers)], body)
            warc += record
            stored += stored_size
            on_dictionary += codec.startswith("zstd-dict:")
            if sha not in samples:
                warc_new += record
                stored_new += stored_size
        reader.close()
    print()
    print(f"(c) demo crawl + newsbot compress: {len(rows)} bodies, {on_dictionary} on a dictionary")
    print(f"    {report.strip().splitlines()[-1]}")
    print(
        f"    bodies + dictionaries {(stored + dictionaries) / len(rows) / 1024:6.1f} KB/body,"
        f" warc.gz {warc / len(rows) / 1024:6.1f} KB/body: ratio"
        f" {(stored + dictionaries) / warc:.3f}  (bodies alone {stored / warc:.3f})"
    )
    others = len(rows) - len(samples)
    print(
        f"    the {others} bodies that are not pages of the dictionary: ratio"
        f" {stored_new / warc_new:.3f}  (goal ≤ {GOAL})"
    )
    new = f"(c) demo crawl + compress, {others} bodies not in the dictionary"
    return [size_row(new, stored_new, warc_new, others)]


def _sample_names(db: sqlite3.Connection) -> set[str]:
    """Names of the pages the demo's dictionary was made of (made again: the same choice)."""
    import hashlib

    picked = pick_samples(db, "euronews", 2 << 20)
    return {hashlib.sha256(page).hexdigest() for page in picked}


def measure(crawl: bool = True) -> list[Row]:
    """(a), (b) and, if ``crawl``, (c): print them, return their rows."""
    return real_pages() + (demo_crawl() if crawl else [])


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-crawl", action="store_true", help="only (a) and (b)")
    args = parser.parse_args()
    print_table(measure(crawl=not args.skip_crawl))


if __name__ == "__main__":
    main()
