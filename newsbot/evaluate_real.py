"""Extraction quality on real pages: folders of ``page.html.gz`` + ``truth.json``.

The format is that of tests/fixtures/realpages (and ../shared/realpages): one folder a page,
``truth.json`` holding url, crawl_date, publisher, title, authors, published, body, source. The
scores are those of ../shared/tools/realpages_score.py, so the figures agree with it:

- body: token F1 (words lower-cased) of the standfirst and text against the truth's ``body``,
  averaged over pages; a refused page scores 0. Precision and recall are averaged the same way.
- title: equal after entity unescaping and whitespace normalisation; publication day: the
  calendar day of ``published`` (pages whose truth has none are not counted); author set: the
  same names in any order (pages whose truth names none are not counted). These three are shares
  of the pages the extractor returned an article for.
- CPU time: the extractor's over plain ``trafilatura.extract``'s, on the same pages.

newsbot reads every page with the profile the crawl would choose for its URL (the generic one
for hosts no profile owns) and the rules of its crawl date.
"""

from __future__ import annotations

import datetime
import gzip
import html
import json
import statistics
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    words,
)
from newsbot.extract.article import parse_html
from newsbot.extract.meta import read_page_meta
from newsbot.extract.titles import decode_entities, site_names, strip_site_name
from newsbot.sites import profile_for_url

PAGE_FILE = "page.html.gz"
TRUTH_FILE = "truth.json"
#: A page is flagged when both extractors agree on at least this many words the truth lacks.
TRUTH_MISS_WORDS = 20
#: Lines shorter than this are not paragraphs of prose.
PROSE_WORDS = 8
_SHINGLE = 3


@dataclass(frozen=True)
class RealPage:
    name: str
    folder: Path
    html: bytes
    truth: dict[str, Any]


def is_real_page(folder: Path) -> bool:
    return (folder / TRUTH_FILE).is_file() and (folder / PAGE_FILE).is_file()


def load_real_pages(folder: Path) -> list[RealPage]:
    """Every real page under ``folder`` (sorted by name), or ``folder`` itself if it is one."""
    folders = [folder] if is_real_page(folder) else sorted(folder.iterdir())
    pages = []
    for page in (p for p in folders if is_real_page(p)):
        try:
            truth = json.loads((page / TRUTH_FILE).read_text(encoding="utf-8"))
            raw = gzip.decompress((page / PAGE_FILE).read_bytes())
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise EvalError(f"{page}: unreadable {PAGE_FILE} or {TRUTH_FILE} ({exc})") from None
        if not isinstance(truth, dict) or not isinstance(truth.get("url"), str):
            raise EvalError(f"{page / TRUTH_FILE}: no url")
        if not isinstance(truth.get("body"), str):
            raise EvalError(f"{page / TRUTH_FILE}: no body")
        pages.append(RealPage(page.name, page, raw, truth))
    return pages


def _norm(value: str | None) -> str:
    return " ".join(html.unescape(value or "").split())


def _day(value: object) -> object:
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return str(value)[:10]


@dataclass(frozen=True)
class PageScore:
    """One extractor's scores on one page (title/day/authors: None when not counted)."""

    f1: float
    precision: float
    recall: float
    refused: str | None
    title: bool | None = None
    day: bool | None = None
    authors: bool | None = None


def score_page(reading: Reading, truth: dict[str, Any], metadata: bool) -> PageScore:
    """``reading`` scored against ``truth``; ``metadata``: the extractor reads title and dates."""
    found, gold = tokens(reading.body), tokens(truth["body"])
    common = sum((found & gold).values())
    n_found, n_gold = sum(found.values()), sum(gold.values())
    f1 = 2 * common / (n_found + n_gold) if common else 0.0
    precision = common / n_found if n_found else 0.0
    recall = common / n_gold if n_gold else 0.0
    got = reading.fields
    if got is None:
        return PageScore(f1, precision, recall, reading.reason or "refused")
    if not metadata:
        return PageScore(f1, precision, recall, None)
    title = _norm(got.get("title")) == _norm(truth.get("title"))
    day = None
    if truth.get("published"):
        published = got.get("published_at")
        day = _day(published) == _day(truth["published"]) if published else False
    authors = None
    if truth.get("authors"):
        names = sorted(map(_norm, got.get("authors") or []))
        authors = names == sorted(map(_norm, truth["authors"]))
    return PageScore(f1, precision, recall, None, title, day, authors)


