"""Extraction speed: newsbot's full extraction against plain trafilatura on the same pages.

    python bench/extract.py [--rounds N]

Pages: the fixture corpus's Euronews-style article pages (265-325 KB, both template
generations). newsbot runs its whole extraction (body, metadata, links) with the euronews
profile; the baseline is plain ``trafilatura.extract(html, url=url)``, measured in the same run,
interleaved page by page, in CPU time. The same pages read with the generic profile show the
cost on a site newsbot has no profile for. Goals: euronews ≤ 0.25 × trafilatura, generic
≤ 1.1 ×. Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsbot.evaluate import load_cases  # noqa: E402
from newsbot.extract import extract_article  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "extract"


def cpu_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU milliseconds of ``repeat`` calls (CPU time: a busy machine skews it less)."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed calls per page and extractor")
    args = parser.parse_args()
    pages = [
        (c.name, c.page, c.meta["url"])
        for c in load_cases(FIXTURES)
        if c.expected is not None
        and c.meta.get("template") in (2024, 2026)
        and "utf16" not in c.name
        and "truncated" not in c.name
    ]
    # Warm both up (imports, caches) before timing.
    for _, html, url in pages[:3]:
        extract_article(html, url, "euronews")
        trafilatura.extract(html, url=url)
    ours = generic = plain = 0.0
    for _, html, url in pages:
        ours += cpu_ms(lambda h=html, u=url: extract_article(h, u, "euronews"), args.rounds)
        plain += cpu_ms(lambda h=html, u=url: trafilatura.extract(h, url=u), args.rounds)
        generic += cpu_ms(lambda h=html, u=url: extract_article(h, u, "generic"), args.rounds)
    n = len(pages)
    kb = sum(len(h) for _, h, _ in pages) / n / 1024
    print(f"{n} Euronews-style article pages, {kb:.0f} KB on average, {args.rounds} rounds each")
    print(f"plain trafilatura.extract     {plain / n:7.2f} ms/page  (baseline)")
    for name, total, goal in (("euronews", ours, 0.25), ("generic", generic, 1.1)):
        print(
            f"newsbot, {name + ' profile':20} {total / n:7.2f} ms/page  "
            f"ratio {total / plain:.3f}  (goal ≤ {goal})"
        )


if __name__ == "__main__":
    main()
