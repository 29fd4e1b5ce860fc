"""Crawl throughput: newsbot against two baselines crawling the same site in the same run.

    python bench/crawl.py [--pages N] [--repeat N] [--no-plain]

Crawls a generated Euronews-style site (default 1,200 articles, 300-325 KB pages, served gzipped
on 127.0.0.1) into fresh archives, ``--repeat`` rounds (default 5) of one crawl of each kind:

- **full pipeline**: ``newsbot crawl`` as users run it (extraction, links, archive);
- **fetch + archive**: the same crawl, same pipelines and same extraction workers, with a no-op
  extractor (bench/noop_extractor: each worker still decodes, hashes and compresses the body it
  is given; only extraction is skipped). Goal: full ≥ 0.7 × its article pages per second;
- **plain Scrapy**: bench/plain_scrapy, the project one would write first: a SitemapSpider
  reading the sitemaps robots.txt names, ``trafilatura.bare_extraction`` (default options, with
  metadata) in an item pipeline, the raw page and the fields inserted with sqlite-utils (WAL),
  at newsbot's local pace (64 requests in flight, no delay). Goal: newsbot ≥ 3 × its articles
  per second.

Rates are per second of the crawl itself (Scrapy's elapsed time, without process start-up).
Each ratio is the median of the rounds' ratios: a round's crawls run back to back, so the
machine's drift in speed (on a shared machine, 20% and more from one minute to the next) falls
on all of them, and each kind goes first in turn. Beside the rates, for information, the CPU
milliseconds per article page of every process of each crawl (start-up included): on a machine
other work shares, they vary far less than rates, and newsbot's extraction workers, which run at
a lower priority than the crawler, lose their share of the cores first. Prints every crawl,
returns the figures as rows (:func:`rows`); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import generated_site, query, run_command, run_crawl, run_seconds, scalar
from _rows import Row, at_least, print_table

from sitegen import DemoServer

BENCH = Path(__file__).resolve().parent
#: Put on the fetch+archive crawl's PYTHONPATH: makes newsbot's extraction a no-op.
NO_EXTRACTION = BENCH / "noop_extractor"
#: The plain Scrapy project (scrapy.cfg inside).
PLAIN_PROJECT = BENCH / "plain_scrapy"
IN_QUICK = True


@dataclass(frozen=True)
class Crawl:
    pages: int  # article pages fetched and kept
    articles: int  # articles extracted and kept
    seconds: float  # the crawl itself (Scrapy's elapsed time)
    cpu: float  # CPU seconds of every process of the crawl (workers, start-up included)
    wall: float  # seconds of the whole process, start-up included


def newsbot_crawl(server: DemoServer, archive: Path, *, extract: bool = True) -> Crawl:
    env = None
    if not extract:
        path = [str(NO_EXTRACTION), os.environ.get("PYTHONPATH", "")]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, path)))
    run = run_crawl(server.base_url, archive, env=env)
    if run.returncode != 0:
        raise SystemExit(f"newsbot crawl failed:\n{run.output}")
    pages = scalar(archive, "select count(*) from captures where kind = 'article'")
    articles = scalar(archive, "select count(*) from articles")
    if extract and articles < pages * 0.9:
        # (Every page of the generated site is an article newsbot reads.)
        raise SystemExit(f"the full crawl extracted {articles} articles of {pages} article pages")
    if not extract:
        skipped = query(
            archive,
            """select json_extract(stats, '$."newsbot/extract/revisit_skipped"') from crawl_runs""",
        )[0][0]
        if articles or skipped != pages:
            raise SystemExit(
                f"the no-op extractor did not take: {articles} articles extracted, {skipped} of"
                f" {pages} pages passed through the workers without extraction (has newsbot's"
                " worker stopped reading newsbot.extract.article.extract_page?)"
            )
    return Crawl(pages, articles, run_seconds(archive, 1), run.cpu_seconds, run.seconds)


def plain_crawl(server: DemoServer, archive: Path) -> Crawl:
    log = archive.with_suffix(".log")
    command = [sys.executable, "-m", "scrapy", "crawl", "articles"]
    command += ["-a", f"base_url={server.base_url}", "-s", f"ARCHIVE={archive}"]
    command += ["-s", f"LOG_FILE={log}"]
    run = run_command(command, cwd=PLAIN_PROJECT)
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if run.returncode != 0 or "ERROR" in text:
        error = next((line for line in text.splitlines() if "ERROR" in line), "")
        raise SystemExit(f"plain Scrapy crawl failed: {error[:500]}\n{run.output[-2000:]}")
    # Scrapy's stats, as the log's last lines dump them.
    elapsed = re.findall(r"'elapsed_time_seconds': ([0-9.]+)", text)
    seconds = float(elapsed[-1]) if elapsed else run.seconds
    pages = scalar(archive, "select count(*) from pages")
    articles = scalar(archive, "select count(*) from articles")
    return Crawl(pages, articles, seconds, run.cpu_seconds, run.seconds)


KINDS: dict[str, Callable[[DemoServer, Path], Crawl]] = {
    "full pipeline": newsbot_crawl,
    "fetch + archive": lambda server, archive: newsbot_crawl(server, archive, extract=False),
    "plain Scrapy": plain_crawl,
}


def measure(pages: int = 1200, repeat: int = 5, plain: bool = True) -> list[Row]:
    """Crawl ``repeat`` rounds of each kind on a site of ``pages`` articles (without the plain
    Scrapy project unless ``plain``); print each crawl, return the figures."""
    kinds = [name for name in KINDS if plain or name != "plain Scrapy"]
    crawls: dict[str, list[Crawl]] = {name: [] for name in kinds}
    fair: list[float] = []
    versus_plain: list[float] = []
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp, generated_site(pages) as server:
        for round_ in range(repeat):
            # Each kind goes first in turn: whatever the first crawl leaves the machine in
            # (its caches, its clock) falls on every kind alike.
            for name in kinds[round_ % len(kinds) :] + kinds[: round_ % len(kinds)]:
                archive = Path(tmp) / f"{name.split()[0]}-{round_}.db"
                crawl = KINDS[name](server, archive)
                crawls[name].append(crawl)
                print(
                    f"{name:16} {crawl.pages} pages, {crawl.articles} articles in"
                    f" {crawl.seconds:5.1f} s: {crawl.pages / crawl.seconds:6.1f} pages/s,"
                    f" {crawl.articles / crawl.seconds:6.1f} articles/s,"
                    f" {crawl.cpu / crawl.wall:.2f} of {cores} cores busy",
                    flush=True,
                )
            full = crawls["full pipeline"][-1]
            fair.append(pages_rate(full) / pages_rate(crawls["fetch + archive"][-1]))
            line = f"round {round_ + 1}: full / fetch+archive {fair[-1]:.2f}"
            if plain:
                versus_plain.append(articles_rate(full) / articles_rate(crawls["plain Scrapy"][-1]))
                line += f", newsbot / plain Scrapy {versus_plain[-1]:.2f}"
            print(line, flush=True)
    full = crawls["full pipeline"]
    found = [
        median_row("full pipeline, article pages/s", full, "fetch + archive, no-op extractor",
                   crawls["fetch + archive"], pages_rate, fair, 0.7)
    ]  # fmt: skip
    if plain:
        found.append(
            median_row("newsbot crawl, articles/s", full, "plain Scrapy project",
                       crawls["plain Scrapy"], articles_rate, versus_plain, 3.0)
        )  # fmt: skip
    # On a machine other work shares, CPU time varies far less than rates (and newsbot's
    # workers, at a lower priority, lose more of it): the cost of a page, for information.
    for baseline in kinds[1:]:
        found.append(cpu_row(full, baseline, crawls[baseline]))
    return found


def cpu_row(full: list[Crawl], name: str, baselines: list[Crawl]) -> Row:
    """CPU milliseconds per article page of every process of the full crawls against a
    baseline's (medians; start-up included), for information."""
    ms = [1000 * crawl.cpu / crawl.pages for crawl in full]
    base = [1000 * crawl.cpu / crawl.pages for crawl in baselines]
    ratios = [a / b for a, b in zip(ms, base, strict=True)]
    baseline = "plain Scrapy project" if name == "plain Scrapy" else f"{name}, no-op extractor"
    figure = "full pipeline, CPU per article page (all processes)"
    return Row("crawl", figure, statistics.median(ms), baseline, statistics.median(base), "ms",
               statistics.median(ratios), None, spread(ratios))  # fmt: skip


