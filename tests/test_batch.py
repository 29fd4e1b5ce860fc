"""The batch commands' worker pool (newsbot reextract, newsbot import warc): real worker
processes fed chunks of pages through pipes, no event loop, no pickle."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import signal
from pathlib import Path

import pytest
from test_pool import alive, article_capture

from newsbot import batch as batch_module
from newsbot.batch import BatchPool, PoolError, WorkerError
from newsbot.frames import WarcJob, read_piece, warc_job
from newsbot.importing import Entry, read_range
from newsbot.warc.export import KIND_HEADER, SITE_HEADER
from newsbot.worker import TIMEOUT_REASON
from sitegen import DemoSite


def _warc(site: DemoSite, directory: Path) -> tuple[Path, list[int]]:
    """A WARC.gz of the demo's first ten articles (the sixth marked as a page that is not an
    article, then a revisit of the first), and where each record starts (and the file ends)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = directory / "pages.warc.gz"
    offsets = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for index in range(10):
            capture = article_capture(site, index, gzipped=False)
            http = StatusAndHeaders("200 OK", capture.headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                capture.url, "response", payload=io.BytesIO(capture.body), http_headers=http
            )
            record.rec_headers.add_header(SITE_HEADER, "euronews")
            record.rec_headers.add_header(KIND_HEADER, "page" if index == 5 else "article")
            offsets.append(out.tell())
            writer.write_record(record)
        first = article_capture(site, 0, gzipped=False)
        http = StatusAndHeaders("200 OK", first.headers, protocol="HTTP/1.1")
        offsets.append(out.tell())
        writer.write_record(
            writer.create_revisit_record(
                first.url, "sha1:" + "A" * 32, first.url, "", http_headers=http
            )
        )
        offsets.append(out.tell())
    return path, offsets


@pytest.fixture
def pages(demo_site: DemoSite, tmp_path: Path) -> tuple[Path, list[int]]:
    return _warc(demo_site, tmp_path)


def job(pages: tuple[Path, list[int]], first: int, count: int = 2) -> WarcJob:
    """The records ``first`` to ``first + count`` of ``pages``."""
    path, offsets = pages
    return WarcJob(str(path), offsets[first], offsets[first + count], True, None, {})


def chunk(pages: tuple[Path, list[int]], first: int, count: int = 2) -> bytes:
    return warc_job(job(pages, first, count), 20.0)


def answers(pool: BatchPool, ticket: batch_module.Ticket) -> list[Entry]:
    found = read_piece(*pool.result(ticket))
    assert not isinstance(found, str)
    return found[3]


def test_workers_read_prepare_and_extract_what_this_process_would(
    demo_site: DemoSite, pages: tuple[Path, list[int]]
) -> None:
    # Ranges that start anywhere: each finds its first record, the records are each read once.
    path, offsets = pages
    cuts = [0, offsets[2] - 100, offsets[5] + 1, offsets[9], offsets[-1]]
    jobs = [
        WarcJob(str(path), start, end, start == 0, None, {})
        for start, end in itertools.pairwise(cuts)
    ]
    with BatchPool(2) as pool:
        tickets = [pool.submit(warc_job(one, 20.0), 2, 20.0) for one in jobs]
        found = [entry for ticket in tickets for entry in answers(pool, ticket)]
    assert found == [entry for one in jobs for entry in read_range(one, None, 20.0).entries]
    assert len(found) == 11
    for index, (capture, stored, new) in enumerate(found[:10]):
        body = article_capture(demo_site, index, gzipped=False).body
        assert stored is not None and stored.sha256 == hashlib.sha256(body).hexdigest()
        assert capture.body == b""  # (stored holds it)
        if index == 5:
            assert new is None  # not an article: its body prepared only
        else:
            assert new is not None and new.article is not None
    revisit, stored, new = found[10]
    assert revisit.crawl_meta["revisit"] and stored is None and new is None  # the archive's body


def test_a_dead_worker_costs_its_chunk_only_and_is_replaced(pages: tuple[Path, list[int]]) -> None:
    with BatchPool(1) as pool:
        answers(pool, pool.submit(chunk(pages, 0), 2, 20.0))  # it is up
        lost = pool.submit(chunk(pages, 2), 2, 20.0)
        behind = pool.submit(chunk(pages, 6), 2, 20.0)
        pool.workers[0].process.kill()
        with pytest.raises(WorkerError, match=r"its worker died \(killed by SIGKILL\)"):
            pool.result(lost)
        assert all(new and new.article for _, _, new in answers(pool, behind))


def test_a_worker_that_stops_answering_is_killed_and_its_chunk_timed_out(
    pages: tuple[Path, list[int]],
) -> None:
    with BatchPool(1, grace=0.5) as pool:
        answers(pool, pool.submit(chunk(pages, 0), 2, 20.0))
        os.kill(pool.workers[0].process.pid, signal.SIGSTOP)  # its own alarm cannot fire
        stuck = pool.submit(chunk(pages, 2), 2, 0.25)
        with pytest.raises(WorkerError) as failed:
            pool.result(stuck)
        assert str(failed.value).startswith(TIMEOUT_REASON)
        assert all(
            new and new.article
            for _, _, new in answers(pool, pool.submit(chunk(pages, 6), 2, 20.0))
        )


def test_workers_that_cannot_start_fail_the_command(
    pages: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_module, "_WORKER_MAIN", "import sys; sys.exit(3)")
    with BatchPool(2) as pool:
        tickets = [pool.submit(chunk(pages, i), 2, 20.0) for i in (0, 2, 4)]
        for ticket in tickets:
            with pytest.raises(PoolError, match=r"no worker can start \(exit code 3\)"):
                pool.result(ticket)


def test_no_worker_outlives_an_interrupted_command(pages: tuple[Path, list[int]]) -> None:
    with pytest.raises(KeyboardInterrupt), BatchPool(2) as pool:
        pids = [worker.process.pid for worker in pool.workers]
        pool.submit(chunk(pages, 0), 2, 20.0)
        raise KeyboardInterrupt
    assert not any(alive(pid) for pid in pids)


def test_no_worker_outlives_a_finished_command(pages: tuple[Path, list[int]]) -> None:
    with BatchPool(2) as pool:
        pids = [worker.process.pid for worker in pool.workers]
        answers(pool, pool.submit(chunk(pages, 0), 2, 20.0))
    assert not any(alive(pid) for pid in pids)
