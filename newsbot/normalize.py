"""Whitespace as readers and tokenizers expect it: one plain space between words.

No-break spaces (French « … », "1 800") fold into plain spaces too: trafilatura does so for the
body text, and titles and teasers follow the same rule so that every field reads alike.
"""

from __future__ import annotations

import re

# Control characters a page may carry (a NUL from a template bug, a JSON-LD "\u0000") that no
# reader sees: browsers drop them. Tab, newlines, form feed, carriage return and the separators
# 0x1c-0x1f count as whitespace already.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f]+")


def normalize_space(text: str) -> str:
    """``text`` with each run of whitespace (no-break spaces included) as one plain space, and
    without control characters."""
    return " ".join(_CONTROLS.sub("", text).split())