def truth_misses(ours: str, theirs: str, truth: str) -> tuple[int, str]:
    """Words of the paragraphs both extractors found (the same line in both) inside the
    article, that the truth lacks; and the first such paragraph.

    A paragraph is missing from the truth when most of its word triples are not in it; it is
    inside the article when paragraphs the truth holds come before and after it (furniture
    gathers at the edges). Lines under :data:`PROSE_WORDS` words and list items are not counted.
    """
    told = words(truth)
    gold = {tuple(told[i : i + _SHINGLE]) for i in range(len(told))}
    shared = {" ".join(line.split()) for line in theirs.splitlines()}
    lines = [" ".join(line.split()) for line in ours.splitlines()]
    held: list[bool] = []
    for line in lines:
        lw = words(line)
        grams = [tuple(lw[i : i + _SHINGLE]) for i in range(max(1, len(lw) - _SHINGLE + 1))]
        held.append(sum(g in gold for g in grams) * 2 >= len(grams))
    inside = [i for i, h in enumerate(held) if h]
    count, first = 0, ""
    for i, line in enumerate(lines):
        if held[i] or not inside or not inside[0] < i < inside[-1] or line not in shared:
            continue
        # List items and short lines inside the body are mostly furniture both extractors let
        # through (inline "read also" headlines, labels): only paragraphs of prose are counted.
        if len(words(line)) < PROSE_WORDS or line.startswith(("- ", "* ", "| ")):
            continue
        count += len(words(line))
        first = first or line
    return count, first


@dataclass
class RealScores:
    """One extractor's scores over a folder of real pages."""

    extractor: str
    pages: list[PageScore] = field(default_factory=list)
    cpu: float = 0.0

    def share(self, name: str) -> float | None:
        """The share of counted pages where ``name`` (title, day, authors) was right; None when
        this extractor does not read it."""
        if not reads_field(self.extractor, "title"):
            return None
        values: list[bool] = [v for p in self.pages if (v := getattr(p, name)) is not None]
        return sum(values) / max(1, len(values))

    def mean(self, name: str) -> float:
        return statistics.mean(getattr(p, name) for p in self.pages) if self.pages else 0.0

    @property
    def refused(self) -> int:
        return sum(p.refused is not None for p in self.pages)

    def summary(self) -> dict[str, float]:
        """The scores a floor keeps, rounded as floor.json holds them: ``real:body_f1``,
        ``real:refused`` (lower is better), and the shares ``real:title``, ``real:day``,
        ``real:authors`` when this extractor reads them."""
        out: dict[str, float] = {
            "real:body_f1": round(self.mean("f1"), 4),
            "real:refused": self.refused,
        }
        for name in ("title", "day", "authors"):
            value = self.share(name)
            if value is not None:
                out[f"real:{name}"] = round(value, 4)
        return out


@dataclass(frozen=True)
class PageResult:
    """Everything eval says about one page under ``-v``."""

    name: str
    profile: str
    scores: dict[str, PageScore]
    truth_missing: tuple[int, str]
    #: Where newsbot's title differs from the truth's: each of the two, with the page's own
    #: titles that name it (see :func:`naming_titles`).
    titles: tuple[tuple[str, list[str]], tuple[str, list[str]]] | None = None


@dataclass(frozen=True)
class RealEvaluation:
    folder: Path
    scores: dict[str, RealScores]
    pages: list[PageResult]

    def summary(self) -> dict[str, float]:
        return self.scores["newsbot"].summary()


def evaluate_real(
    folder: Path, pages: list[RealPage], advance: Callable[[int], object] | None = None
) -> RealEvaluation:
    """Read every page with the three extractors and score them against their truth;
    ``advance(1)`` after each."""
    scores = {name: RealScores(name) for name in EXTRACTORS}
    results = []
    for turn, real in enumerate(pages):
        captured = real.truth.get("crawl_date")
        page = Page(real.html, real.truth["url"], captured_at=str(captured) if captured else None)
        readings = read_all(page, turn)
        per_page: dict[str, PageScore] = {}
        for name, reading in readings.items():
            score = score_page(reading, real.truth, reads_field(name, "title"))
            scores[name].pages.append(score)
            scores[name].cpu += reading.cpu
            per_page[name] = score
        missing = truth_misses(
            readings["newsbot"].body, readings["trafilatura"].body, real.truth["body"]
        )
        profile = profile_for_url(page.url).slug
        titles = None
        ours = readings["newsbot"].fields
        if per_page["newsbot"].title is False and ours is not None:
            names = naming_titles(real.html, page.url, [ours.get("title"), real.truth["title"]])
            titles = (
                (str(ours.get("title") or ""), names[0]),
                (str(real.truth["title"]), names[1]),
            )
        results.append(PageResult(real.name, profile, per_page, missing, titles))
        if advance is not None:
            advance(1)
    return RealEvaluation(folder, scores, results)


