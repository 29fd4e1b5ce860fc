"""Body text: prune the furniture from the tree, let trafilatura read what is left, clean lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from newsbot.normalize import normalize_space
from newsbot.sites import ClassIndex, Phrases, Selector, shared_phrases

# Separators that glue furniture labels together on one line ("Teilen • Kommentare").
_GLUE = r"[\s•·|:,.!/\-–—]*"
_SENTENCE_END = re.compile(r"[.!?…»\"”’)\]](?=\s|$)")
# Between agency names: "AP, dpa", "AP/Reuters", "AP und dpa".
_SOURCES_SPLIT = re.compile(r"\s*[,;/&]\s*|\s+(?:and|und|et|e|y|и|και)\s+")
#: A byline or dateline at the top of the text is at most this long.
_HEAD_LINE_MAX = 80
#: How many lines at the top of the text may be a byline or dateline.
_HEAD_LINES = 4


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True))


@cache
def _phrase_line(words: Phrases) -> re.Pattern[str]:
    return re.compile(rf"^{_GLUE}(?:(?:{_alternation(words.furniture())}){_GLUE})+$", re.IGNORECASE)


@cache
def _head_line(words: Phrases) -> re.Pattern[str]:
    # "Von Euronews", "By Jane Doe and John Roe", "Published on 28/04/2024 - 12:25"
    byline = _alternation(words["byline"])
    dateline = _alternation(words["dateline"])
    return re.compile(rf"^(?:(?:{byline})\s+\S[^.!?]*|(?:{dateline})\b.*\d.*)$", re.IGNORECASE)


@cache
def _sources_line(words: Phrases) -> re.Pattern[str]:
    labels = _alternation(words["sources"])
    return re.compile(rf"^(?:{labels})\s*[•:·\-–]\s*(.+)$", re.IGNORECASE)


@cache
def _label_lines(words: Phrases) -> re.Pattern[str]:
    # "Foto: dpa", "Lesedauer: 4 Minuten", "Reading time 3 min", "3 min read".
    credit = _alternation(words["credit"])
    reading = _alternation(words["reading_time"])
    return re.compile(
        rf"^(?:(?:{credit})\s*:\s*\S.{{0,60}}"
        rf"|(?:{reading})\s*:?\s*(?:ca\.\s*)?\d+\s*\w*\.?"
        rf"|\d+\s*\w*\.?\s+(?:{reading}))$",
        re.IGNORECASE,
    )


@cache
def _folded_phrases(words: Phrases) -> tuple[frozenset[str], int]:
    folded = frozenset(p.casefold() for p in words.furniture())
    return folded, max(len(p) for p in folded)


@cache
def _byline(words: Phrases) -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alternation(words['byline'])})\s+(\S.*)$", re.IGNORECASE)


def byline_match(text: str, words: Phrases | None = None) -> str | None:
    """The names part of a byline ("Von Euronews" → "Euronews"), else None. ``words``: the
    profile's phrases (default: the shared ones)."""
    match = _byline(words or shared_phrases()).match(text.strip())
    return match.group(1) if match and not _SENTENCE_END.search(text[-2:]) else None


def split_names(text: str) -> list[str]:
    """Names in a byline: "Jane Doe, John Roe and Ann Poe"."""
    return [n for n in _SOURCES_SPLIT.split(text) if n]


@cache
def related_headings(words: Phrases | None = None) -> frozenset[str]:
    """The related-block headings of ``words`` (default: the shared phrases), case-folded."""
    return frozenset(p.casefold() for p in (words or shared_phrases())["related"])


def has_related_heading(text: str, words: Phrases | None = None) -> bool:
    """True when a line of ``text`` is a related-block heading ("Read more", "Zum selben
    Thema"), alone or before what it introduces ("Lesen Sie auch: …")."""
    headings = related_headings(words)
    for line in text.splitlines():
        line = normalize_space(line)
        if line.rstrip(" :").casefold() in headings:
            return True
        label, colon, _ = line.partition(":")
        if colon and label.casefold() in headings:
            return True
    return False


def is_furniture_line(line: str, words: Phrases | None = None) -> bool:
    """True for a line made only of furniture phrases, alone or run together, or a picture
    credit or reading time ("Foto: dpa", "Lesedauer: 4 Minuten").

    "Diesen Artikel teilenKommentare" is furniture; "Sie teilen diesen Artikel gern" is a sentence.
    """
    stripped = line.strip()
    if not stripped:
        return False
    words = words or shared_phrases()
    folded, longest = _folded_phrases(words)
    if stripped.casefold() in folded:
        return True
    if len(stripped) <= 80 and _label_lines(words).match(stripped):
        return True  # a picture credit or a reading time
    # Runs of labels are short; a paragraph is not worth the (backtracking) pattern.
    return len(stripped) <= 3 * longest and bool(_phrase_line(words).match(stripped))


