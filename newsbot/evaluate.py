"""Extraction quality: newsbot beside plain trafilatura over folders of pages, against a floor
that only rises.

A folder holds fixture cases, real pages, or both (each in a subfolder; a case or page folder
may also be given itself):

- a fixture case: ``page.html`` (the page as served), ``meta.json`` (url, site, content_type,
  fetched_at, body paragraphs and subheads, must_contain / must_not_contain) and
  ``expected.json`` (``{"article": null}`` or every compared field of the article, links
  included), written and reviewed by a person or built from the project's story truth;
- a real page: ``page.html.gz`` + ``truth.json`` (see :mod:`newsbot.evaluate_real`).

The floor (``floor.json`` in the folder) records the scores of newsbot that ``--check`` keeps;
it only rises. Nothing here writes an expected.json: :func:`expected_diffs` shows a person what
would change, to apply by hand.
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from newsbot.evaluate_floor import (
    FLOOR_FILE,
    LOWER_IS_BETTER,
    below_floor,
    raised_floor,
    read_floor,
    write_floor,
)
from newsbot.evaluate_real import RealEvaluation, evaluate_real, load_real_pages
from newsbot.evaluate_runs import (
    EXTRACTORS,
    HEADINGS,
    EvalError,
    Page,
    Reading,
    counted,
    read_all,
    reads_field,
    tokens,
    warm_up,
)
from newsbot.extract import Article, extract_article

__all__ = [
    "COMPARED",
    "FLOOR_FILE",
    "LOWER_IS_BETTER",
    "Case",
    "EvalError",
    "FolderEvaluation",
    "below_floor",
    "default_folders",
    "evaluate",
    "expected_diffs",
    "load_cases",
    "raised_floor",
    "read_floor",
    "write_floor",
]

#: Fields compared exactly, in expected.json's order: every field of an Article but the text
#: (judged by precision/recall and snippets) and the extractor version (names the code).
COMPARED = tuple(f.name for f in fields(Article) if f.name not in ("text", "extractor_version"))


#: The project's two corpora, in a checkout of its repository: what ``newsbot eval`` scores
#: when given no folder.
DEFAULT_FOLDERS = (Path("tests/fixtures/extract"), Path("tests/fixtures/realpages"))


def default_folders() -> tuple[Path, ...]:
    """:data:`DEFAULT_FOLDERS` in the repository that holds this package, whatever the current
    folder: relative to the current folder when under it (as a person would type them), else
    absolute. Raises :class:`EvalError` naming where it looked when they are not there (an
    installed package has no tests)."""
    top = Path(__file__).resolve().parent.parent
    folders = [top / folder for folder in DEFAULT_FOLDERS]
    missing = [str(folder) for folder in folders if not folder.is_dir()]
    if missing:
        raise EvalError(
            f"no fixtures at {' or '.join(missing)} (they come with a checkout of newsbot's"
            " repository, not with the installed package): give the FOLDER to score"
        )
    here = Path.cwd().resolve()
    return tuple(f.relative_to(here) if f.is_relative_to(here) else f for f in folders)


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    page: bytes
    meta: dict[str, Any]
    expected: dict[str, Any] | None  # None: the page is not an article


def _is_case(folder: Path) -> bool:
    return (folder / "page.html").is_file()


def find_cases(folder: Path) -> list[Case]:
    """Every fixture case under ``folder`` (sorted by name), or ``folder`` itself if it is one;
    [] when there is none."""
    if not folder.is_dir():
        raise EvalError(f"{folder} is not a folder")
    cases = []
    for case in [folder] if _is_case(folder) else sorted(filter(_is_case, folder.iterdir())):
        try:
            meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
            expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
            page = (case / "page.html").read_bytes()
        except (OSError, ValueError) as exc:
            raise EvalError(f"{case}: unreadable meta.json or expected.json ({exc})") from None
        if not isinstance(meta, dict) or not isinstance(meta.get("url"), str):
            raise EvalError(f"{case / 'meta.json'}: no url")
        if not isinstance(expected, dict) or "article" not in expected:
            raise EvalError(f"{case / 'expected.json'}: no article (null or the article)")
        cases.append(Case(case.name, case, page, meta, expected["article"]))
    return cases


def load_cases(folder: Path) -> list[Case]:
    """Every fixture case under ``folder`` (sorted by name); EvalError when there is none."""
    cases = find_cases(folder)
    if not cases:
        raise EvalError(f"{folder} holds no fixture cases (folders with page.html)")
    return cases


def case_page(case: Case) -> Page:
    """The case's page with what the crawl knew when it fetched it."""
    m = case.meta
    return Page(case.page, m["url"], m.get("site"), m.get("content_type"), m.get("fetched_at"))