def naming_titles(data: bytes, url: str, titles: list[str | None]) -> list[list[str]]:
    """For each of ``titles``, which of the page's own titles name it (JSON-LD headline,
    og:title, twitter:title, <title>, the first <h1>), equal once entities are decoded and the
    site's name around it is dropped: where a title miss is two headlines the page itself gives,
    one for search engines and one for sharing, rather than a wrong reading."""
    doc = parse_html(data)
    page = read_page_meta(doc)
    h1 = next(doc.iter("h1"), None)
    named = {
        "JSON-LD headline": next((h for h in page.ld("headline") if isinstance(h, str)), None),
        "og:title": page.first("og:title"),
        "twitter:title": page.first("twitter:title"),
        "<title>": page.title,
        "<h1>": h1.text_content() if h1 is not None else None,
    }
    site = site_names(page, url)
    found: dict[str, set[str]] = {}
    for where, value in named.items():
        if value:
            text = decode_entities(value)
            for form in (text, strip_site_name(text, site)):
                found.setdefault(_norm(form), set()).add(where)
    return [[w for w in named if w in found.get(_norm(t), ())] for t in titles]


def _cell(value: float | None, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "count":
        return f"{int(value)}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.2f}×"
    return f"{value:.3f}"


def format_real_table(result: RealEvaluation) -> str:
    """The side-by-side table of one folder's real pages."""
    s = result.scores
    profiles: dict[str, int] = {}
    for page in result.pages:
        profiles[page.profile] = profiles.get(page.profile, 0) + 1
    chosen = ", ".join(f"{slug} {n}" for slug, n in sorted(profiles.items()))
    base = s["trafilatura"].cpu or 1e-9
    rows: list[tuple[str, str, dict[str, float | None]]] = [
        ("body F1 (mean)", "score", {n: s[n].mean("f1") for n in EXTRACTORS}),
        ("body precision", "score", {n: s[n].mean("precision") for n in EXTRACTORS}),
        ("body recall", "score", {n: s[n].mean("recall") for n in EXTRACTORS}),
        ("refused", "count", {n: s[n].refused for n in EXTRACTORS}),
        ("title exact", "share", {n: s[n].share("title") for n in EXTRACTORS}),
        ("publication day", "share", {n: s[n].share("day") for n in EXTRACTORS}),
        ("author set", "share", {n: s[n].share("authors") for n in EXTRACTORS}),
        ("CPU time vs trafilatura", "ratio", {n: s[n].cpu / base for n in EXTRACTORS}),
    ]
    pages = counted(len(result.pages), "real page")
    lines = [
        f"{result.folder}: {pages} (newsbot's profiles: {chosen})",
        f"{'':24}" + "".join(f"{HEADINGS[n][0]:>16}" for n in EXTRACTORS),
        f"{'':24}" + "".join(f"{HEADINGS[n][1]:>16}" for n in EXTRACTORS),
    ]
    for label, kind, values in rows:
        lines.append(f"{label:24}" + "".join(f"{_cell(values[n], kind):>16}" for n in EXTRACTORS))
    return "\n".join(lines)


def _named(where: list[str]) -> str:
    return f"(the page's {', '.join(where)})" if where else "(named nowhere on the page)"


def format_real_pages(result: RealEvaluation) -> str:
    """One line a page (``-v``): each extractor's body F1, newsbot's profile and the metadata it
    got wrong; then why newsbot refused the page, and where the truth may lack text both
    extractors found."""
    lines = [
        f"{'body F1 per page':40}" + "".join(f"{HEADINGS[n][0]:>16}" for n in EXTRACTORS),
        f"{'':40}"
        + "".join(f"{HEADINGS[n][1]:>16}" for n in EXTRACTORS)
        + "   newsbot's profile, metadata it got wrong",
    ]
    for page in result.pages:
        f1s = "".join(f"{page.scores[n].f1:>16.3f}" for n in EXTRACTORS)
        ours = page.scores["newsbot"]
        wrong = [name for name in ("title", "day", "authors") if getattr(ours, name) is False]
        lines.append(f"{page.name:40}{f1s}   {page.profile}" + "".join(f", {w}" for w in wrong))
        if ours.refused:
            lines.append(f"    newsbot refused: {ours.refused}")
        if page.titles is not None:
            (ours_title, ours_named), (truth_title, truth_named) = page.titles
            lines.append(
                f"    title: newsbot “{ours_title}” {_named(ours_named)}; "
                f"truth “{truth_title}” {_named(truth_named)}"
            )
        words, line = page.truth_missing
        if words >= TRUTH_MISS_WORDS:
            quoted = line if len(line) <= 70 else line[:69] + "…"
            lines.append(f"    truth may miss {words} words both extractors found: “{quoted}”")
    return "\n".join(lines)
