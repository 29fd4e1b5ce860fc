"""Bench only: run ``python -m newsbot ARGS`` under tracemalloc and dump its peak snapshot.

    python bench/_memory_trace.py SNAPSHOT_PATH newsbot crawl …

bench/memory.py ``--trace`` runs the crawler through this. Every second, when the memory
tracemalloc counts has grown past its last high, a snapshot is taken; the last one taken (the
nearest to the peak) is dumped to ``SNAPSHOT_PATH`` when the crawl ends. Only this process is
traced: the extraction workers are started by a fork server, not through this script.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
import tracemalloc


def main() -> None:
    path, module, *args = sys.argv[1:]
    tracemalloc.start(4)
    best: list[tracemalloc.Snapshot] = []
    high = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            current = tracemalloc.get_traced_memory()[0]
            if current > high[0] * 1.02:
                high[0] = current
                best[:] = [tracemalloc.take_snapshot()]

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sys.argv = [module, *args]
    sys.path.insert(0, os.getcwd())  # the checkout the bench runs in, not this folder
    started = time.monotonic()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        stop.set()
        sampler.join()
        if best:
            best[0].dump(path)
        print(
            f"traced peak {high[0] / 2**20:.1f} MiB in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
