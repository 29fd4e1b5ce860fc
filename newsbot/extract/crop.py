"""Skipping the page chrome before the article: the parser's time goes with the bytes.

Only what precedes the article is dropped (header, mega menus): everything from the article's
opening tag to the end of the page is kept, so no part of the article can be lost to a wrong
guess about where it ends. JSON-LD blocks found in the dropped part are kept too.
"""

from __future__ import annotations

import re
from functools import cache

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_JSON_LD = re.compile(
    rb"<script\b[^>]*application/ld\+json[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL
)


@cache
def _opening(tag: str, css_class: str) -> re.Pattern[bytes]:
    # <tag ... class="... css_class ..."> with the class as a whole token.
    return re.compile(
        rb"<%s\b[^>]*?\bclass\s*=\s*[\"'][^\"']*?(?<![\w-])%s(?![\w-])"
        % (re.escape(tag.encode()), re.escape(css_class.encode())),
        re.IGNORECASE,
    )


def crop_before(data: bytes, tag: str, css_class: str) -> bytes | None:
    """``data`` without the body content that precedes the first ``<tag class="css_class">``,
    or None when the page does not have the shape (no head end, or no such element)."""
    head = _HEAD_END.search(data)
    if head is None:
        return None
    start = _find_opening(data, tag, css_class, head.end())
    if start < 0:
        return None
    skipped = data[head.end() : start]
    # (A plain search first: the regex is slow to fail at every <script of a page without any.)
    kept_scripts = b"".join(_JSON_LD.findall(skipped)) if b"ld+json" in skipped else b""
    return data[: head.end()] + b"<body>" + kept_scripts + data[start:]


def _find_opening(data: bytes, tag: str, css_class: str, start: int) -> int:
    """Where the first ``<tag class="… css_class …">`` at or after ``start`` begins, or -1.

    Plain searches find the candidates (the regex alone is slow to reject the dozens of other
    ``<article`` tags of a page), the regex checks them. Only lowercase tags are candidates: a
    page that writes the tag otherwise is parsed whole, which is slower but loses nothing.
    """
    opening = _opening(tag, css_class)
    needle, name = b"<" + tag.encode(), css_class.encode()
    at = data.find(needle, start)
    while at >= 0:
        end = data.find(b">", at)
        if end < 0:
            return -1
        if name in data[at:end] and opening.match(data, at):
            return at
        at = data.find(needle, end)
    return -1
