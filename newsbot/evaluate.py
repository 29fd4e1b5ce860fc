"""Extraction quality over the fixture corpus: newsbot and plain trafilatura side by side.

A fixture is a folder: ``page.html`` (the page as served), ``meta.json`` (url, site,
content_type, fetched_at, body paragraphs and subheads, must_contain / must_not_contain) and
``expected.json`` (``{"article": null}`` or every field of the article, links included).
The floor (``floor.json`` beside the cases) records the scores CI must keep; it only rises.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.metadata import Document

from newsbot.extract import Article, extract_article
from newsbot.extract.dates import to_iso8601

#: Fields compared exactly (text is judged by precision/recall and snippets instead).
COMPARED = (
    "url",
    "canonical_url",
    "title",
    "teaser",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "section",
    "tags",
    "image_url",
    "site",
    "extras",
    "sources",
    "captions",
    "links",
)
FLOOR_FILE = "floor.json"
_WORD = re.compile(r"\w+")


class EvalError(ValueError):
    """The fixture folder cannot be evaluated; the message is one line for the user."""


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    page: bytes
    meta: dict[str, Any]
    expected: dict[str, Any] | None  # None: the page is not an article


def load_cases(folder: Path) -> list[Case]:
    """Every case folder under ``folder`` (sorted by name)."""
    if not folder.is_dir():
        raise EvalError(f"{folder} is not a folder of fixture cases")
    cases = []
    for case in sorted(p for p in folder.iterdir() if (p / "page.html").is_file()):
        try:
            meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
            expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvalError(f"{case.name}: unreadable meta.json or expected.json ({exc})") from None
        cases.append(
            Case(case.name, case, (case / "page.html").read_bytes(), meta, expected.get("article"))
        )
    if not cases:
        raise EvalError(f"{folder} holds no fixture cases (folders with page.html)")
    return cases


def extract_case(case: Case) -> Article | None:
    """newsbot's extraction of a case, as the crawl would run it."""
    result = extract_article(
        case.page,
        case.meta["url"],
        case.meta.get("site"),
        content_type=case.meta.get("content_type"),
        captured_at=case.meta.get("fetched_at"),
    )
    return result if isinstance(result, Article) else None


def article_record(article: Article) -> dict[str, Any]:
    """An article's compared fields as expected.json holds them."""
    record = asdict(article)
    record["links"] = [asdict(link) for link in article.links]
    return {name: record[name] for name in COMPARED}


def plain_trafilatura(case: Case) -> dict[str, Any] | None:
    """What trafilatura alone (with its metadata) says, mapped onto newsbot's fields."""
    doc = trafilatura.bare_extraction(case.page, url=case.meta["url"], with_metadata=True)
    if not isinstance(doc, Document) or not doc.text:
        return None
    split = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    tags = [t.strip() for t in (doc.tags or []) if t.strip()] if isinstance(doc.tags, list) else []
    return {
        "url": case.meta["url"],
        "canonical_url": doc.url,
        "title": doc.title,
        "teaser": doc.description or "",
        "authors": split,
        "published_at": to_iso8601(doc.date or "") or doc.date,
        "modified_at": None,
        "language": doc.language,
        "section": None,
        "tags": tags,
        "image_url": doc.image,
        "site": None,
        "extras": {},
        "sources": [],
        "captions": [],
        "links": [],
        "text": doc.text,
    }


def _tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


