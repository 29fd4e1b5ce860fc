"""Every Redis operation of a distributed crawl: the leased request queue, the results stream,
the nodes' counts and the shared per-host pace. One :class:`Channel` per crawler process.

A request taken from the queue is *leased*: it stays in Redis, with a deadline, until the
process that took it has sent (a node) or saved (the coordinator) everything it made of it. A
process renews its leases while it works; when one dies, its leases pass their deadline and
the next process to take a request puts them back in the queue first. Deadlines are Redis's
own clock (``TIME``), so machines whose clocks disagree share them safely.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import redis

from newsbot.distributed.keys import CONSUMER, GROUP, Keys

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Returns expired leases to the queue, then leases the first request: [lease id, request].
_POP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local held = redis.call('HGET', KEYS[2], id)
  if held then
    local cut = string.find(held, '\\n', 1, true)
    redis.call('ZADD', KEYS[1], tonumber(string.sub(held, 1, cut - 1)), string.sub(held, cut + 1))
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREM', KEYS[3], id)
end
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
local id = tostring(redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[2], id, popped[2] .. '\\n' .. popped[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[1]), id)
return {id, popped[1]}
"""

# Queues a request unless its fingerprint is in the duplicate filter, both at once (a process
# killed in between would leave a request marked seen and never queued): 1 if queued.
_PUSH_NEW = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[3])
return 1
"""

# Moves the deadlines of the leases still held (ARGV[2..]) to now + ARGV[1].
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return #ARGV - 1
"""

