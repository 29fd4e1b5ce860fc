"""Which dictionary and codec could bring archive bytes per body to ≤ 0.5× a WARC.gz?

    python bench/dictionary_kinds.py [--slow]

The pages, baseline and leave-one-out rule of bench/archive_size.py (a) and (b): each page is
compressed knowing only the OTHER pages of its site, and its bytes are compared with a WARC.gz
record of it. What is compared, on the same pages in the same run:

- newsbot's raw-content dictionary (bodies.raw_dictionary) at zstd levels 9 (the crawl's),
  12, 16 and 19; and zstd's ceiling: level 19 with every search parameter at its maximum;
- a "full" zstd dictionary: the entropy tables zstandard.train_dictionary makes from the other
  pages, followed by those pages as raw content (what "trained + raw" can give);
- the other pages of the site plus one page of each other publisher, up to 3 MiB (what an
  archive-wide dictionary could add; not what the issue measures);
- at zstd's ceiling, the raw dictionary with the pages' volatile parts removed (nonces, long
  hex or base64 runs, timestamps), the other pages ordered by likeness to the page (most alike
  last, nearest), and trained tables of other COVER parameters (k=2048, d=8) before them;
- brotli and (with --slow) xz conditioned on the other pages: each compresses the other pages
  followed by the page, and only the bytes after the other pages count. Python's bindings take
  no dictionary, so a body would cost compressing its whole dictionary again: this is a floor
  of what a context-modelling codec could give, not something newsbot could store at this cost.

CPU is process time per page of compressing and of reading it back: a zstd dictionary loaded
beforehand (as a worker keeps its site's), brotli and xz with their context each time (as
each body would need). Prints the numbers, returns the ratios on (b) of newsbot's dictionary and
of the smallest method as rows, for information (:func:`rows`); asserts nothing. Goal of issue
11: ≤ 0.5 on (a) and (b).
"""

from __future__ import annotations

import argparse
import gzip
import lzma
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import brotli
import zstandard

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from _rows import Row, print_table  # noqa: E402
from archive_size import GOAL, HEADERS, REALPAGES, site_groups, warc_gz  # noqa: E402

from newsbot.archive.bodies import make_dict_compressor, raw_dictionary  # noqa: E402

#: (page, the other pages of its site) -> (stored bytes, read-back function)
Method = Callable[[bytes, list[bytes]], tuple[int, Callable[[], bytes]]]
IN_QUICK = False  # for information; minutes
_REPEATS = b"\x01\x00\x00\x00\x04\x00\x00\x00\x08\x00\x00\x00"  # a dictionary's last header bytes


@dataclass
class Tally:
    warc: dict[str, int]
    stored: dict[str, dict[str, int]]
    compress: dict[str, float]
    read: dict[str, float]