def sources_of(line: str, words: Phrases | None = None) -> list[str] | None:
    """The agencies of a sources line ("Weitere Quellen • AP, dpa" → [AP, dpa]), else None."""
    match = _sources_line(words or shared_phrases()).match(line.strip())
    if not match:
        return None
    return [s for s in _SOURCES_SPLIT.split(match.group(1)) if s]


@dataclass(frozen=True)
class CleanText:
    text: str
    sources: list[str]


def clean_lines(
    raw: str,
    *,
    duplicates: Iterable[str] = (),
    headlines: Iterable[str] = (),
    words: Phrases | None = None,
) -> CleanText:
    """Paragraphs of ``raw`` (one per line) joined by blank lines, without: furniture lines,
    a byline or dateline at the top, the sources line (returned apart), lines that repeat
    one of ``duplicates`` (the teaser, or a cut-off copy of it) and, at the top, a line that
    is one of ``headlines`` (the page's titles) with or without a kicker before it ("Kollaps
    der Silicon Valley Bank US-Notenbank räumt …") — never a sentence that merely mentions
    sharing. ``words``: the profile's phrases (default: the shared ones)."""
    words = words or shared_phrases()
    dupes = {d.casefold() for d in duplicates if d}
    heads = {k for k in (word_key(h) for h in headlines) if len(k) >= _HEADLINE_KEY}
    kept: list[str] = []
    sources: list[str] = []
    for line in (normalize_space(line) for line in raw.splitlines()):
        if not line or is_furniture_line(line, words):
            continue
        folded = line.casefold()
        cut_short = not _SENTENCE_END.search(line[-2:])
        if folded in dupes or (cut_short and _prefix_of_any(folded, dupes)):
            continue
        if (
            len(kept) < _HEAD_LINES
            and len(line) <= _HEAD_LINE_MAX
            and _head_line(words).match(line)
        ):
            continue
        if len(kept) < _HEAD_LINES and heads and _repeats_headline(line, heads):
            continue
        found = sources_of(line, words)
        if found is not None:
            sources.extend(found)
            continue
        kept.append(line)
    return CleanText("\n\n".join(kept), sources)


#: A headline is matched from this many letters on; a kicker before it is this long at most.
_HEADLINE_KEY = 15
_KICKER_MAX = 60
_NON_WORD = re.compile(r"\W+")


def word_key(text: str) -> str:
    """``text`` as a key that ignores case, spaces and punctuation: its letters and digits."""
    return _NON_WORD.sub("", text).casefold()


def _repeats_headline(line: str, heads: set[str]) -> bool:
    longest = max(map(len, heads)) + _KICKER_MAX
    # A paragraph's key is longer than any headline with a kicker: its end tells (the key of a
    # line's end is never longer than the key of the whole line).
    if len(line) > 2 * longest and len(word_key(line[-2 * longest :])) > longest:
        return False
    key = word_key(line)
    return any(key.endswith(h) and len(key) - len(h) <= _KICKER_MAX for h in heads)


def _prefix_of_any(line: str, texts: set[str]) -> bool:
    return len(line) >= 40 and any(t.startswith(line) for t in texts)


def standfirst_line(raw: str, descriptions: Iterable[str]) -> str | None:
    """A paragraph near the top that the (cut) meta description begins: the page's standfirst,
    shown whole where no markup names it."""
    stems = [normalize_space(d).rstrip(" .…") for d in descriptions]
    stems = [s for s in stems if len(s) >= 40]
    for line in [normalize_space(line) for line in raw.splitlines() if line.strip()][:8]:
        if any(line.startswith(stem) and len(line) > len(stem) for stem in stems):
            return line
    return None


def filter_lines(text: str) -> str:
    """Paragraphs of ``text`` (one per line) without furniture lines, joined by blank lines."""
    return clean_lines(text).text


def whole_teaser(candidates: Iterable[str]) -> list[str]:
    """Teaser candidates from meta tags, each made whole: a description cut short by the site
    is completed from a longer candidate that starts with it, or else cut back to its last
    complete sentence (never ending mid-word). Candidates with no complete sentence are left
    out."""
    values = [normalize_space(c) for c in candidates if c and c.strip()]
    out = []
    for value in values:
        if _SENTENCE_END.search(value[-2:]):
            out.append(value)
            continue
        longer = [v for v in values if len(v) > len(value) and v.startswith(value.rstrip("…. "))]
        if longer:
            out.append(max(longer, key=len))
            continue
        ends = list(_SENTENCE_END.finditer(value))
        if ends:
            out.append(value[: ends[-1].end()].strip())
    return out