def median_row(
    figure: str,
    crawls: list[Crawl],
    baseline: str,
    baselines: list[Crawl],
    rate: Callable[[Crawl], float],
    ratios: list[float],
    goal: float,
) -> Row:
    """The median ``rate`` of ``crawls`` against that of ``baselines``, and the median of the
    rounds' ``ratios`` (goal: at least ``goal``)."""
    unit = "pages/s" if rate is pages_rate else "articles/s"
    return Row(
        "crawl",
        figure,
        statistics.median(map(rate, crawls)),
        baseline,
        statistics.median(map(rate, baselines)),
        unit,
        statistics.median(ratios),
        at_least(goal),
        spread(ratios),
    )


def pages_rate(crawl: Crawl) -> float:
    return crawl.pages / crawl.seconds


def articles_rate(crawl: Crawl) -> float:
    return crawl.articles / crawl.seconds


def spread(ratios: list[float]) -> str:
    """How far the rounds' ratios went (their median is the figure)."""
    if len(ratios) < 2:
        return ""
    return f"{min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} rounds"


def rows(quick: bool = False) -> list[Row]:
    return measure(pages=300, repeat=2) if quick else measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1200, help="articles of the generated site")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (one crawl of each kind)")
    parser.add_argument("--no-plain", action="store_true", help="without the plain Scrapy crawl")
    args = parser.parse_args()
    print_table(measure(args.pages, args.repeat, plain=not args.no_plain))


if __name__ == "__main__":
    main()
