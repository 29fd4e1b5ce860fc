"""Where the export commands write: standard output or a file, with the one-line error exit."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

from newsbot.cli.common import fail

T = TypeVar("T")


@contextlib.contextmanager
def writing(output: Path) -> Iterator[None]:
    """A failure to write ``output`` (no such folder, no permission, disk full) ends in one
    line and exit 2."""
    try:
        yield
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def to_stdout(write: Callable[[TextIO], T]) -> T:
    """``write(sys.stdout)``, flushed; a reader that stops early (``| head``) ends the
    command quietly with exit 0."""
    try:
        result = write(sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # `newsbot export … | head` is a normal use: stop quietly, and keep Python from
        # complaining when it flushes stdout again at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    return result


def write_text(output: Path | None, write: Callable[[TextIO], T]) -> T:
    """``write`` to standard output (see :func:`to_stdout`), or to ``output`` as UTF-8,
    complete or not at all (:func:`~newsbot.export.files.replaced`)."""
    from newsbot.export.files import replaced

    if output is None:
        return to_stdout(write)
    with (
        writing(output),
        replaced(output) as partial,
        partial.open("w", encoding="utf-8", newline="") as stream,
    ):
        return write(stream)