# Reserves the next start of a request to a host, ARGV[1] seconds after the previous one:
# returns how long to wait (seconds, as a string).
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, next)
redis.call('SET', KEYS[1], tostring(start + tonumber(ARGV[1])), 'EX', 3600)
return tostring(start - now)
"""

#: One stream entry: its id and its fields.
Entry = tuple[str, dict[bytes, bytes]]


class Channel:
    """The Redis side of one crawler process (see the module's docstring)."""

    def __init__(self, url: str, spider: str, lease_seconds: float) -> None:
        self.url = url
        self.keys = Keys(spider)
        self.lease_seconds = lease_seconds
        self.redis = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self._pop = self.redis.register_script(_POP)
        self._push_new = self.redis.register_script(_PUSH_NEW)
        self._renew = self.redis.register_script(_RENEW)
        self._pace = self.redis.register_script(_PACE)
        #: Leases this process holds.
        self.held: set[str] = set()
        self._pending_read = True  # the writer first reads back what it had not acknowledged

    # -- queue ---------------------------------------------------------------------------------

    def push(self, data: str, priority: int) -> None:
        self.redis.zadd(self.keys.requests, {data: -priority})

    def push_new(self, fingerprint: str, data: str, priority: int) -> bool:
        """Queue a request not seen in this run (by ``fingerprint``); False: seen before."""
        keys = [self.keys.requests, self.keys.dupefilter]
        return bool(self._push_new(keys=keys, args=[fingerprint, -priority, data]))

    def pop(self) -> tuple[str, bytes] | None:
        """Lease the first queued request: (lease id, its JSON), or None when none is queued."""
        keys = self.keys
        found = self._pop(
            keys=[keys.requests, keys.leases, keys.deadlines, keys.lease_ids],
            args=[self.lease_seconds],
        )
        if not found:
            return None
        lease = found[0].decode() if isinstance(found[0], bytes) else str(found[0])
        self.held.add(lease)
        return lease, found[1]

    def queued(self) -> int:
        return int(self.redis.zcard(self.keys.requests))

    def leased(self) -> int:
        return int(self.redis.hlen(self.keys.leases))

    def busy(self) -> bool:
        """Whether the run has work left anywhere: queued, leased, or not yet written."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(self.keys.requests)
        pipe.hlen(self.keys.leases)
        pipe.xlen(self.keys.results)
        return any(int(n) for n in pipe.execute())

    def release(self, lease: str) -> None:
        """The coordinator saved everything the leased request made."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(self.keys.deadlines, lease)
        pipe.hdel(self.keys.leases, lease)
        pipe.execute()
        self.held.discard(lease)

    def renew(self) -> None:
        """Push back the deadlines of the leases this process holds."""
        if self.held:
            self._renew(keys=[self.keys.deadlines], args=[self.lease_seconds, *self.held])

    # -- results -------------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        data: bytes | str,
        node: str,
        lease: str | None = None,
        counts: dict[str, Any] | None = None,
    ) -> None:
        """Add a message for the writer; with ``lease``: and release it, with ``counts``: and
        publish the node's counts, in one transaction."""
        fields: dict[Any, Any] = {"kind": kind, "node": node, "data": data}
        pipe = self.redis.pipeline(transaction=True)
        pipe.xadd(self.keys.results, fields)
        if counts is not None:
            pipe.hset(self.keys.nodes, node, json.dumps(counts))
        if lease is not None:
            pipe.zrem(self.keys.deadlines, lease)
            pipe.hdel(self.keys.leases, lease)
        pipe.execute()
        if lease is not None:
            self.held.discard(lease)

    def open_results(self) -> None:
        """The writer's consumer group on the results stream (kept across restarts)."""
        try:
            self.redis.xgroup_create(self.keys.results, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read(self, count: int) -> list[Entry]:
        """Up to ``count`` messages for the writer: first those it read before a restart and
        never acknowledged, then new ones."""
        start = "0" if self._pending_read else ">"
        answer: Any = self.redis.xreadgroup(
            GROUP, CONSUMER, {self.keys.results: start}, count=count
        )
        entries: list[Entry] = []
        for _, messages in answer or []:
            for message_id, fields in messages:
                ident = message_id.decode() if isinstance(message_id, bytes) else message_id
                entries.append((ident, fields))
        if self._pending_read and not entries:
            self._pending_read = False
        return entries

    def written(self, ids: Sequence[str]) -> None:
        """The writer committed these messages: acknowledged and removed."""
        if ids:
            pipe = self.redis.pipeline(transaction=True)
            pipe.xack(self.keys.results, GROUP, *ids)
            pipe.xdel(self.keys.results, *ids)
            pipe.execute()

    # -- nodes, pace, run ----------------------------------------------------------------------

    def report(self, node: str, counts: dict[str, Any]) -> None:
        self.redis.hset(self.keys.nodes, node, json.dumps(counts))

    def nodes(self) -> dict[str, dict[str, Any]]:
        """Each node's last counts."""
        found = self.redis.hgetall(self.keys.nodes)
        return {
            (name.decode() if isinstance(name, bytes) else str(name)): json.loads(value)
            for name, value in found.items()
        }

    def pace(self, host: str, delay: float) -> float:
        """Seconds to wait before starting a request to ``host`` so that starts, across every
        process, are ``delay`` apart."""
        return float(self._pace(keys=[self.keys.host(host)], args=[delay]))

    def running(self) -> bool:
        """Whether the run is still on (its coordinator has not finished it)."""
        return bool(self.redis.exists(self.keys.spec))

    def set_spec(self, spec: dict[str, Any]) -> None:
        self.redis.set(self.keys.spec, json.dumps(spec))

    def clear(self, keys: Iterable[str] | None = None) -> None:
        """Delete the run's keys (it finished: the next run starts afresh)."""
        self.redis.delete(*(keys if keys is not None else self.keys.run_keys()))


def read_spec(url: str) -> dict[str, Any] | None:
    """The crawl a coordinator published on the Redis at ``url``, if one did (the first)."""
    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
    for key in client.scan_iter(match="newsbot:*:spec", count=100):
        value = client.get(key)
        if value:
            spec = json.loads(value)
            if isinstance(spec, dict):
                return spec
    return None


_channels: WeakKeyDictionary[Crawler, Channel] = WeakKeyDictionary()


def channel_of(crawler: Crawler) -> Channel:
    """The crawler's channel, made from its settings on first use (``NEWSBOT_REDIS_URL``,
    ``NEWSBOT_REDIS_LEASE``)."""
    channel = _channels.get(crawler)
    if channel is None:
        spider = crawler.spider
        name = spider.name if spider is not None else str(crawler.spidercls.name)
        channel = Channel(
            crawler.settings.get("NEWSBOT_REDIS_URL"),
            name,
            crawler.settings.getfloat("NEWSBOT_REDIS_LEASE", 60.0),
        )
        _channels[crawler] = channel
    return channel
