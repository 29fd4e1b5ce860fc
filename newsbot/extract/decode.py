"""Bytes to text by evidence: a BOM, then valid UTF-8, then the page's own declaration."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that text never holds (tab, newlines, form feed and carriage return excepted).
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
# Characters lxml parses into a tree but refuses when the tree is edited (a pruned element's
# tail joined to its parent's text): the controls other than tab, line feed and carriage
# return. Browsers show none of them; a form feed is whitespace in HTML.
_INVISIBLE_BYTES = bytes([*range(9), 11, *range(14, 32)])
_FORM_FEED = bytes.maketrans(b"\x0c", b" ")
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.I)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(content_type: str | None) -> str | None:
    """The charset of a Content-Type header value, if it names a known codec."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _codec(match.group(1)) if match else None


def _bom(data: bytes) -> tuple[bytes, str] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return bom, codec
    return None


def _candidates(data: bytes, content_type: str | None) -> list[str]:
    """The codecs a page without a BOM may be in, most trusted first.

    UTF-8 comes first whatever the page declares: text in a single-byte charset (Latin-1,
    Windows-1252) almost never forms valid UTF-8 sequences, while pages that declare
    iso-8859-1 and are UTF-8 in truth are common. Only the 7-bit ISO-2022 codecs, whose
    bytes are all valid UTF-8, are trusted before it.
    """
    declared = [declared_charset(content_type)]
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared.append(_codec(match.group(1).decode("ascii", "replace")))
    stateful = [n for n in declared if n is not None and n.startswith("iso2022")]
    names = [*stateful, "utf-8", *declared]
    # Without a BOM, UTF-16 and UTF-32 declarations are lies in practice.
    return [n for n in names if n is not None and not n.startswith(("utf-16", "utf-32"))]


def first_codec(data: bytes, content_type: str | None = None) -> tuple[str, bool]:
    """The codec :func:`decode_html` tries first for ``data``, and whether it holds without
    looking at the rest of the bytes (a BOM says so) or only if they decode cleanly."""
    bom = _bom(data)
    if bom is not None:
        return bom[1], True
    return _candidates(data, content_type)[0], False


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM first, then UTF-8 if the bytes are valid UTF-8, then the HTTP
    charset, then ``<meta charset>``.

    A declaration is a hint, not a fact: pages labelled iso-8859-1 are often UTF-8 and pages
    labelled UTF-8 often Latin-1 in truth. A declaration that does not decode cleanly is not
    trusted; the last resort is Windows-1252, which never fails. Returns the codec's name and
    the text.
    """
    bom = _bom(data)
    if bom is not None:
        return bom[1], data[len(bom[0]) :].decode(bom[1], errors="replace")
    for name in _candidates(data, content_type):
        try:
            return name, data.decode(name)
        except UnicodeDecodeError:
            continue
    return "cp1252", data.decode("cp1252", errors="replace")


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (ASCII is, and is told apart much faster)."""
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def looks_binary(data: bytes) -> bool:
    """True for content that is clearly not text (NUL bytes or mostly control bytes up front).
    A stray NUL byte in a page (a template bug) leaves it text: it takes more than one NUL in
    every 200 bytes, as UTF-16 without its BOM or an image or archive has."""
    head = data[:2048]
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.count(0) > max(1, len(head) // 200):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 10


def without_controls(data: bytes) -> bytes:
    """UTF-8 (or ASCII-compatible) ``data`` without the control characters no reader sees and
    lxml cannot hold as text (a form feed becomes a space). Never for UTF-16 or UTF-32 bytes."""
    return data.translate(_FORM_FEED, _INVISIBLE_BYTES)


def text_without_controls(text: str) -> str:
    """:func:`without_controls` for decoded text."""
    return _INVISIBLE.sub("", text).replace("\x0c", " ")