def extract_case(case: Case) -> Article | None:
    """newsbot's extraction of a case, as the crawl would run it."""
    p = case_page(case)
    result = extract_article(
        p.html, p.url, p.site, content_type=p.content_type, captured_at=p.captured_at
    )
    return result if isinstance(result, Article) else None


def article_record(article: Article) -> dict[str, Any]:
    """An article's compared fields as expected.json holds them."""
    record = asdict(article)
    return {name: record[name] for name in COMPARED}


@dataclass
class Scores:
    """One extractor's scores over the fixture cases of a folder."""

    extractor: str = "newsbot"
    cases: int = 0
    detection: int = 0  # cases where "article or not" was right
    fields: Counter[str] = field(default_factory=Counter)  # exact matches per field
    articles: int = 0  # cases that are articles
    true_tokens: int = 0
    found_tokens: int = 0
    common_tokens: int = 0
    leaks: int = 0  # must_not_contain snippets found in a text
    cpu: float = 0.0

    def add(self, case: Case, got: dict[str, Any] | None, text: str) -> list[str]:
        """Count one case; the compared fields that differ from expected.json."""
        self.cases += 1
        self.detection += (got is None) == (case.expected is None)
        if case.expected is None:
            return []
        self.articles += 1
        wrong = []
        for name in COMPARED:
            if got is not None and got.get(name) == case.expected.get(name):
                self.fields[name] += 1
            elif reads_field(self.extractor, name):
                wrong.append(name)
        # Subheadings are the article's own text too; they are listed apart from paragraphs.
        truth = tokens("\n".join([*case.meta.get("body", []), *case.meta.get("subheads", [])]))
        found = tokens(text)
        self.true_tokens += sum(truth.values())
        self.found_tokens += sum(found.values())
        self.common_tokens += sum((truth & found).values())
        self.leaks += sum(1 for s in case.meta.get("must_not_contain", []) if s in text)
        return wrong

    @property
    def precision(self) -> float:
        return self.common_tokens / self.found_tokens if self.found_tokens else 0.0

    @property
    def recall(self) -> float:
        return self.common_tokens / self.true_tokens if self.true_tokens else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        return self.fields[name] / self.articles if self.articles else 0.0

    def summary(self) -> dict[str, float]:
        """The scores the floor keeps: per-field accuracy (the fields this extractor reads),
        detection, body precision/recall/F1, leaks."""
        out = {
            f"field:{name}": round(self.accuracy(name), 4)
            for name in COMPARED
            if reads_field(self.extractor, name)
        }
        out["detection"] = round(self.detection / self.cases, 4) if self.cases else 0.0
        out["body_precision"] = round(self.precision, 4)
        out["body_recall"] = round(self.recall, 4)
        out["body_f1"] = round(self.f1, 4)
        out["leaks"] = self.leaks
        return out


@dataclass(frozen=True)
class CaseEvaluation:
    """The three extractors' scores over a folder's fixture cases, and newsbot's misses."""

    scores: dict[str, Scores]
    cases: int
    misses: dict[str, list[str]]  # case → what newsbot got wrong (fields, or detection)

    @property
    def newsbot(self) -> Scores:
        return self.scores["newsbot"]

    @property
    def trafilatura(self) -> Scores:
        return self.scores["trafilatura"]


def evaluate_cases(
    cases: list[Case], advance: Callable[[int], object] | None = None
) -> CaseEvaluation:
    """Run the three extractors over every case; ``advance(1)`` after each."""
    scores = {name: Scores(name) for name in EXTRACTORS}
    misses: dict[str, list[str]] = {}
    for turn, case in enumerate(cases):
        for name, reading in read_all(case_page(case), turn).items():
            scores[name].cpu += reading.cpu
            got = _compared(reading)
            wrong = scores[name].add(case, got, reading.text)
            if name != "newsbot":
                continue
            if (got is None) != (case.expected is None):
                wrong = ["refused: " + reading.reason] if got is None else ["not an article"]
            if wrong:
                misses[case.name] = wrong
        if advance is not None:
            advance(1)
    return CaseEvaluation(scores, len(cases), misses)


