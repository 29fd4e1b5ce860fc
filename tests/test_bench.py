"""`python -m bench`: one table of every bench script's figures against its baselines."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from _rows import Goal, Row, at_least, at_most, summary, table

CRAWL = Row(
    "crawl", "full pipeline, article pages/s", 41.234, "fetch + archive", 52.0, "pages/s", 0.79,
    at_least(0.7), "0.71-0.83 over 5 rounds",
)  # fmt: skip
EXTRACT = Row(
    "extract", "euronews profile", 4.5, "trafilatura, fast", 13.5, "ms", 0.333, at_most(0.25)
)
SIZE = Row("dictionary_kinds", "(b) realpages", 1234.4, "WARC.gz", 2000.0, "KiB", 0.617)


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=REPO, capture_output=True, text=True
    )


def test_help() -> None:
    done = bench("--help")
    assert done.returncode == 0, done.stderr
    assert "usage: python -m bench" in done.stdout
    assert "--quick" in done.stdout and "--only" in done.stdout


def test_list_names_every_script_and_whether_it_gives_rows() -> None:
    done = bench("--list")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0]: line for line in done.stdout.splitlines()}
    scripts = {p.stem for p in (REPO / "bench").glob("*.py") if not p.stem.startswith("_")}
    assert set(listed) == scripts
    for name in ("crawl", "extract", "recrawl"):
        assert "quick and full" in listed[name]
    for name in ("archive_size", "crash", "dictionary_kinds", "export_articles", "warc_export"):
        assert "full only" in listed[name]


def test_unknown_script_is_one_line_and_exit_2() -> None:
    done = bench("--only", "nosuch")
    assert done.returncode == 2
    assert "no bench script named nosuch" in done.stderr
    assert "Traceback" not in done.stderr


def test_goals() -> None:
    assert at_least(0.7).met(0.7) and not at_least(0.7).met(0.69)
    assert at_most(1.1).met(1.1) and not at_most(1.1).met(1.11)
    assert str(at_least(3.0)) == "≥ 3" and str(at_most(0.25)) == "≤ 0.25"
    with pytest.raises(ValueError):
        Goal(">", 1.0)


def test_table() -> None:
    """Columns two spaces apart, each as wide as its widest cell; the ratio with its spread."""
    assert table([CRAWL, EXTRACT, SIZE]).splitlines() == [
        "bench             figure                          value         baseline (same run)  "
        "        ratio                           goal    met",
        "----------------  ------------------------------  ------------  ---------------------"
        "------  ------------------------------  ------  ----",
        "crawl             full pipeline, article pages/s  41.2 pages/s  fetch + archive: 52 p"
        "ages/s  0.79 (0.71-0.83 over 5 rounds)  ≥ 0.7   yes",
        "extract           euronews profile                4.50 ms       trafilatura, fast: 13"
        ".5 ms   0.33                            ≤ 0.25  NO",
        "dictionary_kinds  (b) realpages                   1,234 KiB     WARC.gz: 2,000 KiB   "
        "        0.62                            -       info",
    ]


def test_markdown_table() -> None:
    assert table([EXTRACT], markdown=True).splitlines() == [
        "| bench | figure | value | baseline (same run) | ratio | goal | met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| extract | euronews profile | 4.50 ms | trafilatura, fast: 13.5 ms | 0.33 | ≤ 0.25 "
        "| NO |",
    ]


def test_summary_names_the_goals_missed() -> None:
    assert summary([CRAWL, SIZE]) == "1 of 1 goals met"
    assert summary([CRAWL, EXTRACT, SIZE]) == (
        "1 of 2 goals met; missed: extract: euronews profile vs trafilatura, fast"
    )


def test_quick_extract_bench_end_to_end() -> None:
    """The extraction bench on a dozen pages: four rows, each against a trafilatura baseline
    (its default options, and the options newsbot hands it), in one table."""
    done = bench("--only", "extract", "--quick")
    assert done.returncode == 0, done.stdout + done.stderr
    final = done.stdout.rsplit("\nbench ", 1)[1]  # the last table: all the run's rows
    rows = [line for line in final.splitlines() if line.startswith("extract  ")]
    assert len(rows) == 4
    assert sum("trafilatura, default options" in row for row in rows) == 2
    assert sum("trafilatura, newsbot's" in row for row in rows) == 2
    assert "goals met" in done.stdout


def test_crawl_bench_baselines_crawl_the_same_site() -> None:
    """A tiny round of the crawl bench: newsbot, newsbot with the no-op extractor (which must
    take: the bench stops if the fetch+archive crawl extracted anything) and the plain Scrapy
    project all crawl the twenty articles."""
    done = subprocess.run(
        [sys.executable, "bench/crawl.py", "--pages", "20", "--repeat", "1"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("full pipeline    20 pages, 20 articles") for line in lines)
    assert any(line.startswith("fetch + archive  20 pages, 0 articles") for line in lines)
    assert any(line.startswith("plain Scrapy     20 pages, 20 articles") for line in lines)
    rows = [line for line in lines if line.startswith("crawl  ")]
    assert any("fetch + archive, no-op extractor" in row and "≥ 0.7" in row for row in rows)
    assert any("plain Scrapy project" in row and "≥ 3" in row for row in rows)
