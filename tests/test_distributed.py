"""The distributed crawl's parts against a real Redis: requests queued as JSON and nothing else
accepted, leases that bring back what a dead process took, and a local crawl that never loads
Redis at all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis_server import redis_server
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from newsbot.distributed import serializer
from newsbot.distributed.channel import Channel
from newsbot.distributed.serializer import UnsafeRequest

REPO = Path(__file__).resolve().parent.parent


class _Spider(Spider):
    name = "queued"

    def parse_article(self, response: object) -> None:
        pass

    def on_error(self, failure: object) -> None:
        pass


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def spider() -> Spider:
    crawler = get_crawler(_Spider)
    return _Spider.from_crawler(crawler)


def test_a_request_goes_through_redis_as_json_and_comes_back_whole(
    redis_url: str, spider: _Spider
) -> None:
    request = Request(
        "https://example.org/news/2026/12/07/a-story?x=1",
        callback=spider.parse_article,
        errback=spider.on_error,
        headers={"If-None-Match": '"abc"', "If-Modified-Since": "Sun, 06 Dec 2026 10:00:00 GMT"},
        meta={"newsbot_kind": "article", "newsbot_listed": {"lastmod": None, "published_at": "x"},
              "handle_httpstatus_list": [304, 404], "newsbot_depth": 1},
        priority=20,
    )  # fmt: skip
    channel = Channel(redis_url, "queued", lease_seconds=60)
    channel.clear()
    channel.push(serializer.dumps(serializer.request_document(request, spider)), request.priority)
    stored = redis.Redis.from_url(redis_url).zrange(channel.keys.requests, 0, -1)
    assert len(stored) == 1
    assert json.loads(stored[0])["url"] == request.url  # JSON a person can read, not pickle
    taken = channel.pop()
    assert taken is not None
    back = serializer.request_from_document(serializer.loads(taken[1]), spider)
    assert back.url == request.url
    assert back.callback == spider.parse_article and back.errback == spider.on_error
    assert back.headers.get("If-None-Match") == b'"abc"'
    assert back.meta["newsbot_listed"] == {"lastmod": None, "published_at": "x"}
    assert back.meta["handle_httpstatus_list"] == [304, 404]
    assert back.priority == 20
    channel.clear()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"_class": "os.system"}, "names a class"),
        ({"callback": "__init__"}, "as its callback"),
        ({"errback": "close"}, "as its callback"),
        ({"callback": "parse_nothing"}, "has no method"),
    ],
)
def test_a_queued_request_newsbot_did_not_write_is_refused_not_run(
    spider: _Spider, change: dict[str, str], why: str
) -> None:
    document = serializer.request_document(
        Request("https://example.org/a", callback=spider.parse_article), spider
    )
    document.update(change)
    with pytest.raises(UnsafeRequest, match=why):
        serializer.request_from_document(serializer.loads(serializer.dumps(document)), spider)


def test_a_pickled_request_is_refused(spider: _Spider) -> None:
    import pickle

    with pytest.raises(ValueError):
        serializer.loads(pickle.dumps({"url": "https://example.org/"}))


def test_a_request_taken_by_a_process_that_dies_comes_back_to_the_queue(redis_url: str) -> None:
    dead = Channel(redis_url, "leases", lease_seconds=0.5)
    dead.clear()
    dead.push('{"url": "https://example.org/one"}', 0)
    dead.push('{"url": "https://example.org/two"}', 0)
    first = dead.pop()
    second = dead.pop()
    assert first is not None and second is not None
    dead.release(second[0])  # finished: never comes back
    alive = Channel(redis_url, "leases", lease_seconds=60)
    back = None
    for _ in range(600):  # (its lease runs out after half a second)
        back = alive.pop()
        if back is not None:
            break
        time.sleep(0.05)
    assert back is not None and back[1] == first[1]
    assert alive.pop() is None  # the finished one is not queued again
    alive.release(back[0])
    assert not alive.busy()
    alive.clear()


def test_renewed_leases_stay_with_their_process(redis_url: str) -> None:
    worker = Channel(redis_url, "renew", lease_seconds=0.5)
    worker.clear()
    worker.push('{"url": "https://example.org/slow"}', 0)
    assert worker.pop() is not None
    other = Channel(redis_url, "renew", lease_seconds=60)
    for _ in range(20):  # two seconds of renewing: four times the lease
        worker.renew()
        assert other.pop() is None
        time.sleep(0.1)
    assert worker.leased() == 1
    worker.clear()


def test_a_local_crawl_never_imports_redis(tmp_path: Path) -> None:
    """Without NEWSBOT_REDIS_URL nothing of the distributed crawl is loaded."""
    script = (
        "import sys\n"
        "from newsbot.cli import main\n"
        "try:\n"
        "    main(['crawl', 'euronews', '--base-url', sys.argv[1], '--editions', 'en',"
        " '--archive', sys.argv[2], '--quiet', '-s', 'CLOSESPIDER_ITEMCOUNT=5'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('redis', 'scrapy_redis')"
        " or m.startswith('newsbot.distributed')]\n"
        "print('LOADED', loaded)\n"
    )
    from sitegen import DemoServer

    with DemoServer() as server:
        result = subprocess.run(
            [sys.executable, "-c", script, server.base_url, str(tmp_path / "a.db")],
            capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
        )  # fmt: skip
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
