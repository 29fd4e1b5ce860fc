"""An article body a page ships only as data for a script to render.

Pages built by JavaScript applications (Next.js, Nuxt, React Query's dehydrated state…) may
send the article's HTML inside a script, as a JSON string, and nothing in the markup: the
browser draws it. Read as markup, such a page has no article text. The longest string of
HTML paragraphs a script holds is then the body.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from newsbot.extract.decode import text_without_controls

#: A string shorter than this (characters, as written in the script) holds no article body.
_MIN_CHARS = 400
#: An article body has at least this many paragraphs.
_MIN_PARAGRAPHS = 3
# A double-quoted JavaScript/JSON string literal (the alternatives cannot overlap: linear).
_STRING = re.compile(r'"((?:[^"\\]|\\.){' + str(_MIN_CHARS) + ',})"', re.S)
# Where the application puts an advertisement or a widget when it draws the page.
_PLACEHOLDER = re.compile(r"\$\$\w+\$\$|\{\{\s*\w+\s*\}\}|%%\w+%%")
# A paragraph tag, as written or with its "<" escaped as JSON escapes it for a script.
_PARAGRAPH = re.compile(r"(?:<|\\u003[cC])p[\s>\\]")


def scripted_body(doc: Any) -> Any | None:
    """An element holding the longest HTML that a script of ``doc`` carries as a string with
    at least three paragraphs; None when no script carries one."""
    best = ""
    for script in doc.iter("script"):
        code = script.text or ""
        if len(code) < _MIN_CHARS or len(_PARAGRAPH.findall(code)) < _MIN_PARAGRAPHS:
            continue
        for match in _STRING.finditer(code):
            literal = match.group(1)
            if len(literal) <= len(best) or len(_PARAGRAPH.findall(literal)) < _MIN_PARAGRAPHS:
                continue
            try:
                value = json.loads(f'"{literal}"', strict=False)
            except ValueError:  # a JavaScript escape that JSON does not know (\x3c, \')
                continue
            if isinstance(value, str) and len(value) > len(best):
                best = value
    if not best:
        return None
    try:
        html = text_without_controls(_PLACEHOLDER.sub("", best))
        return lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
