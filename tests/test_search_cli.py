"""newsbot search as a user runs it on a crawled demo: the count it gives is the true one, the
filters and pages select what they say, and what it prints is plain when piped."""

from __future__ import annotations

import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_newsbot

from newsbot.archive import Archive

#: Lines of one hit in the text output: "[lang] date  title", URL, snippet.
HIT_LINES = 3


def sql_count(archive: Path, match: str, where: str = "", params: tuple[Any, ...] = ()) -> int:
    """How many articles match, counted with SQLite alone (not newsbot's code)."""
    with sqlite3.connect(archive) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ?{where}",
            (match, *params),
        ).fetchone()
    return int(count)


def search_json(archive: Path, *args: str) -> dict[str, Any]:
    result = run_newsbot("search", *args, "--json", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def folded(text: str) -> str:
    """Lower case without accents, as the index compares words."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


@pytest.mark.parametrize("query", ["Europe", "train*", "Europe OR Europa", "night OR Nacht"])
def test_the_count_is_every_match_and_says_how_many_are_shown(crawled: Path, query: str) -> None:
    total = sql_count(crawled, query)
    assert total > 3  # the demo has enough matches for a cut

    result = run_newsbot("search", query, "--limit", "3", "--archive", str(crawled))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f'search "{query}": {total} matches, showing 3; --limit to see more'
    assert len(lines) == 1 + 3 * HIT_LINES


def test_all_shown_says_only_the_count_and_one_match_is_singular(crawled: Path) -> None:
    total = sql_count(crawled, "Europe")
    result = run_newsbot("search", "Europe", "--limit", "1000", "--archive", str(crawled))
    assert result.stdout.splitlines()[0] == f'search "Europe": {total} matches'

    with sqlite3.connect(crawled) as db:
        (title,) = db.execute("SELECT title FROM articles ORDER BY id LIMIT 1").fetchone()
    query = '"' + title.replace('"', "") + '"'  # the whole title as a phrase: one article
    assert sql_count(crawled, query) == 1
    result = run_newsbot("search", query, "--archive", str(crawled))
    assert result.stdout.splitlines()[0] == f'search "{query}": 1 match'


def test_no_match_says_so_with_a_hint(crawled: Path) -> None:
    result = run_newsbot("search", "zyxwvutsrq", "--archive", str(crawled))

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith('search "zyxwvutsrq": no matches (')
    assert "OR" in line and "prefix" in line


def test_piped_output_is_plain_one_line_per_snippet(crawled: Path) -> None:
    result = run_newsbot("search", "Europe", "--limit", "20", "--archive", str(crawled))

    out = result.stdout
    assert "**" not in out and "\x1b" not in out and "\x02" not in out and "\x03" not in out
    lines = out.splitlines()
    hits = (len(lines) - 1) // HIT_LINES
    assert hits == min(20, sql_count(crawled, "Europe"))
    for i in range(hits):
        heading, url, snippet = lines[1 + HIT_LINES * i : 1 + HIT_LINES * (i + 1)]
        assert heading.startswith("  [") and url.startswith("    http://127.0.0.1:")
        assert snippet.startswith("    ") and "  " not in snippet.strip()
        assert "europ" in folded(snippet)


def test_a_terminal_gets_the_matches_highlighted(crawled: Path) -> None:
    leader, follower = pty.openpty()
    command = ["search", "Europe", "--limit", "2", "--archive", str(crawled)]
    with subprocess.Popen(
        [sys.executable, "-m", "newsbot", *command],
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=REPO,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once the command exits
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait() == 0
    os.close(leader)
    shown = b"".join(chunks).decode()
    assert re.search(r"\x1b\[[0-9;]*m(?i:europe)\x1b\[0m", shown), shown
    assert "**" not in shown


def test_json_is_one_document_matching_the_count_and_the_snippets(crawled: Path) -> None:
    document = search_json(crawled, "Europe", "--limit", "4")

    assert document["query"] == "Europe"
    assert document["total"] == sql_count(crawled, "Europe")
    assert document["shown"] == len(document["hits"]) == 4
    with sqlite3.connect(crawled) as db:
        stored = {
            url: (title, language, site, published)
            for url, title, language, site, published in db.execute(
                "SELECT canonical_url, title, language, site, published_at FROM articles"
            )
        }
    for hit in document["hits"]:
        assert set(hit) == {
            "url", "title", "language", "site", "published_at", "snippet", "matches", "rank",
        }  # fmt: skip
        assert stored[hit["url"]] == (
            hit["title"],
            hit["language"],
            hit["site"],
            hit["published_at"],
        )
        snippet = hit["snippet"]
        assert "\n" not in snippet and "**" not in snippet and "  " not in snippet
        assert hit["matches"]
        for start, end in hit["matches"]:
            assert folded(snippet[start:end]) == "europe"
    ranks = [hit["rank"] for hit in document["hits"]]
    assert ranks == sorted(ranks)  # best (lowest bm25) first


def test_pages_with_offset_cover_every_match_once(crawled: Path) -> None:
    everything = [hit["url"] for hit in search_json(crawled, "Europe", "--limit", "1000")["hits"]]
    paged: list[str] = []
    for offset in range(0, len(everything), 4):
        page = search_json(crawled, "Europe", "--limit", "4", "--offset", str(offset))
        assert page["offset"] == offset and page["total"] == len(everything)
        paged += [hit["url"] for hit in page["hits"]]
    assert paged == everything
    result = run_newsbot(
        "search", "Europe", "--limit", "4", "--offset", "4", "--archive", str(crawled)
    )
    assert result.stdout.splitlines()[0] == (
        f'search "Europe": {len(everything)} matches, showing 5–8; --offset 8 to see more'
    )


@pytest.mark.parametrize(
    ("args", "where", "params"),
    [
        (("--language", "fr"), " AND a.language = ?", ("fr",)),
        (("--language", "de", "--language", "en"), " AND a.language IN (?, ?)", ("de", "en")),
        (("--site", "euronews"), " AND a.site = ?", ("euronews",)),
        (("--site", "bbc"), " AND a.site = ?", ("bbc",)),
        (("--section", "business"), " AND a.section = ?", ("business",)),
        (
            ("--published-since", "2026-03-01", "--published-until", "2026-03-15"),
            " AND datetime(a.published_at) >= '2026-03-01' AND datetime(a.published_at)"
            " < '2026-03-15'",
            (),
        ),
    ],
)
def test_filters_select_what_they_say(
    crawled: Path, args: tuple[str, ...], where: str, params: tuple[str, ...]
) -> None:
    document = search_json(crawled, "Europe", "--limit", "1000", *args)

    assert document["total"] == sql_count(crawled, "Europe", where, params)
    assert document["shown"] == document["total"]
    if "--language" in args:
        assert {hit["language"] for hit in document["hits"]} <= set(args[1::2])


def test_a_query_sqlite_rejects_is_searched_as_words(crawled: Path) -> None:
    broken = search_json(crawled, '"Europe', "--limit", "1000")
    plain = search_json(crawled, "Europe", "--limit", "1000")

    assert broken["total"] == plain["total"] > 0
    assert [h["url"] for h in broken["hits"]] == [h["url"] for h in plain["hits"]]


def test_the_python_api_keeps_its_list_and_adds_the_total(crawled: Path) -> None:
    with Archive.open(crawled, readonly=True) as archive:
        hits = archive.search("Europe", limit=3)
        page = archive.search.page("Europe", limit=3)
    assert [hit.url for hit in hits] == [hit.url for hit in page.hits]
    assert page.total == sql_count(crawled, "Europe") and page.more
    assert all("**" in hit.snippet and "**" not in hit.excerpt for hit in hits)
