"""The one flat name ``Archive`` had before its parts that a caller outside the archive still
uses: ``archive.iter_captures`` in bench/reextract.py (issue 14). It forwards to the part that
does the work; new code calls the part (``archive.captures.iter(…)``). Delete this module, and
its mixin from :class:`~newsbot.archive.db.Archive`, once ``git grep`` finds no caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsbot.archive.captures import Captures
    from newsbot.items import Capture


class LegacyCalls:
    """The old flat names still called, each forwarding to its part of the archive."""

    captures: Captures

    def iter_captures(
        self, *, kind: str | None = None, site: str | None = None, status: int | None = None
    ) -> Iterator[Capture]:
        """:meth:`Captures.iter <newsbot.archive.captures.Captures.iter>`."""
        return self.captures.iter(kind=kind, site=site, status=status)
