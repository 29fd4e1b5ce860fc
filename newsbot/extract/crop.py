"""Reading only the article: the parser's time goes with the bytes.

What precedes the article in the body is skipped (header, mega menus) and the parser stops
where the article element ends (footer, trailing scripts): the head and that element are all
a profile with a ``[parse] crop`` reads. Where the article ends is libxml2's decision, not a
guess about the bytes, so no part of the article can be lost to a wrong guess. JSON-LD blocks
in the skipped parts are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from newsbot.extract.decode import is_utf8

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_JSON_LD_TYPE = b"application/ld+json"
_JSON_LD = re.compile(
    rb"<script\b[^>]*application/ld\+json[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL
)


#: Bytes fed to the parser at a time past the likely end of the article.
_CHUNK = 16 * 1024


class TooManyTags(ValueError):
    """A page with more elements than anyone reads: a DOM bomb, refused before it is parsed."""

    def __init__(self, tags: int, limit: int) -> None:
        super().__init__(f"too many elements to read (about {tags} tags, more than {limit})")


def _opening_tags(data: bytes | str, limit: int) -> int:
    """Opening tags in ``data``, about (a ``<`` in a script or in text counts too), counted at C
    speed; past ``limit`` only, the closing tags are counted to be taken off (a second pass)."""
    if isinstance(data, str):
        found = data.count("<")
        return found - data.count("</") if found > limit else found
    found = data.count(b"<")
    return found - data.count(b"</") if found > limit else found


def check_tags(data: bytes | str, limit: int) -> None:
    """Raise :class:`TooManyTags` when ``data`` opens more than ``limit`` tags."""
    found = _opening_tags(data, limit)
    if found > limit:
        raise TooManyTags(found, limit)


# lxml.html's element class for every element, chosen in C. lxml.html's own lookup is a Python
# call for each element proxy (it tells form fields apart, which nothing here needs): a tenth
# of the extraction's time, trafilatura's walks over the same tree included.
HTML_LOOKUP = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
)


@cache
def _opening(tag: str, css_class: str) -> re.Pattern[bytes]:
    # <tag ... class="... css_class ..."> with the class as a whole token.
    return re.compile(
        rb"<%s\b[^>]*?\bclass\s*=\s*[\"'][^\"']*?(?<![\w-])%s(?![\w-])"
        % (re.escape(tag.encode()), re.escape(css_class.encode())),
        re.IGNORECASE,
    )


def parse_cropped(
    data: bytes,
    tag: str,
    css_class: str,
    parser_options: Mapping[str, Any],
    *,
    utf8: bool = False,
    max_tags: int | None = None,
) -> Any | None:
    """The lxml.html document of ``data`` read from its head and its first ``<tag
    class="css_class">`` element only: the same tree as parsing all of it up to that element's
    end, less the body content before the element (but its JSON-LD blocks); None when the page
    does not have the shape (no head end, or no such element) or, with ``utf8``, when what it
    reads is not valid UTF-8 (the rest is not looked at). ``parser_options``: those of an lxml
    ``HTMLParser``. ``max_tags``: what is read may open that many tags at most, or
    :class:`TooManyTags` is raised before it is parsed (what is skipped is not counted)."""
    found = _locate(data, tag, css_class)
    if found is None:
        return None
    prefix, start = found
    if utf8 and not is_utf8(prefix):
        return None
    limit = max_tags if max_tags is not None else len(data)
    tags = _opening_tags(prefix, limit)
    parser = etree.HTMLPullParser(events=("start", "end"), tag=tag, **parser_options)
    parser.set_element_class_lookup(HTML_LOOKUP)
    parser.feed(prefix)
    likely_end = _likely_end(data, tag, start)
    element: Any = None
    at = start
    while at < len(data):
        # The likely end first (the element's own end tag, found by counting), then chunks;
        # each feed ends after a ">", never inside a character or a script.
        if likely_end > at:
            stop = likely_end
        else:
            gt = data.find(b">", at + _CHUNK)
            stop = len(data) if gt < 0 else gt + 1
        stop = _past_script(data, at, stop)
        piece = data[at:stop]
        if utf8 and not is_utf8(piece):
            return None
        tags += _opening_tags(piece, limit)
        if tags > limit:
            # (A sum of upper bounds: the exact count of all that would be read decides.)
            exact = _opening_tags(prefix, 0) + _opening_tags(data[start:stop], 0)
            if exact > limit:
                raise TooManyTags(exact, limit)
        parser.feed(piece)
        at = stop
        closed = False
        for event, el in parser.read_events():
            if event == "start":
                if element is None and css_class in (el.get("class") or "").split():
                    element = el
            elif el is element:
                closed = True
        if closed:
            break
    if at < len(data) and data.find(_JSON_LD_TYPE, at) >= 0:
        scripts = b"".join(_JSON_LD.findall(data, at))
        if (not utf8 or is_utf8(scripts)) and tags + _opening_tags(scripts, limit) <= limit:
            parser.feed(scripts)
    return parser.close()


def _locate(data: bytes, tag: str, css_class: str) -> tuple[bytes, int] | None:
    """What is kept before the first ``<tag class="css_class">`` (the head, an opening
    ``<body>`` and the skipped JSON-LD blocks) and where that element starts."""
    head = _HEAD_END.search(data)
    if head is None:
        return None
    start = _find_opening(data, tag, css_class, head.end())
    if start < 0:
        return None
    # (A plain search first: the regex is slow to fail at every <script of a page without any.)
    kept_scripts = b""
    if data.find(_JSON_LD_TYPE, head.end(), start) >= 0:
        kept_scripts = b"".join(_JSON_LD.findall(data, head.end(), start))
    return data[: head.end()] + b"<body>" + kept_scripts, start


def _likely_end(data: bytes, tag: str, start: int) -> int:
    """Just past the end tag that closes the ``<tag`` opened at ``start``, counting the same
    tags opened and closed in between (scripts may fool it: the parser has the last word), or
    -1 when the count never comes back to zero."""
    opening, closing = b"<" + tag.encode(), b"</" + tag.encode()
    depth, at = 0, start
    while True:
        close = data.find(closing, at)
        if close < 0:
            return -1
        open_ = data.find(opening, at, close)
        if open_ >= 0:
            depth, at = depth + 1, open_ + len(opening)
            continue
        depth, at = depth - 1, close + len(closing)
        if depth == 0:
            end = data.find(b">", at)
            return -1 if end < 0 else end + 1


def _past_script(data: bytes, at: int, stop: int) -> int:
    """``stop``, or the end of the script it falls in: a feed (from ``at``, outside any script)
    never ends inside a script, so the JSON-LD looked for after it is whole."""
    opened = data.rfind(b"<script", at, stop)
    if opened < 0 or data.rfind(b"</script", opened, stop) >= 0:
        return min(stop, len(data))
    close = data.find(b"</script", stop)
    end = data.find(b">", close) if close >= 0 else -1
    return len(data) if end < 0 else end + 1


def _find_opening(data: bytes, tag: str, css_class: str, start: int) -> int:
    """Where the first ``<tag class="… css_class …">`` at or after ``start`` begins, or -1.

    Plain searches find the candidates: the class name (rarer than the tag: a page has dozens
    of other ``<article`` tags) and the last opening of the tag before it; the regex checks
    them. Only lowercase tags are candidates: a page that writes the tag otherwise is parsed
    whole, which is slower but loses nothing.
    """
    opening = _opening(tag, css_class)
    needle, name = b"<" + tag.encode(), css_class.encode()
    at = data.find(name, start)
    while at >= 0:
        tag_at = data.rfind(needle, start, at)
        if tag_at >= 0 and opening.match(data, tag_at):
            return tag_at
        at = data.find(name, at + len(name))
    return -1
