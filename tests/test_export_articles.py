"""newsbot export articles, run as a user runs it on a crawled demo, its files read back by
DuckDB and checked against the demo site's own truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest
from conftest import REPO, run_newsbot

from newsbot.archive import Archive
from newsbot.archive.articles import ArticleFilter
from sitegen import DemoArticle, DemoServer, DemoSite

#: The documented schema, in its documented order (README, "Exporting articles").
COLUMNS = [
    "url", "source_url", "site", "language", "title", "teaser", "text", "authors",
    "published_at", "modified_at", "section", "tags", "image_url", "sources", "captions",
    "extras", "first_seen_at", "extracted_at", "extractor_version", "content_hash",
    "capture_id",
]  # fmt: skip
LIST_COLUMNS = ("authors", "tags", "sources", "captions")


def export(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsbot("export", "articles", "--archive", str(archive), *args)


def exported(archive: Path, tmp_path: Path, fmt: str, *args: str) -> Path:
    """The file of a successful export in ``fmt``."""
    out = tmp_path / f"articles.{fmt}"
    result = export(archive, "--format", fmt, "--output", str(out), *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert not out.with_name(out.name + ".part").exists()
    return out


def read_back(path: Path) -> duckdb.DuckDBPyRelation:
    """The file as DuckDB reads it, each format by its own reader."""
    if path.suffix == ".jsonl":
        return duckdb.read_json(str(path), format="newline_delimited")
    if path.suffix == ".csv":
        return duckdb.read_csv(str(path), header=True)
    return duckdb.read_parquet(str(path))


def records(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSONL, CSV or Parquet export as dicts, list cells of CSV decoded."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        for row in rows:
            for name in (*LIST_COLUMNS, "links"):
                if name in row:
                    row[name] = json.loads(row[name])
        return rows
    relation = read_back(path)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def truth_of(demo_site: DemoSite, url: str) -> DemoArticle:
    return next(a for a in demo_site.articles if a.path == urlsplit(url).path)


def paths(rows: list[dict[str, Any]]) -> set[str]:
    return {urlsplit(row["url"]).path for row in rows}


def utc(moment: str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment).astimezone(dt.UTC)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_each_format_reads_back_with_every_article_and_the_documented_columns(
    fmt: str, crawled: Path, demo_site: DemoSite, tmp_path: Path
) -> None:
    out = exported(crawled, tmp_path, fmt)
    relation = read_back(out)
    assert relation.columns == COLUMNS
    assert relation.shape == (len(demo_site.articles), len(COLUMNS))
    rows = records(out)
    assert paths(rows) == {a.path for a in demo_site.articles}
    for row in rows:
        truth = truth_of(demo_site, row["url"])
        # Lists are lists in every format (JSON arrays in CSV cells), in page order.
        assert row["authors"] == list(truth.authors)
        assert row["tags"] == list(truth.tags)
        # Times exactly as the publisher wrote them, zone included.
        assert row["published_at"] == truth.published_at
        assert row["modified_at"] == truth.modified_at
        assert row["language"] == truth.language
        assert row["section"] == truth.section
    result = export(crawled, "--format", fmt, "--output", str(out))
    assert re.fullmatch(
        rf"exported {len(demo_site.articles)} articles to \S+ \(\d+\.\d (KiB|MiB)\) in \d+\.\d s\n",
        result.stderr,
    )


def test_the_text_survives_each_format_byte_for_byte(crawled: Path, tmp_path: Path) -> None:
    with sqlite3.connect(crawled) as db:
        stored = dict(db.execute("SELECT canonical_url, text FROM articles").fetchall())
    assert any("\n" in text for text in stored.values())  # paragraphs: newlines in CSV cells
    for fmt in ("jsonl", "csv", "parquet"):
        rows = records(exported(crawled, tmp_path, fmt))
        assert {row["url"]: row["text"] for row in rows} == stored, fmt


def test_parquet_types_lists_as_lists_and_times_as_zoned_strings(
    crawled: Path, tmp_path: Path
) -> None:
    relation = read_back(exported(crawled, tmp_path, "parquet", "--with-links", "--with-words"))
    assert relation.columns == [*COLUMNS, "words", "links"]
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert {types[name] for name in LIST_COLUMNS} == {"VARCHAR[]"}
    assert types["published_at"] == "VARCHAR"
    assert types["words"] == types["capture_id"] == "BIGINT"
    assert types["links"].startswith("STRUCT(") and types["links"].endswith("[]")
    # A reader turns the strings into instants when it wants them.
    [(earliest,)] = duckdb.sql(
        "SELECT min(published_at::TIMESTAMPTZ) FROM relation WHERE language = 'de'"
    ).fetchall()
    assert earliest == dt.datetime(2024, 4, 8, 11, 25, tzinfo=dt.UTC)


def test_jsonl_goes_to_standard_output_with_the_summary_on_standard_error(
    crawled: Path, demo_site: DemoSite
) -> None:
    result = export(crawled, "--language", "fr")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == sum(a.language == "fr" for a in demo_site.articles)
    assert list(rows[0]) == COLUMNS
    assert isinstance(rows[0]["extras"], dict)
    assert re.fullmatch(
        rf"exported {len(rows)} articles to standard output in \S+ s\n", result.stderr
    )


# -- filters --------------------------------------------------------------------------------


def test_filters_by_language_site_and_section(
    crawled: Path, demo_site: DemoSite, tmp_path: Path
) -> None:
    german = records(exported(crawled, tmp_path, "jsonl", "--language", "de"))
    assert paths(german) == {a.path for a in demo_site.articles if a.language == "de"}
    both = records(exported(crawled, tmp_path, "csv", "--language", "de", "--language", "fr"))
    assert paths(both) == {a.path for a in demo_site.articles if a.language in ("de", "fr")}
    culture = records(exported(crawled, tmp_path, "parquet", "--section", "culture"))
    assert paths(culture) == {a.path for a in demo_site.articles if a.section == "culture"}
    assert len(culture) > 2
    mixed = records(
        exported(crawled, tmp_path, "jsonl", "--site", "euronews", "--section", "green",
                 "--language", "en")
    )  # fmt: skip
    assert paths(mixed) == {
        a.path for a in demo_site.articles if a.section == "green" and a.language == "en"
    }
    assert records(exported(crawled, tmp_path, "jsonl", "--site", "bbc")) == []


def test_the_published_window_compares_instants_across_zones(
    crawled: Path, demo_site: DemoSite, tmp_path: Path
) -> None:
    # 2026-03-18T11:00:00+01:00 is 10:00 UTC: a window from 10:00Z keeps it (inclusive), one
    # until 10:00Z leaves it out (exclusive).
    since, until = "2026-03-18T10:00:00Z", "2026-03-20T06:00:00+01:00"
    rows = records(
        exported(crawled, tmp_path, "jsonl", "--published-since", since,
                 "--published-until", until)
    )  # fmt: skip
    expected = {
        a.path for a in demo_site.articles if utc(since) <= utc(a.published_at) < utc(until)
    }
    assert paths(rows) == expected
    assert any(row["published_at"] == "2026-03-18T11:00:00+01:00" for row in rows)
    earlier = records(exported(crawled, tmp_path, "csv", "--published-until", since))
    assert paths(earlier) == {
        a.path for a in demo_site.articles if utc(a.published_at) < utc(since)
    }
    assert paths(earlier) | paths(rows) < {a.path for a in demo_site.articles}


def test_a_full_text_query_keeps_the_articles_that_say_it(crawled: Path, tmp_path: Path) -> None:
    with sqlite3.connect(crawled) as db:
        stored = db.execute("SELECT canonical_url, title, text, language FROM articles").fetchall()
    word = re.compile(r"\beurope\b")
    saying = {url for url, title, text, _ in stored if word.search(f"{title} {text}".lower())}
    assert 3 < len(saying) < len(stored)
    rows = records(exported(crawled, tmp_path, "parquet", "--query", "Europe"))
    assert {row["url"] for row in rows} == saying
    english = records(exported(crawled, tmp_path, "jsonl", "--query", "Europe", "--language", "en"))
    assert {row["url"] for row in english} == {
        url for url, title, text, language in stored if url in saying and language == "en"
    }
    # Typing FTS5 cannot parse is searched as words, not an error.
    assert records(exported(crawled, tmp_path, "jsonl", "--query", '"unbalanced')) == []


# -- fields and links -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_fields_chooses_the_columns_and_their_order(
    fmt: str, crawled: Path, tmp_path: Path
) -> None:
    out = exported(crawled, tmp_path, fmt, "--fields", "title,url,tags")
    assert read_back(out).columns == ["title", "url", "tags"]
    assert all(isinstance(row["tags"], list) for row in records(out))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_with_links_lists_each_articles_links_in_the_order_extraction_found_them(
    fmt: str, crawled: Path, demo_site: DemoSite, demo_server: DemoServer, tmp_path: Path
) -> None:
    rows = records(exported(crawled, tmp_path, fmt, "--with-links", "--fields", "url"))
    assert list(rows[0]) == ["url", "links"]
    by_url = {row["url"]: row["links"] for row in rows}
    base = demo_server.base_url
    with sqlite3.connect(crawled) as db:
        for url, links in by_url.items():
            stored = db.execute(
                "SELECT target_url, kind, anchor_text, label, position FROM links"
                " WHERE source_url = ? ORDER BY id",
                (url,),
            ).fetchall()
            assert [tuple(link.values()) for link in links] == stored
    truth = next(a for a in demo_site.articles if a.story == "s01" and a.language == "en")
    links = by_url[base + truth.path]
    assert list(links[0]) == ["target", "kind", "anchor_text", "label", "position"]
    related = [link for link in links if link["kind"] == "related"]
    assert [link["target"] for link in related] == [base + path for path in truth.related]
    assert [link["position"] for link in related] == list(range(1, len(truth.related) + 1))
    translations = [
        (link["label"], link["target"]) for link in links if link["kind"] == "translation"
    ]
    assert translations == [(language, base + path) for language, path in truth.translations]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_with_words_counts_the_words_of_each_text(fmt: str, crawled: Path, tmp_path: Path) -> None:
    rows = records(exported(crawled, tmp_path, fmt, "--with-words", "--fields", "text,url"))
    assert list(rows[0]) == ["text", "url", "words"]
    assert all(int(row["words"]) == len(row["text"].split()) > 100 for row in rows)


def test_an_empty_selection_gives_empty_files_with_their_columns(
    crawled: Path, tmp_path: Path
) -> None:
    for fmt in ("jsonl", "csv", "parquet"):
        out = exported(crawled, tmp_path, fmt, "--language", "xx")
        if fmt == "jsonl":
            assert out.read_bytes() == b""
        else:
            assert read_back(out).columns == COLUMNS
            assert read_back(out).shape[0] == 0


def test_the_python_api_gives_the_same_rows(crawled: Path, demo_site: DemoSite) -> None:
    with Archive.open(crawled, readonly=True) as db:
        rows = list(db.articles.export_rows(ArticleFilter(languages=("de",)), ["url", "authors"]))
        assert db.articles.count(ArticleFilter(languages=("de",))) == len(rows)
        everything = list(db.articles.export_rows(add=["links"]))
    assert {tuple(row) for row in rows} == {("url", "authors")}
    assert {row["url"]: row["authors"] for row in rows} == {
        row["url"]: list(truth_of(demo_site, row["url"]).authors) for row in rows
    }
    assert list(everything[0]) == [*COLUMNS, "links"]
    assert isinstance(everything[0]["extras"], dict)
    assert isinstance(everything[0]["links"], list)


# -- what a user gets wrong ------------------------------------------------------------------


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result
    assert result.stderr.startswith("newsbot: error: ") and result.stderr.count("\n") == 1
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_unknown_fields_are_one_line_naming_the_valid_ones(crawled: Path) -> None:
    result = export(crawled, "--fields", "url,body")
    assert_one_line_error(result, "'body'", ", ".join(COLUMNS))
    assert result.stdout == ""
    assert_one_line_error(export(crawled, "--fields", "url,url"), "'url' is named twice")


def test_an_unwritable_output_is_one_line_and_leaves_nothing(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "articles.jsonl"
    assert_one_line_error(export(crawled, "--output", str(out)), str(out), "No such file")
    assert not out.parent.exists()
    assert_one_line_error(export(crawled, "--output", str(tmp_path)), "is a directory")
    parquet = tmp_path / "no" / "a.parquet"
    assert_one_line_error(export(crawled, "--format", "parquet", "-o", str(parquet)), "No such")


def test_the_archive_itself_is_never_overwritten(crawled: Path, tmp_path: Path) -> None:
    archive = tmp_path / "mine.db"
    archive.write_bytes(crawled.read_bytes())
    before = archive.read_bytes()
    for fmt in ("jsonl", "parquet"):
        result = export(archive, "--format", fmt, "--output", str(archive))
        assert_one_line_error(result, "it is the archive itself")
    assert archive.read_bytes() == before


def test_parquet_needs_an_output_file(crawled: Path) -> None:
    result = export(crawled, "--format", "parquet")
    assert_one_line_error(result, "--output")
    assert result.stdout == ""


def test_parquet_without_pyarrow_says_how_to_get_it(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    main = (
        "import sys; sys.modules['pyarrow'] = None; from newsbot.cli import main;"
        f" main(['export', 'articles', '--archive', {str(crawled)!r}, '--format', 'parquet',"
        f" '-o', {str(out)!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", main], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert_one_line_error(result, "Parquet needs pyarrow: pip install 'newsbot[parquet]'")
    assert list(tmp_path.iterdir()) == []
    # The other formats do not need it.
    result = subprocess.run(
        [sys.executable, "-c", main.replace("'parquet'", "'csv'")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("url,source_url,")


def test_a_reader_that_stops_early_ends_the_export_quietly(crawled: Path) -> None:
    # Unbuffered (PYTHONUNBUFFERED, as some CI runners set), Python's stdout drops the rest of
    # a write the reader left unread instead of raising: the export would not notice.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "export", "articles", "--archive", str(crawled)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    first = json.loads(process.stdout.readline())  # as `| head -1`
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""
    assert list(first) == COLUMNS


@pytest.mark.parametrize(
    ("command", "table"), [(("export", "articles"), "articles"), (("export", "links"), "links")]
)
def test_json_summary_of_an_export_to_a_file(
    crawled: Path, tmp_path: Path, command: tuple[str, str], table: str
) -> None:
    out = tmp_path / f"{table}.jsonl"
    done = run_newsbot(
        *command, "--archive", str(crawled), "--format", "jsonl", "-o", str(out), "--json"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    summary = json.loads(done.stdout)
    with sqlite3.connect(crawled) as conn:
        rows = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    assert summary[table] == rows == len(out.read_text(encoding="utf-8").splitlines())
    assert summary["path"] == str(out)
    assert summary["bytes"] == out.stat().st_size
    # Without a file the data is standard output: no room for a summary there.
    refused = run_newsbot(*command, "--archive", str(crawled), "--json")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "--output" in refused.stderr
