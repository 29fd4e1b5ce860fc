"""Inside a batch worker (:mod:`newsbot.batch` starts them): answer each chunk of a
``newsbot reextract`` or ``newsbot import warc`` with what was made of its pages.

A module of its own so that the pool (:mod:`newsbot.batch`), which the commands import, does not
import the commands' own code back.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

from newsbot.frames import ChunkDone, FrameError


def main() -> None:
    """A batch worker: ``python -c ... PARENT_PID [ARCHIVE]`` (started by ``BatchPool``)."""
    from newsbot.worker import init_worker, own_pipes

    init_worker(int(sys.argv[1]))
    serve(*own_pipes(), sys.argv[2] if len(sys.argv) > 2 else "")


def serve(jobs: BinaryIO, results: BinaryIO, path: str) -> None:
    """Answer each chunk with what was made of its pages (or why it failed), in order, until
    the chunks end. ``path``: the archive whose stored captures a ``reextract`` chunk names."""
    from newsbot.archive import Archive
    from newsbot.frames import (
        READY_FRAME,
        chunk_frame,
        error_frame,
        read_reextract_job,
        read_warc_job,
    )
    from newsbot.importing import piece_answer, read_range
    from newsbot.reextract import extract_chunk
    from newsbot.worker import read_frame, send

    send(results, READY_FRAME)
    archive = None
    while (frame := read_frame(jobs)) is not None:
        document, _ = frame
        try:
            if archive is None and path:
                archive = Archive.open(path, readonly=True)
            if "reextract" in document:
                ids, seconds = read_reextract_job(document)
                assert archive is not None
                done: list[ChunkDone] = [(None, r) for r in extract_chunk(archive, ids, seconds)]
                answer = chunk_frame(done)
            else:
                job, seconds = read_warc_job(document)
                answer = piece_answer(read_range(job, archive, seconds))
        except FrameError as exc:
            print(f"newsbot worker: {exc}", file=sys.stderr)
            return
        except Exception as exc:  # the chunk fails, the worker goes on
            answer = error_frame(f"extraction failed: {type(exc).__name__}: {exc}")
        send(results, answer)
