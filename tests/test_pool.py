"""The extraction pool: real worker processes fed through pipes by an asyncio event loop."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
import zstandard

from newsbot import pool as pool_module
from newsbot.extract import Article
from newsbot.items import Capture
from newsbot.pool import ExtractionPool, WorkerError
from newsbot.worker import TIMEOUT_REASON, Done, extract_in_worker
from sitegen import DemoSite

BASE = "http://127.0.0.1:8000"
REPO = Path(__file__).resolve().parent.parent


def article_capture(site: DemoSite, index: int = 0, *, gzipped: bool = True) -> Capture:
    path = site.articles[index].path
    response = site.respond(path, BASE)
    return Capture(
        url=BASE + path,
        final_url=BASE + path,
        status=200,
        headers=list(response.headers),
        body=gzip.compress(response.body) if gzipped else response.body,
        fetched_at="2026-11-25T10:00:00+00:00",
        site="euronews",
        kind="article",
        content_encoding="gzip" if gzipped else "",
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: it only waits for its parent to read its exit code.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_give_what_extraction_in_this_process_gives(demo_site: DemoSite) -> None:
    captures = [article_capture(demo_site, i, gzipped=i % 2 == 0) for i in range(6)]

    async def run() -> list[Done]:
        pool = ExtractionPool(2)
        try:
            return await asyncio.gather(*(pool.extract(c, 20.0) for c in captures))
        finally:
            await pool.close()

    for capture, done in zip(captures, asyncio.run(run()), strict=True):
        here = extract_in_worker(capture, 0)
        assert isinstance(done.extraction, type(here.extraction))
        assert done.extraction is not None and here.extraction is not None
        assert isinstance(done.extraction.result, Article)
        assert done.extraction.result == here.extraction.result
        assert done.stored == here.stored and done.stored is not None
        assert done.stored.size == len(demo_site.respond(capture.url[len(BASE) :], BASE).body)


def test_what_the_pipes_carry_comes_back_exactly(demo_site: DemoSite) -> None:
    # Characters a text framing must escape, outside the BMP, in a page that is not UTF-8;
    # and what the crawl noted about the fetch (the body fetched last time: not extracted).
    title = 'Quote " back\\slash \u2028 tab\t \U0001f30a Größe'
    text = "<p>Ein Absatz über den Sturm, der am Dienstag den Hafen schloss.</p>" * 30
    page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{text}"
    body = (page + "</article></body></html>").encode("latin-1", "xmlcharrefreplace")
    latin = replace(
        article_capture(demo_site, gzipped=False),
        headers=[("Content-Type", "text/html; charset=iso-8859-1")],
        body=body,
        site="generic",
    )
    previous = {"newsbot_previous_sha256": hashlib.sha256(body).hexdigest()}
    seen = replace(latin, crawl_meta=previous)

    async def run() -> list[Done]:
        pool = ExtractionPool(1)
        try:
            return [await pool.extract(latin, 20.0), await pool.extract(seen, 20.0)]
        finally:
            await pool.close()

    done, revisit = asyncio.run(run())
    here = extract_in_worker(latin, 0)
    assert done.extraction is not None and isinstance(done.extraction.result, Article)
    assert done == here
    assert "\U0001f30a Größe" in done.extraction.result.title
    assert done.stored is not None and zstandard.decompress(done.stored.data) == body
    assert revisit.extraction is None and revisit.stored == done.stored


def test_a_dead_worker_costs_its_page_only_and_is_replaced(demo_site: DemoSite) -> None:
    async def run() -> tuple[list[object], int]:
        pool = ExtractionPool(2)
        await pool.extract(article_capture(demo_site), 20.0)  # both workers up
        first, second = (w.process.pid for w in pool.workers)
        for pid in (first, second):
            os.kill(pid, signal.SIGSTOP)  # the pages wait in their pipes
        jobs = [
            asyncio.ensure_future(pool.extract(article_capture(demo_site, i), 20.0))
            for i in range(6)
        ]
        await asyncio.sleep(0.2)
        os.kill(first, signal.SIGKILL)
        os.kill(second, signal.SIGCONT)
        results = await asyncio.gather(*jobs, return_exceptions=True)
        workers = len(pool.workers)
        await pool.close()
        return results, workers

    results, workers = asyncio.run(run())
    failed = [r for r in results if isinstance(r, WorkerError)]
    assert len(failed) == 1
    assert "its worker died (killed by SIGKILL)" in str(failed[0])
    assert all(isinstance(r, Done) and r.extraction for r in results if r not in failed)
    assert workers == 2  # the dead one was replaced


def test_a_worker_that_stops_answering_is_killed_and_its_page_timed_out(
    demo_site: DemoSite,
) -> None:
    async def run() -> tuple[BaseException | Done, float]:
        pool = ExtractionPool(1, grace=0.5)
        await pool.extract(article_capture(demo_site), 20.0)
        os.kill(pool.workers[0].process.pid, signal.SIGSTOP)  # its own alarm cannot fire
        started = time.monotonic()
        try:
            outcome: BaseException | Done = await pool.extract(article_capture(demo_site), 0.5)
        except WorkerError as exc:
            outcome = exc
        waited = time.monotonic() - started
        after = await pool.extract(article_capture(demo_site, 1), 20.0)
        await pool.close()
        assert after.extraction is not None
        return outcome, waited

    outcome, waited = asyncio.run(run())
    assert isinstance(outcome, WorkerError)
    assert str(outcome).startswith(TIMEOUT_REASON)
    assert waited < 5


def test_workers_that_cannot_start_fail_every_page_with_the_reason(
    demo_site: DemoSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "_WORKER_MAIN", "import sys; sys.exit(3)")

    async def run() -> list[object]:
        pool = ExtractionPool(2)
        jobs = [pool.extract(article_capture(demo_site, i), 20.0) for i in range(3)]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        results.append(await asyncio.gather(pool.extract(article_capture(demo_site), 20.0),
                                            return_exceptions=True))  # fmt: skip
        await pool.close()
        return results

    *results, later = asyncio.run(run())
    assert all(isinstance(r, WorkerError) for r in results)
    assert "no extraction worker can start (exit code 3)" in str(results[0])
    assert isinstance(later, list) and isinstance(later[0], WorkerError)


def test_closing_ends_the_workers(demo_site: DemoSite) -> None:
    async def run() -> list[int]:
        pool = ExtractionPool(2)
        await pool.extract(article_capture(demo_site), 20.0)
        pids = [w.process.pid for w in pool.workers]
        await pool.close()
        return pids

    pids = asyncio.run(run())
    assert pids and not any(alive(pid) for pid in pids)


def test_workers_started_early_and_never_used_are_ended_at_close() -> None:
    # The crawl starts its workers as the spider opens; a run with nothing to extract closes
    # them while they may still be importing.
    async def run() -> list[int]:
        pool = ExtractionPool(2)
        await pool.start()
        pids = [w.process.pid for w in pool.workers]
        await pool.close()
        return pids

    pids = asyncio.run(run())
    assert len(pids) == 2 and not any(alive(pid) for pid in pids)


def test_workers_yield_the_cpu_to_the_crawler_and_leave_it_the_terminal(
    demo_site: DemoSite,
) -> None:
    # The crawler's event loop fetches and archives for every worker, so it must win the CPU
    # when they compete. Nice values only order processes within one session (Linux shares the
    # CPU fairly between sessions, "autogroups", whatever their nice values): the workers stay
    # in the crawler's session, at a lower priority, in process groups of their own so that a
    # Ctrl-C at the terminal reaches the crawler alone.
    def autogroup(pid: int | str) -> str | None:
        # (kernels without autogroups, and some containers, give no file or an empty one)
        try:
            return next(iter(Path(f"/proc/{pid}/autogroup").read_text().split()), None)
        except OSError:
            return None

    async def run() -> list[tuple[int, int, int, str | None]]:
        pool = ExtractionPool(2)
        try:  # (two pages at once: both workers answer, both are up)
            await asyncio.gather(*(pool.extract(article_capture(demo_site), 20.0) for _ in "ab"))
            return [
                (
                    os.getsid(pid),
                    os.getpgid(pid),
                    os.getpriority(os.PRIO_PROCESS, pid),
                    autogroup(pid),
                )
                for pid in (w.process.pid for w in pool.workers)
            ]
        finally:
            await pool.close()

    workers = asyncio.run(run())
    assert len(workers) == 2
    for session, group, priority, scheduled_with in workers:
        assert session == os.getsid(0)
        assert scheduled_with == autogroup("self")
        assert priority > os.getpriority(os.PRIO_PROCESS, 0)
        assert group != os.getpgid(0)


def test_workers_die_with_a_crawler_killed_outright(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, gzip, os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_pool import article_capture
        from sitegen import DemoSite
        from newsbot.pool import ExtractionPool

        async def main():
            pool = ExtractionPool(2)
            await pool.extract(article_capture(DemoSite()), 20.0)
            print(" ".join(str(w.process.pid) for w in pool.workers), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)


def test_a_system_that_refuses_new_processes_fails_every_page_with_the_reason(
    demo_site: DemoSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(pool_module.subprocess, "Popen", refuse)

    async def run() -> list[object]:
        pool = ExtractionPool(2)
        jobs = [pool.extract(article_capture(demo_site, i), 20.0) for i in range(2)]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        await pool.close()
        return results

    results = asyncio.run(run())
    assert all(isinstance(r, WorkerError) for r in results)
    assert "cannot start an extraction worker ([Errno 24] Too many open files)" in str(results[0])