@dataclass
class Scores:
    """Scores of one extractor over the corpus."""

    cases: int = 0
    detection: int = 0  # cases where "article or not" was right
    fields: Counter[str] = field(default_factory=Counter)  # exact matches per field
    articles: int = 0  # cases that are articles
    true_tokens: int = 0
    found_tokens: int = 0
    common_tokens: int = 0
    leaks: int = 0  # must_not_contain snippets found in a text

    def add(self, case: Case, got: dict[str, Any] | None, text: str) -> None:
        self.cases += 1
        self.detection += (got is None) == (case.expected is None)
        if case.expected is None:
            return
        self.articles += 1
        for name in COMPARED:
            if got is not None and got.get(name) == case.expected.get(name):
                self.fields[name] += 1
        # Subheadings are the article's own text too; they are listed apart from paragraphs.
        truth = _tokens("\n".join([*case.meta.get("body", []), *case.meta.get("subheads", [])]))
        found = _tokens(text)
        self.true_tokens += sum(truth.values())
        self.found_tokens += sum(found.values())
        self.common_tokens += sum((truth & found).values())
        self.leaks += sum(1 for s in case.meta.get("must_not_contain", []) if s in text)

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
        """The scores the floor keeps: per-field accuracy, detection, body F1, leaks."""
        out = {f"field:{name}": round(self.accuracy(name), 4) for name in COMPARED}
        out["detection"] = round(self.detection / self.cases, 4) if self.cases else 0.0
        out["body_precision"] = round(self.precision, 4)
        out["body_recall"] = round(self.recall, 4)
        out["body_f1"] = round(self.f1, 4)
        out["leaks"] = self.leaks
        return out


@dataclass(frozen=True)
class Evaluation:
    newsbot: Scores
    trafilatura: Scores
    cases: int


def evaluate(folder: Path) -> Evaluation:
    """Run both extractors over every case of ``folder``."""
    ours, plain = Scores(), Scores()
    cases = load_cases(folder)
    for case in cases:
        article = extract_case(case)
        ours.add(
            case, article_record(article) if article else None, article.text if article else ""
        )
        other = plain_trafilatura(case)
        plain.add(case, other, other["text"] if other else "")
    return Evaluation(ours, plain, len(cases))


def format_table(result: Evaluation) -> str:
    """The side-by-side table the eval command prints."""
    ours, plain = result.newsbot.summary(), result.trafilatura.summary()
    lines = [
        f"{result.cases} cases, {result.newsbot.articles} articles",
        f"{'':22} {'newsbot':>9} {'trafilatura':>12}",
    ]
    for key in ours:
        a, b = ours[key], plain[key]
        fmt = "{:>9d} {:>12d}" if key == "leaks" else "{:>9.1%} {:>12.1%}"
        lines.append(f"{key.removeprefix('field:'):22} " + fmt.format(a, b))
    return "\n".join(lines)


def below_floor(scores: dict[str, float], floor: dict[str, float]) -> list[str]:
    """The scores that fell below the floor (leaks: rose above it), as readable lines."""
    out = []
    for key, minimum in floor.items():
        value = scores.get(key)
        if value is None:
            continue
        if (key == "leaks" and value > minimum) or (key != "leaks" and value < minimum):
            out.append(f"{key}: {value} (floor {minimum})")
    return out


def raised_floor(scores: dict[str, float], floor: dict[str, float]) -> dict[str, float]:
    """The floor raised to ``scores`` wherever they are better; never lowered."""
    out = dict(floor)
    for key, value in scores.items():
        if key not in out:
            out[key] = value
        elif key == "leaks":
            out[key] = min(out[key], value)
        else:
            out[key] = max(out[key], value)
    return out


def read_floor(folder: Path) -> dict[str, float]:
    path = folder / FLOOR_FILE
    if not path.exists():
        return {}
    data: dict[str, float] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_floor(folder: Path, floor: dict[str, float]) -> None:
    text = json.dumps(dict(sorted(floor.items())), indent=2, ensure_ascii=False)
    (folder / FLOOR_FILE).write_text(text + "\n", encoding="utf-8")


def regenerate(folder: Path) -> Iterator[str]:
    """Rewrite every case's expected.json from newsbot's current output, for review with
    ``git diff``; yields the names of the cases whose expectation changed."""
    for case in load_cases(folder):
        article = extract_case(case)
        record = {"article": article_record(article) if article else None}
        if record["article"] != case.expected:
            text = json.dumps(record, indent=2, ensure_ascii=False)
            (case.folder / "expected.json").write_text(text + "\n", encoding="utf-8")
            yield case.name
