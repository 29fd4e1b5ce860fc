"""The batch commands' worker pool (newsbot reextract, newsbot import warc): real worker
processes fed chunks of pages through pipes, no event loop, no pickle."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest
from test_pool import alive, article_capture

from newsbot import batch as batch_module
from newsbot.batch import BatchPool, PoolError, WorkerError
from newsbot.demo import DemoSite
from newsbot.frames import ChunkDone, import_job, read_chunk
from newsbot.importing import prepare_chunk
from newsbot.worker import TIMEOUT_REASON


def chunk(site: DemoSite, first: int, count: int = 2) -> bytes:
    captures = [article_capture(site, first + i, gzipped=False) for i in range(count)]
    return import_job([(capture, None, True) for capture in captures], 20.0)


def answers(pool: BatchPool, ticket: batch_module.Ticket) -> list[ChunkDone]:
    found = read_chunk(*pool.result(ticket))
    assert isinstance(found, list)
    return found


def test_workers_prepare_and_extract_what_this_process_would(demo_site: DemoSite) -> None:
    captures = [article_capture(demo_site, i, gzipped=False) for i in range(5)]
    jobs = [None, *((capture, None, True) for capture in captures[:4]), (captures[4], None, False)]
    with BatchPool(2) as pool:
        tickets = [pool.submit(import_job(jobs[i : i + 2], 20.0), 2, 20.0) for i in (0, 2, 4)]
        found = [done for ticket in tickets for done in answers(pool, ticket)]
    assert found == prepare_chunk(jobs, 20.0)
    assert found[0] == (None, None)  # a revisit: nothing to do
    for capture, (stored, _) in zip(captures, found[1:], strict=True):
        assert stored is not None and stored.sha256 == hashlib.sha256(capture.body).hexdigest()
    assert all(new is not None and new.article is not None for _, new in found[1:5])
    assert found[5][1] is None  # not to extract: its body prepared only


def test_a_dead_worker_costs_its_chunk_only_and_is_replaced(demo_site: DemoSite) -> None:
    with BatchPool(1) as pool:
        answers(pool, pool.submit(chunk(demo_site, 0), 2, 20.0))  # it is up
        lost = pool.submit(chunk(demo_site, 2), 2, 20.0)
        behind = pool.submit(chunk(demo_site, 4), 2, 20.0)
        pool.workers[0].process.kill()
        with pytest.raises(WorkerError, match=r"its worker died \(killed by SIGKILL\)"):
            pool.result(lost)
        assert all(new and new.article for _, new in answers(pool, behind))


def test_a_worker_that_stops_answering_is_killed_and_its_chunk_timed_out(
    demo_site: DemoSite,
) -> None:
    with BatchPool(1, grace=0.5) as pool:
        answers(pool, pool.submit(chunk(demo_site, 0), 2, 20.0))
        os.kill(pool.workers[0].process.pid, signal.SIGSTOP)  # its own alarm cannot fire
        stuck = pool.submit(chunk(demo_site, 2), 2, 0.25)
        with pytest.raises(WorkerError) as failed:
            pool.result(stuck)
        assert str(failed.value).startswith(TIMEOUT_REASON)
        assert all(
            new and new.article
            for _, new in answers(pool, pool.submit(chunk(demo_site, 4), 2, 20.0))
        )


def test_workers_that_cannot_start_fail_the_command(
    demo_site: DemoSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_module, "_WORKER_MAIN", "import sys; sys.exit(3)")
    with BatchPool(2) as pool:
        tickets = [pool.submit(chunk(demo_site, i), 2, 20.0) for i in (0, 2, 4)]
        for ticket in tickets:
            with pytest.raises(PoolError, match=r"no worker can start \(exit code 3\)"):
                pool.result(ticket)


def test_no_worker_outlives_an_interrupted_command(demo_site: DemoSite) -> None:
    with pytest.raises(KeyboardInterrupt), BatchPool(2) as pool:
        pids = [worker.process.pid for worker in pool.workers]
        pool.submit(chunk(demo_site, 0), 2, 20.0)
        raise KeyboardInterrupt
    assert not any(alive(pid) for pid in pids)


def test_no_worker_outlives_a_finished_command(demo_site: DemoSite) -> None:
    with BatchPool(2) as pool:
        pids = [worker.process.pid for worker in pool.workers]
        answers(pool, pool.submit(chunk(demo_site, 0), 2, 20.0))
    assert not any(alive(pid) for pid in pids)
