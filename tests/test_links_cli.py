"""newsbot related, translations and export links, run as a user runs them, on a crawled demo."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_newsbot

from newsbot.archive import Archive
from newsbot.items import Article, Capture, Link
from newsbot.normalize import normalize_space
from sitegen import DemoArticle, DemoServer, DemoSite

EDGE_COLUMNS = [
    "source",
    "target",
    "kind",
    "anchor_text",
    "label",
    "position",
    "source_language",
    "target_language",
    "target_archived",
]


def article(site: DemoSite, story: str, language: str) -> DemoArticle:
    return next(a for a in site.articles if a.story == story and a.language == language)


def title(site: DemoSite, path: str) -> str:
    return normalize_space(site.article(path).title)


def stored_links(archive: Path, *kinds: str) -> int:
    where = f" WHERE kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    with sqlite3.connect(archive) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM links{where}", kinds).fetchone()[0])


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result
    stderr = result.stderr
    assert stderr.startswith("newsbot: error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr


# -- related --------------------------------------------------------------------------------


def test_related_shows_titles_in_order_then_backlinks(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    truth = article(demo_site, "s01", "en")
    pasted = f"{base}{truth.path}?utm_source=x#frag"
    result = run_newsbot("related", pasted, "--archive", str(crawled))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == normalize_space(truth.title)
    assert lines[1].split() == [base + truth.path, "[en]"]
    related_at = lines.index("related (Read more):")
    for i, path in enumerate(truth.related, 1):
        assert lines[related_at + 2 * i - 1] == f"  {i}. {title(demo_site, path)}"
        assert lines[related_at + 2 * i] == f"     {base}{path}"
    inline_at = lines.index("inline-related (Related):")
    assert inline_at > related_at
    assert lines[inline_at + 1] == f"  1. {title(demo_site, truth.inline_related[0])}"
    assert "[not archived]" not in result.stdout  # every demo target is archived
    sources = [a for a in demo_site.articles if truth.path in (*a.related, *a.inline_related)] + [
        a for a in demo_site.articles if any(h == truth.path for h, _ in a.inline_links)
    ]
    distinct = {a.path for a in sources}
    backlinks_at = lines.index(f"backlinks: {len(distinct)} archived articles link here")
    shown = "\n".join(lines[backlinks_at:])
    for path in distinct:
        assert f"  {title(demo_site, path)} (" in shown
        assert f"     {base}{path}" in shown


def test_related_marks_targets_that_are_not_archived(tmp_path: Path) -> None:
    archive = tmp_path / "small.db"
    page = "https://www.euronews.com/2026/03/02/night-trains"
    gone = "https://www.euronews.com/2026/03/01/ferries"
    with Archive.open(archive) as db:
        db.save_capture(
            Capture(page, page, 200, [], b"<html></html>", "2026-03-02T10:00:00+00:00", "euronews"),
            run_id=None,
            article=Article(
                url=page,
                canonical_url=page,
                title="Night trains return",
                text="Text.",
                language="en",
                links=[Link("related", gone, "Ferries cut routes", "Read more", 1)],
            ),
        )
    result = run_newsbot(
        "related", page.replace("https", "http") + "?xtor=RSS-8", "--archive", str(archive)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[lines.index("related (Read more):") + 1] == "  1. Ferries cut routes  [not archived]"
    )
    assert lines[-1] == "backlinks: none"
    result = run_newsbot("related", gone, "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "(not archived)"
    assert "  Night trains return (related)" in result.stdout.splitlines()


# -- translations ---------------------------------------------------------------------------


def test_translations_lists_every_language_version_even_from_a_partial_page(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    fr, en = article(demo_site, "s13", "fr"), article(demo_site, "s13", "en")
    assert fr.hreflang == (("fr", fr.path),)  # the French page lists only itself
    result = run_newsbot(
        "translations", f"{base}{fr.path}?utm_source=x#frag", "--archive", str(crawled)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"en  {base}{en.path}  {normalize_space(en.title)}",
        f"fr  {base}{fr.path}  {normalize_space(fr.title)}",
    ]


def test_translations_of_a_three_edition_story(
    crawled: Path, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    base = demo_server.base_url
    versions = sorted((a for a in demo_site.articles if a.story == "s01"), key=lambda a: a.language)
    assert [a.language for a in versions] == ["de", "en", "fr"]
    result = run_newsbot("translations", base + versions[1].path, "--archive", str(crawled))
    assert result.returncode == 0, result.stderr
    assert [line.split("  ")[:2] for line in result.stdout.splitlines()] == [
        [a.language, base + a.path] for a in versions
    ]


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["related", "translations"])
def test_unknown_url_is_one_line_and_exit_2(
    command: str, crawled: Path, demo_server: DemoServer
) -> None:
    url = f"{demo_server.base_url}/en/2026/01/01/no-such-story"
    result = run_newsbot(command, url, "--archive", str(crawled))
    assert_one_line_error(result, url, "neither an archived article nor the target of a link")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["related", "https://www.euronews.com/2026/03/02/a"],
        ["translations", "https://www.euronews.com/2026/03/02/a"],
        ["export", "links"],
    ],
)
def test_corrupt_or_missing_archive_is_one_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database, just bytes " * 200)
    result = run_newsbot(*args, "--archive", str(corrupt))
    assert_one_line_error(result, str(corrupt), "not a newsbot archive")
    result = run_newsbot(*args, "--archive", str(tmp_path / "missing.db"))
    assert_one_line_error(result, f"no archive at {tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["related", "https://www.euronews.com/2026/03/02/a"],
        ["translations", "https://www.euronews.com/2026/03/02/a"],
        ["export", "links"],
    ],
)
def test_damaged_archive_is_one_line_and_exit_2(
    args: list[str], crawled: Path, tmp_path: Path
) -> None:
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(crawled.read_bytes()[: crawled.stat().st_size // 3])
    result = run_newsbot(*args, "--archive", str(truncated))
    assert_one_line_error(result, str(truncated), "malformed")
    # Opens as an archive, then fails on the first read of the link graph.
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(crawled.read_bytes())
    with sqlite3.connect(damaged) as db:
        db.execute("DROP TABLE links")
    db.close()
    result = run_newsbot(*args, "--archive", str(damaged))
    assert_one_line_error(result, f"cannot read archive at {damaged}", "no such table: links")


def test_export_refuses_an_unknown_kind_and_an_unwritable_output(
    crawled: Path, tmp_path: Path
) -> None:
    result = run_newsbot("export", "links", "--kind", "see-also", "--archive", str(crawled))
    assert_one_line_error(result, "see-also")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    target = blocked / "edges.csv"
    result = run_newsbot("export", "links", "--output", str(target), "--archive", str(crawled))
    assert_one_line_error(result, str(target))


# -- export ---------------------------------------------------------------------------------


def test_export_csv_has_the_jsonl_names_and_loads_into_networkx(crawled: Path) -> None:
    result = run_newsbot("export", "links", "--archive", str(crawled))
    assert result.returncode == 0, result.stderr
    # The JSONL keys, lower case: Gephi's spreadsheet import finds "source" and "target" in
    # any case (gephi/gephi AbstractImportProcess compares header names with equalsIgnoreCase).
    assert result.stdout.splitlines()[0].split(",") == EDGE_COLUMNS
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == stored_links(crawled) > 100
    graph = nx.MultiDiGraph()
    for row in rows:
        source, target = row.pop("source"), row.pop("target")
        graph.add_edge(source, target, key=row["kind"], **row)
    assert graph.number_of_edges() == len(rows)
    with sqlite3.connect(crawled) as db:
        articles = {url for (url,) in db.execute("SELECT canonical_url FROM articles")}
        source, target, kind, anchor, label, position = db.execute(
            "SELECT source_url, target_url, kind, anchor_text, label, position FROM links"
            " WHERE kind = 'related' LIMIT 1"
        ).fetchone()
    assert articles <= set(graph.nodes)
    edge = graph.edges[source, target, kind]
    assert (edge["anchor_text"], edge["label"], int(edge["position"])) == (anchor, label, position)
    assert edge["target_archived"] == "true" and edge["source_language"] in {"de", "en", "fr"}


def test_export_jsonl_round_trips_into_networkx(crawled: Path) -> None:
    result = run_newsbot("export", "links", "--format", "jsonl", "--archive", str(crawled))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == stored_links(crawled)
    assert all(list(r) == EDGE_COLUMNS for r in records)
    assert all(isinstance(r["position"], int) and r["position"] >= 1 for r in records)
    # Every demo target is archived but the video pages (linked, never crawled as articles).
    assert all(r["target_archived"] is ("/video/" not in r["target"]) for r in records)
    graph = nx.MultiDiGraph()
    graph.add_edges_from((r["source"], r["target"], r) for r in records)
    assert graph.number_of_edges() == len(records)
    translations = graph.edge_subgraph(
        (u, v, k) for u, v, k, kind in graph.edges(keys=True, data="kind") if kind == "translation"
    )
    # Each translation edge joins two language versions: never a language with itself.
    assert all(
        d["source_language"] != d["target_language"] for _, _, d in translations.edges(data=True)
    )


def test_export_by_kind_to_a_file(crawled: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "edges.jsonl"
    output.parent.mkdir()
    result = run_newsbot(
        "export", "links", "--kind", "translation", "--kind", "inline", "--format", "jsonl",
        "--output", str(output), "--archive", str(crawled),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert {r["kind"] for r in records} == {"translation", "inline"}
    assert len(records) == stored_links(crawled, "translation", "inline")
    assert list(output.parent.iterdir()) == [output]  # no partial file left behind
