"""Turning what a user typed into an FTS5 query that cannot fail on syntax.

FTS5 has its own query language (``AND``/``OR``/``NOT``, ``"phrases"``, ``prefix*``,
``column:term``). A query is first tried as written so those work; when SQLite rejects it, the
archive retries with :func:`as_terms`, which every query survives.
"""

from __future__ import annotations


def as_terms(query: str) -> str:
    """``query`` as plain FTS5 terms: each whitespace-separated word quoted as a string.

    Operators and punctuation lose their meaning (``AND OR`` looks for the words "and" and
    "or"; ``"unbalanced`` for "unbalanced"), so the result is always valid FTS5 syntax.
    Empty when ``query`` has no words.
    """
    words = (word.replace('"', "") for word in query.split())
    return " ".join(f'"{word}"' for word in words if word)
