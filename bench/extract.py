"""Extraction speed: newsbot's full extraction against plain trafilatura on the same pages.

    python bench/extract.py [--rounds N]

Pages: the fixture corpus's Euronews-style article pages (265-325 KB, both template
generations). newsbot runs its whole extraction (body, metadata, links) with the euronews
profile, and with the generic profile (the cost on a site newsbot has no profile for). The
baselines, measured in the same run, interleaved page by page, in CPU time, are plain
``trafilatura.extract`` on the whole page:

- with its default options (fallback extractors on, comments kept);
- with the options newsbot hands it (:func:`newsbot.extract.text.trafilatura_options`): for the
  euronews profile those of an article body (``fast=True``: no fallback extractors, no
  comments, no deduplication), for the generic profile those of a whole page (no comments, no
  deduplication, fallbacks on).

Goals: euronews ≤ 0.25 × trafilatura, generic ≤ 1.1 ×, against either baseline. Prints the
numbers, returns them as rows (:func:`rows`); asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from copy import copy
from pathlib import Path

import trafilatura
from trafilatura.settings import Extractor

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from _rows import Row, at_most, print_table  # noqa: E402

from newsbot.evaluate import load_cases  # noqa: E402
from newsbot.extract import extract_article  # noqa: E402
from newsbot.extract.text import trafilatura_options  # noqa: E402

FIXTURES = BENCH.parent / "tests" / "fixtures" / "extract"
IN_QUICK = True
GOALS = {"euronews": 0.25, "generic": 1.1}


def cpu_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU milliseconds of ``repeat`` calls (CPU time: a busy machine skews it less)."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def with_options(whole_page: bool, url: str) -> Extractor:
    """The options newsbot hands trafilatura (for a whole page or an article body), for ``url``."""
    options = copy(trafilatura_options(whole_page))
    options.url = options.source = url
    return options


def measure(rounds: int = 7, limit: int | None = None) -> list[Row]:
    """CPU time per page of each extractor (median of ``rounds`` calls) on the fixture pages (the
    first ``limit`` of them): print it, return the ratios as rows."""
    pages = [
        (c.name, c.page, c.meta["url"])
        for c in load_cases(FIXTURES)
        if c.expected is not None
        and c.meta.get("template") in (2024, 2026)
        and "utf16" not in c.name
        and "truncated" not in c.name
    ][:limit]
    extractors: dict[str, Callable[[bytes, str], object]] = {
        "euronews": lambda h, u: extract_article(h, u, "euronews"),
        "generic": lambda h, u: extract_article(h, u, "generic"),
        "default": lambda h, u: trafilatura.extract(h, url=u),
        "body options": lambda h, u: trafilatura.extract(h, options=with_options(False, u)),
        "page options": lambda h, u: trafilatura.extract(h, options=with_options(True, u)),
    }
    # Warm every one up (imports, caches) before timing.
    for _, html, url in pages[:3]:
        for extract in extractors.values():
            extract(html, url)
    total = dict.fromkeys(extractors, 0.0)
    for _, html, url in pages:
        for name, extract in extractors.items():
            total[name] += cpu_ms(lambda e=extract, h=html, u=url: e(h, u), rounds)
    n = len(pages)
    ms = {name: spent / n for name, spent in total.items()}
    kb = sum(len(h) for _, h, _ in pages) / n / 1024
    print(f"{n} Euronews-style article pages, {kb:.0f} KB on average, {rounds} rounds each")
    print(f"trafilatura.extract, default options        {ms['default']:7.2f} ms/page")
    print(f"trafilatura.extract, newsbot's body options {ms['body options']:7.2f} ms/page (fast)")
    print(f"trafilatura.extract, newsbot's page options {ms['page options']:7.2f} ms/page")
    found = []
    for profile, options, fair in (
        ("euronews", "body options", "newsbot's options (fast=True)"),
        ("generic", "page options", "newsbot's whole-page options"),
    ):
        for baseline, label in ((options, fair), ("default", "default options")):
            ratio = ms[profile] / ms[baseline]
            print(
                f"newsbot, {profile + ' profile':17} {ms[profile]:7.2f} ms/page, ratio"
                f" {ratio:.3f} to trafilatura with {label}  (goal ≤ {GOALS[profile]})"
            )
            found.append(
                Row(
                    "extract",
                    f"newsbot, {profile} profile, CPU per page",
                    ms[profile],
                    f"trafilatura, {label}",
                    ms[baseline],
                    "ms",
                    ratio,
                    at_most(GOALS[profile]),
                )
            )
    return found


def rows(quick: bool = False) -> list[Row]:
    return measure(rounds=3, limit=12) if quick else measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed calls per page and extractor")
    args = parser.parse_args()
    print_table(measure(args.rounds))


if __name__ == "__main__":
    main()