def _compared(reading: Reading) -> dict[str, Any] | None:
    if reading.fields is None:
        return None
    return {name: reading.fields.get(name) for name in COMPARED if name in reading.fields}


def format_table(result: CaseEvaluation, folder: Path | str = "") -> str:
    """The side-by-side table of a folder's fixture cases ("n/a": a field the extractor
    cannot read)."""
    summaries = {name: result.scores[name].summary() for name in EXTRACTORS}
    base = result.trafilatura.cpu or 1e-9
    prefix = f"{folder}: " if folder else ""
    lines = [
        f"{prefix}{counted(result.cases, 'fixture case')}, "
        f"{counted(result.newsbot.articles, 'article')}",
        f"{'':24}" + "".join(f"{HEADINGS[n][0]:>16}" for n in EXTRACTORS),
        f"{'':24}" + "".join(f"{HEADINGS[n][1]:>16}" for n in EXTRACTORS),
    ]
    for key in summaries["newsbot"]:
        cells = []
        for name in EXTRACTORS:
            value = summaries[name].get(key)
            if value is None:
                cells.append("n/a")
            else:
                cells.append(f"{int(value)}" if key == "leaks" else f"{value:.1%}")
        lines.append(f"{key.removeprefix('field:'):24}" + "".join(f"{c:>16}" for c in cells))
    ratios = [f"{result.scores[n].cpu / base:.2f}×" for n in EXTRACTORS]
    lines.append(f"{'CPU time vs trafilatura':24}" + "".join(f"{c:>16}" for c in ratios))
    return "\n".join(lines)


def format_misses(result: CaseEvaluation) -> str:
    """One line per case where newsbot's output differs from expected.json (``-v``)."""
    return "\n".join(f"{case}: {', '.join(what)}" for case, what in result.misses.items())


@dataclass(frozen=True)
class FolderEvaluation:
    """A folder's fixture cases and real pages, each scored (None: the folder has none)."""

    folder: Path
    cases: CaseEvaluation | None
    real: RealEvaluation | None

    def summary(self) -> dict[str, float]:
        """newsbot's scores as the floor keys them (fixture keys, then ``real:`` keys)."""
        out = self.cases.newsbot.summary() if self.cases else {}
        return out | (self.real.summary() if self.real else {})


@cache
def _warm() -> None:
    warm_up()


def evaluate(
    folder: Path, progress: Callable[[int | None, int], Callable[[int], None]] | None = None
) -> FolderEvaluation:
    """Score newsbot and plain trafilatura (both ways) over everything ``folder`` holds.
    ``progress(total, 0)`` is called with the number of cases and pages, and its
    ``advance(1)`` after each."""
    cases = find_cases(folder)
    pages = load_real_pages(folder)
    if not cases and not pages:
        raise EvalError(
            f"{folder} holds no fixture cases (page.html, meta.json, expected.json) "
            "or real pages (page.html.gz, truth.json)"
        )
    _warm()
    advance = progress(len(cases) + len(pages), 0) if progress else None
    return FolderEvaluation(
        folder,
        evaluate_cases(cases, advance) if cases else None,
        evaluate_real(folder, pages, advance) if pages else None,
    )


# --- reviewed updates of expected output ----------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def patch_path(path: Path) -> str:
    """``path`` as a patch names it: relative to the git repository holding it (apply from its
    top folder), else to the current folder."""
    path = path.resolve()
    for parent in path.parents:
        if (parent / ".git").exists():
            return path.relative_to(parent).as_posix()
    return Path(os.path.relpath(path)).as_posix()


def expected_diffs(cases: list[Case]) -> Iterator[tuple[str, str]]:
    """For each case whose newsbot output differs from its expected.json: the case's name and a
    unified diff (``a/…`` ``b/…`` paths, see :func:`patch_path`) that turns expected.json into
    that output. Nothing is written: a person reads the diff and applies what is right."""
    for case in cases:
        article = extract_case(case)
        new = _dump({"article": article_record(article) if article else None})
        file = case.folder / "expected.json"
        old = file.read_text(encoding="utf-8")
        if new == old:
            continue
        name = patch_path(file)
        diff = difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
        # A file not ending in a newline gets the marker patch tools expect after its last line.
        yield (
            case.name,
            "".join(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                for line in diff
            ),
        )
