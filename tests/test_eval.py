"""The extraction quality gate: newsbot's scores over the fixture corpus never fall below the
recorded floor, and the floor only rises."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_newsbot

from newsbot.evaluate import below_floor, evaluate, raised_floor, read_floor

FIXTURES = REPO / "tests" / "fixtures" / "extract"


def test_newsbot_stays_at_or_above_the_recorded_floor() -> None:
    floor = read_floor(FIXTURES)
    assert floor, "no floor recorded: run `newsbot eval --raise-floor` and commit floor.json"
    result = evaluate(FIXTURES)
    assert below_floor(result.newsbot.summary(), floor) == []
    # newsbot must beat plain trafilatura where it claims to: text without furniture.
    assert result.newsbot.leaks < result.trafilatura.leaks
    assert result.newsbot.f1 >= result.trafilatura.f1


def test_the_floor_only_rises() -> None:
    floor = {"field:title": 0.9, "body_f1": 0.95, "leaks": 2}
    worse = {"field:title": 0.8, "body_f1": 0.97, "leaks": 5}
    assert raised_floor(worse, floor) == {"field:title": 0.9, "body_f1": 0.97, "leaks": 2}
    assert below_floor(worse, floor) == ["field:title: 0.8 (floor 0.9)", "leaks: 5 (floor 2)"]


def test_eval_command_prints_both_extractors_and_checks_the_floor() -> None:
    result = run_newsbot("eval", str(FIXTURES), "--check")
    assert result.returncode == 0, result.stderr
    assert "newsbot" in result.stdout and "trafilatura" in result.stdout
    assert "body_f1" in result.stdout and "every score is at or above the floor" in result.stdout


def test_eval_of_a_folder_without_cases_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_newsbot("eval", str(tmp_path))
    assert result.returncode == 2
    assert "holds no fixture cases" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
