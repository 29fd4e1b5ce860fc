"""newsbot eval: newsbot beside plain trafilatura on fixture cases and real pages, a floor that
only rises and can fail, and reviewed updates of expected output as diffs a person applies."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REAL_PAGES, REPO, real_page, run_newsbot

from newsbot.evaluate import below_floor, evaluate, patch_path, raised_floor, read_floor
from newsbot.evaluate_real import score_page
from newsbot.evaluate_runs import Reading

FIXTURES = REPO / "tests" / "fixtures" / "extract"
SCORER = REPO.parent / "shared" / "tools" / "realpages_score.py"
#: A few real pages of different publishers and languages, one of them a live blog (refused).
SAMPLE = ("de-DW_2023_04_28", "fr-LeFigaro_2024_11_22", "uk-TheMirror_2024_08_05")
LIVE_BLOG = "uk-TheMirror_2024_08_05"


def copy_pages(target: Path, names: tuple[str, ...] = SAMPLE) -> Path:
    target.mkdir(exist_ok=True)
    for name in names:
        shutil.copytree(REAL_PAGES / name, target / name)
    return target


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.strip().splitlines()


# --- the project's corpora and their floors -------------------------------------------------


def table_row(out: str, label: str) -> list[str]:
    """The three cells (newsbot, trafilatura, trafilatura with newsbot's options) of a row."""
    match = re.search(rf"^{re.escape(label)}\s+(\S+)\s+(\S+)\s+(\S+)$", out, re.M)
    assert match, f"no row {label!r} in:\n{out}"
    return list(match.groups())


def test_both_corpora_are_checked_against_their_recorded_floors() -> None:
    assert read_floor(FIXTURES), "no floor: `newsbot eval tests/fixtures/extract --raise-floor`"
    real_floor = read_floor(REAL_PAGES)
    assert set(real_floor) == {
        "real:body_f1",
        "real:refused",
        "real:title",
        "real:day",
        "real:authors",
    }
    result = run_newsbot("eval", "--check")  # both corpora by default
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^tests/fixtures/extract: \d+ fixture cases", out, re.M)
    assert "tests/fixtures/realpages: 125 real pages" in out
    assert "every score is at or above the floor" in out
    # Fields trafilatura cannot read print n/a, not 0%; newsbot's options ask for no metadata.
    assert table_row(out, "section")[1:] == ["n/a", "n/a"]
    assert table_row(out, "title")[2] == "n/a"
    assert table_row(out, "title exact")[2] == "n/a"
    assert all(re.fullmatch(r"\d\.\d{3}", c) for c in table_row(out, "body F1 (mean)"))
    # newsbot beats plain trafilatura where it claims to on its own pages: no furniture.
    leaks = [int(c) for c in table_row(out, "leaks")]
    assert leaks[0] < leaks[1]
    f1 = [float(c.rstrip("%")) for c in table_row(out, "body_f1")]
    assert f1[0] >= f1[1]


def test_check_fails_with_one_line_when_the_floor_is_above_what_newsbot_does(
    tmp_path: Path,
) -> None:
    folder = copy_pages(tmp_path / "pages")
    recorded = run_newsbot("eval", str(folder), "--raise-floor")
    assert recorded.returncode == 0, recorded.stderr
    floor = read_floor(folder)
    assert set(floor) >= {"real:body_f1", "real:refused", "real:title"}
    (folder / "floor.json").write_text(json.dumps({**floor, "real:body_f1": 0.999}))
    failed = run_newsbot("eval", str(folder), "--check")
    assert failed.returncode == 1
    assert stderr_lines(failed) == [
        f"{folder}: below the floor: real:body_f1: {floor['real:body_f1']} (floor 0.999)"
    ]
    # --raise-floor never lowers it.
    assert run_newsbot("eval", str(folder), "--raise-floor").returncode == 0
    assert read_floor(folder)["real:body_f1"] == 0.999


def test_check_without_a_recorded_floor_fails(tmp_path: Path) -> None:
    folder = copy_pages(tmp_path / "pages", SAMPLE[:1])
    result = run_newsbot("eval", str(folder), "--check")
    assert result.returncode == 1
    assert stderr_lines(result) == [
        f"{folder}: no floor recorded (newsbot eval {folder} --raise-floor)"
    ]


def test_the_floor_only_rises() -> None:
    floor = {"field:title": 0.9, "body_f1": 0.95, "leaks": 2, "real:refused": 3}
    worse = {"field:title": 0.8, "body_f1": 0.97, "leaks": 5, "real:refused": 1}
    assert raised_floor(worse, floor) == {
        "field:title": 0.9,
        "body_f1": 0.97,
        "leaks": 2,
        "real:refused": 1,
    }
    assert below_floor(worse, floor) == ["field:title: 0.8 (floor 0.9)", "leaks: 5 (floor 2)"]
    assert below_floor({**worse, "real:refused": 4}, floor)[-1] == "real:refused: 4 (floor 3)"
    # A floor that names a score no longer given (a renamed field) fails rather than pass.
    assert below_floor({"body_f1": 1.0}, {"field:story_id": 1.0}) == [
        "field:story_id: not scored any more (floor 1.0)"
    ]


# --- scoring real pages ---------------------------------------------------------------------


def test_real_page_scores_follow_the_shared_definitions() -> None:
    truth = {
        "title": "Zerstören &amp; bauen",
        "published": "2024-05-03 00:00:00",
        "authors": ["Ann Poe", "Jo Roe"],
        "body": "one two three four",
    }
    got = {
        "title": " Zerstören  & bauen",
        "published_at": "2024-05-03T17:40:00+02:00",
        "authors": ["Jo Roe", "Ann Poe"],
    }
    score = score_page(Reading(got, "two three four five six", lead="one"), truth, True)
    # 4 words in common of 6 found and 4 true: F1 = 2·4 / (6 + 4).
    assert (score.f1, score.precision, score.recall) == (0.8, 4 / 6, 1.0)
    assert (score.title, score.day, score.authors, score.refused) == (True, True, True, None)
    refused = score_page(Reading(None, "", reason="not an article"), truth, True)
    assert (refused.f1, refused.refused, refused.title) == (0.0, "not an article", None)
    wrong_day = score_page(Reading({**got, "published_at": None}, "one"), truth, True)
    assert wrong_day.day is False


@pytest.mark.skipif(not SCORER.is_file(), reason="../shared/tools/realpages_score.py is absent")
def test_real_page_figures_agree_with_the_shared_scorer(tmp_path: Path) -> None:
    folder = copy_pages(tmp_path / "pages", (*SAMPLE, "uk-BBC_2024_08_01", "es-ABC_2025_01_13"))
    theirs = subprocess.run(
        [sys.executable, str(SCORER), str(folder)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    result = evaluate(folder).real
    assert result is not None
    s, t = result.scores["newsbot"], result.scores["trafilatura"]
    ours = (
        f"real pages (5): body F1 newsbot {s.mean('f1'):.3f}, trafilatura {t.mean('f1'):.3f}; "
        f"refused {s.refused}; title {s.share('title'):.0%}, day {s.share('day'):.0%}, "
        f"authors {s.share('authors'):.0%}; CPU time"
    )
    assert theirs.startswith(ours), (theirs, ours)


def _article_page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Harbour reopens</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2025-03-02T08:00:00Z">'
        "</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Harbour reopens</h1>{body}</article></body></html>"
    ).encode()


def test_verbose_lists_pages_refusals_and_text_the_truth_may_miss(tmp_path: Path) -> None:
    folder = copy_pages(tmp_path / "mixed", (LIVE_BLOG,))
    shutil.copytree(FIXTURES / "en-2026-standard", folder / "en-2026-standard")
    paragraphs = [
        "The old harbour of Saltmere reopened to fishing boats on Sunday after three years of "
        "works that rebuilt the north quay and dredged the channel.",
        "Fishermen queued from dawn to moor at the new pontoons, and the first catch of sole "
        "was sold at the market hall before nine.",
        "The council spent most of the budget on the sea wall, which storms had breached twice "
        "in the winter before the works began.",
        "Children from the primary school painted the lighthouse door blue, a colour chosen by "
        "a vote in every class last spring.",
        "A ferry to the islands will call twice a week from June, the operator said, if the "
        "trial months bring enough passengers.",
        "Residents who had lost moorings during the works will get them back first, in the "
        "order of the old register kept by the harbour master.",
    ]
    page = folder / "xx-Harbour_2025_03_02"
    page.mkdir()
    (page / "page.html.gz").write_bytes(gzip.compress(_article_page(paragraphs)))
    truth = {
        "url": "https://harbour.example/news/harbour-reopens",
        "crawl_date": "2025-03-02 10:00:00",
        "publisher": "Harbour",
        "title": "Harbour reopens",
        "authors": [],
        "published": "2025-03-02 08:00:00",
        "body": "\n".join(p for i, p in enumerate(paragraphs) if i != 3),  # one is left out
        "source": "written for this test",
    }
    (page / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    result = run_newsbot("eval", str(folder), "-v")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{folder}: 1 fixture case, 1 article\n" in out
    assert f"{folder}: 2 real pages" in out
    assert re.search(rf"^{LIVE_BLOG}\s+0\.000\s+\d\.\d+\s+\d\.\d+\s+generic", out, re.M)
    assert re.search(r"^    newsbot refused: .*live blog", out, re.M)
    missing = len(paragraphs[3].split())
    assert f"truth may miss {missing} words both extractors found: “Children from the" in out


def test_verbose_says_which_of_the_pages_own_titles_each_side_took(tmp_path: Path) -> None:
    # 20 Minuten names one headline in JSON-LD, <title>, twitter:title and its <h1>, and
    # another, worded for sharing, in og:title; the truth took the second.
    name = "ch-ZwanzigMinuten_2025_11_06"
    folder = copy_pages(tmp_path / "one", (name,))
    result = run_newsbot("eval", str(folder), "-v")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("    title: "))
    truth = json.loads((REAL_PAGES / name / "truth.json").read_text(encoding="utf-8"))
    assert f"truth “{truth['title']}” (the page's og:title)" in line
    assert "newsbot “Lebensmittel gegen Erkältung" in line
    assert "<h1>" in line.split("; truth")[0]


# --- reviewed updates of expected output ----------------------------------------------------


def test_diff_prints_a_patch_that_git_apply_takes(tmp_path: Path) -> None:
    case = tmp_path / "en-2026-standard"
    shutil.copytree(FIXTURES / "en-2026-standard", case)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    right = expected["article"]["title"]
    expected["article"]["title"] = "A title nobody wrote"
    (case / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False))
    result = run_newsbot("eval", str(tmp_path), "--diff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "--- a/en-2026-standard/expected.json\n+++ b/en-2026-standard/expected.json\n"
    )
    assert '-    "title": "A title nobody wrote",' in result.stdout
    assert f'+    "title": {json.dumps(right, ensure_ascii=False)},' in result.stdout
    assert "1 of 1 expected.json differ" in result.stderr
    # Nothing was written: a person applies the diff.
    assert "A title nobody wrote" in (case / "expected.json").read_text(encoding="utf-8")
    (tmp_path / "fix.patch").write_text(result.stdout, encoding="utf-8")
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    again = run_newsbot("eval", str(tmp_path), "--diff", cwd=tmp_path)
    assert again.stdout == "" and "0 of 1 expected.json differ" in again.stderr


def test_diff_paths_are_relative_to_the_repository() -> None:
    file = FIXTURES / "en-2026-standard" / "expected.json"
    assert patch_path(file) == "tests/fixtures/extract/en-2026-standard/expected.json"


def test_regenerate_is_gone() -> None:
    result = run_newsbot("eval", "--regenerate")
    assert result.returncode == 2
    assert "No such option" in result.stderr


# --- mistakes -------------------------------------------------------------------------------


def test_eval_of_a_folder_without_pages_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_newsbot("eval", str(tmp_path))
    assert result.returncode == 2
    assert stderr_lines(result) == [
        f"newsbot: error: {tmp_path} holds no fixture cases (page.html, meta.json, "
        "expected.json) or real pages (page.html.gz, truth.json)"
    ]


def test_an_unreadable_real_page_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = copy_pages(tmp_path / "pages", SAMPLE[:1])
    (folder / SAMPLE[0] / "page.html.gz").write_bytes(b"not gzip")
    result = run_newsbot("eval", str(folder))
    assert result.returncode == 2
    assert len(stderr_lines(result)) == 1 and "unreadable page.html.gz" in result.stderr


def test_real_page_helper_loads_a_page_and_its_truth() -> None:
    html, truth = real_page("de-DW_2023_04_28")
    assert html.lstrip().lower().startswith((b"<!doctype html", b"<html"))
    assert truth["url"].startswith("https://www.dw.com/de/")
    assert truth["body"] and truth["publisher"] == "DW"