def zstd_raw(level: int, **params: int) -> Method:
    def method(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        dictionary = raw_dictionary(b"".join(others))
        if params:
            chosen = zstandard.ZstdCompressionParameters.from_level(level, **params)
            dictionary.precompute_compress(compression_params=chosen)
            compressor = zstandard.ZstdCompressor(dict_data=dictionary, compression_params=chosen)
        else:
            compressor = make_dict_compressor(dictionary, level)
        return _zstd_run(compressor, dictionary, page)

    return method


def zstd_full(level: int, k: int = 1024, **params: int) -> Method:
    def method(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        pieces = [other[i : i + 4096] for other in others for i in range(0, len(other), 4096)]
        tables = zstandard.train_dictionary(16384, pieces, k=k, d=8, level=level, steps=1)
        header = tables.as_bytes()
        end = header.find(_REPEATS) + len(_REPEATS)
        dictionary = zstandard.ZstdCompressionDict(
            header[:end] + b"".join(others), dict_type=zstandard.DICT_TYPE_FULLDICT
        )
        if params:
            chosen = zstandard.ZstdCompressionParameters.from_level(level, **params)
            dictionary.precompute_compress(compression_params=chosen)
            compressor = zstandard.ZstdCompressor(dict_data=dictionary, compression_params=chosen)
        else:
            dictionary.precompute_compress(level=level)
            compressor = zstandard.ZstdCompressor(dict_data=dictionary, level=level)
        return _zstd_run(compressor, dictionary, page)

    return method


_VOLATILE = [
    re.compile(pattern)
    for pattern in (
        rb'nonce="[^"]*"',
        rb"[0-9a-f]{16,}",
        rb"[A-Za-z0-9+/_-]{40,}={0,2}",
        rb"\d{10,13}",
    )
]


def without_volatile(method: Method) -> Method:
    """``method`` with the other pages' volatile parts taken out of the dictionary."""

    def stripped(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        cleaned = []
        for other in others:
            for pattern in _VOLATILE:
                other = pattern.sub(b"", other)
            cleaned.append(other)
        return method(page, cleaned)

    return stripped


def most_alike_last(method: Method) -> Method:
    """``method`` with the other pages ordered by the 8-byte runs they share with the page."""

    def ordered(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        runs = _runs(page)
        return method(page, sorted(others, key=lambda other: len(runs & _runs(other))))

    return ordered


def _runs(data: bytes) -> set[bytes]:
    return {data[i : i + 8] for i in range(0, len(data) - 8, 4)}


def _zstd_run(
    compressor: zstandard.ZstdCompressor, dictionary: zstandard.ZstdCompressionDict, page: bytes
) -> tuple[int, Callable[[], bytes]]:
    stored = _timed(lambda: compressor.compress(page))
    reader = zstandard.ZstdDecompressor(dict_data=dictionary)
    return len(stored), lambda: reader.decompress(stored, max_output_size=len(page))


def cross_site(level: int, budget: int = 3 << 20) -> Method:
    pages: dict[str, bytes] = {}
    for folder in sorted(REALPAGES.iterdir()):
        if (folder / "page.html.gz").is_file():
            publisher = folder.name.rsplit("_", 3)[0]
            pages[publisher] = gzip.decompress((folder / "page.html.gz").read_bytes())

    def method(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        own = b"".join(others)
        # Other publishers' pages only: the page's own publisher is the one whose pages match.
        foreign = b""
        for other in pages.values():
            # (Each publisher's newest page: for the page's own, the page or one of others.)
            if other in others or other == page or len(foreign) + len(other) > budget:
                continue
            foreign += other
        return zstd_raw(level, window_log=23)(page, [foreign, own])

    return method


def brotli_after(quality: int) -> Method:
    def method(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
        context = b"".join(others)
        compressor = brotli.Compressor(quality=quality, lgwin=24)
        # Timed whole: each body would cost compressing its context again (no state to keep).
        prefix, rest = _timed(
            lambda: (
                compressor.process(context) + compressor.flush(),
                compressor.process(page) + compressor.finish(),
            )
        )
        return len(rest), lambda: brotli.Decompressor().process(prefix + rest)[len(context) :]

    return method


def xz_after(page: bytes, others: list[bytes]) -> tuple[int, Callable[[], bytes]]:
    context = b"".join(others)
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": 1 << 24}]

    def packed(data: bytes) -> bytes:
        return lzma.compress(data, format=lzma.FORMAT_RAW, filters=filters)

    # No way to keep the compressor's state after the context: the size is the difference.
    alone = packed(context)
    whole = _timed(lambda: packed(context + page))
    size = len(whole) - len(alone)
    return size, lambda: lzma.decompress(whole, lzma.FORMAT_RAW, filters=filters)[len(context) :]


_CPU = [0.0]
T = TypeVar("T")


def _timed(work: Callable[[], T]) -> T:
    start = time.process_time()
    done = work()
    _CPU[0] += time.process_time() - start
    return done


def tabulate(methods: dict[str, Method]) -> Tally:
    tally = Tally(defaultdict(int), defaultdict(lambda: defaultdict(int)), {}, {})
    groups = site_groups()
    for name, method in methods.items():
        _CPU[0] = 0.0
        read = 0.0
        for site, pages in groups.items():
            group = "(a) euronews" if site.startswith("euronews") else "(b) realpages"
            for index, page in enumerate(pages):
                others = pages[:index] + pages[index + 1 :]
                if name == next(iter(methods)):
                    tally.warc[group] += warc_gz(f"https://example.com/{index}", 200, HEADERS, page)
                size, read_back = method(page, others)
                start = time.process_time()
                assert read_back() == page, f"{name} did not give {site} page {index} back"
                read += time.process_time() - start
                tally.stored[name][group] += size
        count = sum(len(pages) for pages in groups.values())
        tally.compress[name] = 1000 * _CPU[0] / count
        tally.read[name] = 1000 * read / count
        print_row(name, tally)
    return tally


def print_row(name: str, tally: Tally) -> None:
    ratios = "  ".join(
        f"{group} {tally.stored[name][group] / warc:.3f}" for group, warc in tally.warc.items()
    )
    print(
        f"{name:34} {ratios}  compress {tally.compress[name]:6.1f} ms/page"
        f"  read {tally.read[name]:5.2f} ms/page",
        flush=True,
    )


def measure(slow: bool = False) -> list[Row]:
    """Every method (brotli 11 and xz too if ``slow``) on the pages: print them, return the
    rows of newsbot's raw dictionary and of the smallest method on (b)."""
    ceiling = {
        "window_log": 24,
        "chain_log": 26,
        "hash_log": 25,
        "search_log": 26,
        "min_match": 3,
        "target_length": 999,
        "strategy": zstandard.STRATEGY_BTULTRA2,
    }
    methods: dict[str, Method] = {
        "newsbot raw dictionary, level 9": zstd_raw(9),
        "raw dictionary, level 12": zstd_raw(12),
        "raw dictionary, level 16": zstd_raw(16),
        "raw dictionary, level 19": zstd_raw(19),
        "raw dictionary, zstd's ceiling": zstd_raw(19, **ceiling),
        "ceiling, volatile parts removed": without_volatile(zstd_raw(19, **ceiling)),
        "ceiling, most alike page last": most_alike_last(zstd_raw(19, **ceiling)),
        "ceiling, trained k=2048 + raw": zstd_full(19, k=2048, **ceiling),
        "trained tables + raw, level 9": zstd_full(9),
        "trained tables + raw, level 19": zstd_full(19),
        "+ 3 MiB of other sites, level 9": cross_site(9),
        "+ 3 MiB of other sites, level 19": cross_site(19),
        "brotli 9 after the other pages": brotli_after(9),
    }
    if slow:
        methods["brotli 11 after the other pages"] = brotli_after(11)
        methods["xz -9e after the other pages"] = xz_after
    print("bytes per body / WARC.gz bytes per body, leave-one-out per site:")
    tally = tabulate(methods)
    print(f"goal ≤ {GOAL}")
    group = "(b) realpages"
    warc = tally.warc[group]
    newsbot = next(iter(methods))
    smallest = min(methods, key=lambda name: tally.stored[name][group])
    found = []
    for name in dict.fromkeys((newsbot, smallest)):
        stored = tally.stored[name][group]
        figure = f"{group}: {name}"
        baseline = "WARC.gz of the same bodies"
        found.append(Row("dictionary_kinds", figure, stored / 1024, baseline, warc / 1024,
                         "KiB in all", stored / warc))  # fmt: skip
    return found


def rows(quick: bool = False) -> list[Row]:
    return measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slow", action="store_true", help="also brotli 11 and xz (minutes)")
    args = parser.parse_args()
    print_table(measure(args.slow))


if __name__ == "__main__":
    main()
