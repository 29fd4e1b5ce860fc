"""Whitespace as readers and tokenizers expect it: one plain space between words.

No-break spaces (French « … », "1 800") fold into plain spaces too: trafilatura does so for the
body text, and titles and teasers follow the same rule so that every field reads alike.
"""

from __future__ import annotations


def normalize_space(text: str) -> str:
    """``text`` with each run of whitespace (no-break spaces included) as one plain space."""
    return " ".join(text.split())
