"""The coordinator as the single writer: what the nodes send through the results stream goes
into the archive by the same call as the coordinator's own pages, and what they discovered
through its frontier, which queues what is due. A message is acknowledged (and removed) only
once written, so a writer killed at any moment finds what it had not committed in Redis when
it starts again.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsbot.crawl.frontier import FrontierMiddleware
from newsbot.crawl.outcomes import Refusal
from newsbot.crawl.sink import sink_of
from newsbot.distributed import serializer
from newsbot.distributed.channel import Channel
from newsbot.distributed.messages import read_capture, read_refusal
from newsbot.frames import FrameError
from newsbot.items import Capture

logger = logging.getLogger(__name__)

#: Messages read from the stream at a time (each written before the next are read).
BATCH = 50


class Writer:
    """Drains the results stream of ``channel`` into the crawl's archive."""

    def __init__(self, crawler: Crawler, channel: Channel) -> None:
        self.crawler = crawler
        self.channel = channel

    def drain(self) -> int:
        """Write what the stream holds, up to :data:`BATCH` messages; how many there were.
        A page is acknowledged as soon as it is saved (a writer killed in between saves it
        again when it restarts: a second capture, never a second article); discoveries once
        the frontier has recorded them, together."""
        entries = self.channel.read(BATCH)
        requests: list[Request] = []
        gated: list[str] = []
        for ident, fields in entries:
            try:
                request = self._write(fields)
            except (FrameError, serializer.UnsafeRequest, ValueError, KeyError) as exc:
                logger.error("refused a message from a node: %s", exc)
                request = None
            if request is None:
                self.channel.written([ident])
            else:
                requests.append(request)
                gated.append(ident)
        if requests:
            self._gate(requests)
            self.channel.written(gated)
        return len(entries)

    def drain_all(self) -> None:
        while self.drain():
            pass

    def _write(self, fields: dict[bytes, bytes]) -> Request | None:
        """Save a page or a refusal; a discovered request is returned, for the gate."""
        kind, data = fields[b"kind"], fields[b"data"]
        if kind == b"request":
            spider = self.crawler.spider
            assert spider is not None
            return serializer.request_from_document(serializer.loads(data), spider)
        if kind == b"capture":
            self._save(read_capture(data))
        elif kind == b"refusal":
            self._save(read_refusal(data))
        else:
            raise ValueError(f"unknown message kind {kind!r}")
        return None

    def _save(self, item: Capture | Refusal) -> None:
        sink = sink_of(self.crawler)
        if sink is None:
            raise ValueError("the coordinator keeps no archive")
        try:
            if isinstance(item, Refusal):
                sink.refuse(item)
            else:
                sink.save(item)
        except DropItem as exc:
            logger.info("not saved: %s", exc)

    def _gate(self, requests: list[Request]) -> None:
        """Through the frontier as the coordinator's own discoveries go (recorded, only what
        is due queued, at most what the queue has room for: the rest fed as it drains)."""
        engine = self.crawler.engine
        gate = self.crawler.get_spider_middleware(FrontierMiddleware)
        if engine is None:
            return
        if gate is None:
            out: list[Request] = requests
        else:
            out = gate.let_through(requests, self.channel.queued())
        for request in out:
            engine.crawl(request)
