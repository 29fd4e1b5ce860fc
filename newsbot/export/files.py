"""Files an export writes: complete or absent, never half-written under their final name."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replaced(output: Path) -> Iterator[Path]:
    """Yield the path to write ``output`` at (``OUTPUT.part`` beside it); when the block ends
    without an error it becomes ``output`` (replacing any file there), otherwise it is removed
    and the error goes on. A failed or interrupted export never leaves a truncated file that
    looks complete."""
    partial = output.with_name(output.name + ".part")
    try:
        yield partial
        partial.replace(output)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
