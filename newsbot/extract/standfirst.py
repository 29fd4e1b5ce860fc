"""The standfirst of a page without a profile: shown apart from the body, or not at all.

A teaser is the page's standfirst only when the page shows one of its own: a paragraph its meta
description repeats, which the body text does not already hold. A description that the body's
lead paragraph repeats leaves the lead in the text (it is the body's, not a teaser), and a
description the page never shows is not a standfirst either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from newsbot.extract.text import whole_teaser
from newsbot.normalize import normalize_space

#: A description shorter than this is a slogan or a label, not a standfirst.
_MIN_CHARS = 40
#: Characters of the description looked for in the page's text nodes.
_NEEDLE_CHARS = 30
#: How many times the description's length the element showing it may be (a standfirst,
#: not a whole article column that happens to begin with it).
_MAX_GROWTH = 3
_BLOCKS = frozenset(
    {"p", "div", "h2", "h3", "h4", "section", "header", "li", "span", "strong", "b", "em"}
)
_TEXT_WITH = etree.XPath(
    "/html/body//text()[contains(., $needle)]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    " or ancestor::figcaption)]"
)


def _stem(description: str) -> str:
    return normalize_space(description).rstrip(" .…")


def shown_standfirst(
    doc: Any, text: str, descriptions: Iterable[str], *, cuts: bool = False
) -> str:
    """The standfirst ``doc`` shows apart from its body: the text of the element a meta
    description repeats (whole, also when the description is cut short), unless that element
    is the first of the body's own paragraphs; "" when the page does not show one.
    ``text``: the body text read so far (one paragraph per line). ``cuts``: the site cuts its
    descriptions short without saying so (else only a trailing ellipsis says a text is cut)."""
    flat = normalize_space(text)
    # (Pages repeat one description in three tags: each is looked for once.)
    for stem in dict.fromkeys(_stem(d) for d in descriptions):
        if len(stem) < _MIN_CHARS:
            continue
        shown = _showing(doc, stem)
        if shown is None:
            if stem[: _NEEDLE_CHARS * 2] in flat:
                return ""  # the text holds it, the page shows it in no element of its own
            continue
        if _among_paragraphs(shown):
            return ""  # the body's own lead paragraph
        text = normalize_space(shown.text_content())
        cut = text.endswith(("…", "...")) or (cuts and len(text.rstrip(" .…")) <= len(stem))
        if cut:
            # The page shows the description cut short ("… a trial that pa…"): the
            # standfirst is its whole sentences.
            return next(iter(whole_teaser([text])), "")
        return text
    return ""


def _showing(doc: Any, stem: str) -> Any | None:
    """The smallest block element whose text begins with ``stem``, or None."""
    needle = stem[:_NEEDLE_CHARS]
    for node in _TEXT_WITH(doc, needle=needle):
        el = node.getparent()
        while el is not None and el.tag not in _BLOCKS:
            el = el.getparent()
        while el is not None:
            shown = normalize_space(el.text_content())
            if len(shown) > _MAX_GROWTH * len(stem):
                break
            if shown.startswith(stem):
                return el
            el = el.getparent()
    return None


def _among_paragraphs(el: Any) -> bool:
    """Whether ``el`` is a paragraph beside other paragraphs of prose: the body's lead."""
    if el.tag != "p":
        return False
    return any(
        len(normalize_space(p.text_content())) >= _MIN_CHARS for p in el.itersiblings("p")
    ) or any(
        len(normalize_space(p.text_content())) >= _MIN_CHARS
        for p in el.itersiblings("p", preceding=True)
    )