def prune(
    root: Any, selectors: Iterable[Selector], index: ClassIndex | None = None, within: Any = None
) -> int:
    """Remove every element matching ``selectors`` under ``root`` from the tree (keeping the
    text after it). ``index`` (of ``root``, built before any change to the tree) answers simple
    selectors; with ``within``, only matches inside that element of ``root`` go.

    A match that holds most of the text (more than half of what ``within``, or ``root``,
    holds) is spared, as trafilatura spares a pruning rule that would empty the page: a
    furniture selector that matches the article (a template changed, a class reused) must not
    turn an article into "no article text". Returns how many matches were spared.
    """
    selectors = tuple(selectors)
    if index is not None and index.root is root and all(s.chains is not None for s in selectors):
        matches = [el for s in selectors for el in s.select(root, index)]
        if within is not None:
            inside = set(within.iter())
            matches = [el for el in matches if el in inside]
    else:
        matches = union_xpath(selectors)(within if within is not None else root)
    if not matches:
        return 0
    half = len((within if within is not None else root).text_content()) / 2
    spared = 0
    for el in matches:
        if el.getparent() is None:
            continue
        if half and len(el.text_content()) > half:
            spared += 1
            continue
        el.drop_tree()
    return spared


#: A list is one of links when this share of its text (at least) is link text, in every item
#: ("US-Politik: <a>Alle Entwicklungen im Newsblog</a>": a label before a link still is).
_LINKED_SHARE = 0.6
_LISTS = etree.XPath("/html/body//ul | /html/body//ol")


def drop_link_lists(root: Any, words: Phrases | None = None) -> bool:
    """Remove the lists of ``root`` whose every item is a link and little more ("- Headline of
    another article", teasers of the site's other stories, a menu): on pages without body
    markup, what such a list says is never the article's own text. A list under a related
    heading ("Read more") stays, for its links to be read as related ones first: True when
    there is such a list."""
    labelled = False
    for lst in list(_LISTS(root)):
        if lst.getparent() is None:
            continue  # inside a list already removed
        items = [li for li in lst if li.tag == "li"]
        # (The whole list first: most lists fail there, at a tenth of the cost.)
        if len(items) < 2 or not _mostly_linked(lst):
            continue
        if not all(_mostly_linked(li) for li in items):
            continue
        if _under_related_heading(lst, words):
            labelled = True
            continue
        lst.drop_tree()
    return labelled


def _under_related_heading(el: Any, words: Phrases | None) -> bool:
    """Whether the element just before ``el`` (or before its wrapper) is a related heading."""
    for node in (el, el.getparent()):
        before = node.getprevious() if node is not None else None
        if before is not None and isinstance(before.tag, str):
            text = normalize_space(before.text_content()).rstrip(" :").casefold()
            if text in related_headings(words):
                return True
    return False


def _mostly_linked(el: Any) -> bool:
    linked = sum(len(normalize_space(a.text_content())) for a in el.iter("a"))
    if not linked:
        return False
    return linked >= _LINKED_SHARE * len(normalize_space(el.text_content()))


@cache
def union_xpath(selectors: tuple[Selector, ...]) -> etree.XPath:
    """One XPath for all ``selectors``: libxml2 walks the tree once per call, not per selector."""
    return etree.XPath(" | ".join(s.xpath.path for s in selectors) or "self::node()[false()]")


@cache
def trafilatura_options(whole_page: bool) -> Extractor:
    """The options newsbot hands trafilatura: for a whole page, or for an article body already
    cut out (shared, never to be changed: copy them first). ``newsbot eval`` runs plain
    trafilatura with the whole-page ones too."""
    # Built once: building them reads trafilatura's configuration each time (a tenth of its
    # time on an article body). trafilatura itself copies options before changing any.
    if whole_page:
        return Extractor(comments=False, tables=True, dedup=False)
    return Extractor(fast=True, comments=False, tables=True, images=False, dedup=False)


def body_text(container: Any, url: str, *, whole_page: bool) -> str:
    """The text trafilatura reads under ``container``, one paragraph per line.

    ``whole_page`` hands trafilatura the tree with its own boilerplate detection (the generic
    profile, or a page without the site's body markup); otherwise the container is already the
    article body and trafilatura only turns it into clean text.
    """
    options = copy(trafilatura_options(whole_page))
    options.url = options.source = url
    if whole_page:
        tree = container
    else:
        # The body inside an <article>: trafilatura reads the subheadings of an article, not
        # those of a plain <div> (it takes them for the headings of page sections).
        # Made by the container's own parser: its element classes are chosen in C (see
        # crop.HTML_LOOKUP), lxml.html's are a Python call for every element trafilatura visits.
        tree = container.makeelement("html")
        body = container.makeelement("body")
        article = container.makeelement("article")
        tree.append(body)
        body.append(article)
        article.append(container)
    return trafilatura.extract(tree, options=options) or ""
